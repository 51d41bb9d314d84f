from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from jimpitan import views
from jimpitan.forms import LoginForm

urlpatterns = [
    path("", include("public.urls")),
    path("stiker/", include("households.urls_stickers")),
    path("setup/", views.setup, name="setup"),
    path("masuk/", auth_views.LoginView.as_view(authentication_form=LoginForm), name="login"),
    path("keluar/", auth_views.LogoutView.as_view(), name="logout"),
    path("sandi/", views.OwnPasswordChangeView.as_view(), name="password_change"),
    path("beranda/", views.home, name="home"),
    path("pengaturan/", views.profile_edit, name="profile"),
    path("healthz", views.healthz, name="healthz"),
    path("jimpitan/", include("nightly.urls")),
    path("keliling/", include("nightly.urls_keliling")),
    path("", include("nightly.urls_pwa")),
    path("ronda/", include("nightly.urls_roster")),
    path("rumah/", include("households.urls")),
    path("kas/", include("spending.urls")),
    path("buku/", include("ledger.urls_books")),
    path("buku/", include("reports.urls")),
    path("ping", views.ping, name="ping"),
    path("robots.txt", views.robots_txt, name="robots_txt"),
    path("favicon.ico", views.favicon, name="favicon"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
]
