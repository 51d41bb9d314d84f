from django.urls import path

from reports import views

app_name = "reports"

urlpatterns = [
    path("<str:month>/laporan/", views.report_page, name="month"),
    path("<str:month>/laporan.<str:fmt>", views.report_download, name="download"),
]
