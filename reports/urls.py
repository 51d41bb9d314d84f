from django.urls import path

from reports import number_views, receipt_views, views, year_views

app_name = "reports"

urlpatterns = [
    path("nomor-bukti/", number_views.number_register_page, name="numbers"),
    path("kwitansi/pemasukan/<int:pk>.pdf", receipt_views.income_receipt, name="income_receipt"),
    path("kwitansi/setoran/<int:pk>.pdf", receipt_views.handover_receipt, name="handover_receipt"),
    path("laporan-tahunan.<str:fmt>", year_views.year_download, name="year_download"),
    path("<str:month>/laporan/", views.report_page, name="month"),
    path("<str:month>/laporan.<str:fmt>", views.report_download, name="download"),
]
