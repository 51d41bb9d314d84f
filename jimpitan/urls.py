from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.views.generic import RedirectView

from jimpitan import views
from jimpitan.forms import LoginForm

urlpatterns = [
    # The public ledger (ledger issue) takes "/" over; until then it leads to the treasurer's home.
    path("", RedirectView.as_view(pattern_name="home"), name="public_ledger"),
    path("setup/", views.setup, name="setup"),
    path("masuk/", auth_views.LoginView.as_view(authentication_form=LoginForm), name="login"),
    path("keluar/", auth_views.LogoutView.as_view(), name="logout"),
    path("beranda/", views.home, name="home"),
    path("pengaturan/", views.profile_edit, name="profile"),
    path("ping", views.ping, name="ping"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
]

