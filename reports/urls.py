from django.urls import path

from reports import handover_views, number_views, receipt_views, views, year_views

app_name = "reports"

urlpatterns = [
    path("serah-terima/", handover_views.handover_list, name="handover_list"),
    path("serah-terima/baru/", handover_views.handover_create, name="handover_create"),
    path("serah-terima/pratinjau/", handover_views.handover_preview, name="handover_preview"),
    path("serah-terima/<int:pk>/", handover_views.handover_detail, name="handover_detail"),
    path("serah-terima/<int:pk>.pdf", handover_views.handover_download, name="handover_download"),
    path("nomor-bukti/", number_views.number_register_page, name="numbers"),
    path("kwitansi/pemasukan/<int:pk>.pdf", receipt_views.income_receipt, name="income_receipt"),
    path("kwitansi/setoran/<int:pk>.pdf", receipt_views.handover_receipt, name="handover_receipt"),
    path("kwitansi/rapel/<int:pk>.pdf", receipt_views.catch_up_receipt, name="catch_up_receipt"),
    path("laporan-tahunan.<str:fmt>", year_views.year_download, name="year_download"),
    path("<str:month>/laporan/", views.report_page, name="month"),
    path("<str:month>/laporan.<str:fmt>", views.report_download, name="download"),
]
