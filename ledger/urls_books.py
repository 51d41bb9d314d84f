from django.urls import path

from ledger.views import accounts, closing

app_name = "books"

urlpatterns = [
    path("", closing.month_list, name="months"),
    path("koreksi/", closing.adjustment_create, name="adjustment_create"),
    path("akun/", accounts.account_list, name="accounts"),
    path("<str:month>/tutup/", closing.close, name="close"),
    path("<str:month>/buka/", closing.reopen, name="reopen"),
]
