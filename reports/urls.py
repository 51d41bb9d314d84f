from django.urls import path

from reports import views, year_views

app_name = "reports"

urlpatterns = [
    path("laporan-tahunan.<str:fmt>", year_views.year_download, name="year_download"),
    path("<str:month>/laporan/", views.report_page, name="month"),
    path("<str:month>/laporan.<str:fmt>", views.report_download, name="download"),
]
