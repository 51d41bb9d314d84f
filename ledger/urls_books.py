from django.urls import path

from ledger.views import closing, reports

app_name = "books"

urlpatterns = [
    path("", closing.month_list, name="months"),
    path("koreksi/", closing.adjustment_create, name="adjustment_create"),
    path("<str:month>/tutup/", closing.close, name="close"),
    path("<str:month>/buka/", closing.reopen, name="reopen"),
    path("<str:month>/laporan/", reports.report_page, name="report"),
    path("<str:month>/laporan.<str:fmt>", reports.report_download, name="report_download"),
]
