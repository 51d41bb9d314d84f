from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SpendingConfig(AppConfig):
    name = "spending"
    verbose_name = _("Pengeluaran dan pemasukan lain")

    def ready(self) -> None:
        from ledger.sources import CashSource, register_cash_source
        from spending.models import Expense, OtherIncome

        register_cash_source(
            "other_income", CashSource("other_income", OtherIncome, "received_on", "amount", account_field="account_id")
        )
        register_cash_source(
            "expenses",
            CashSource(
                "expenses", Expense, "spent_on", "amount", account_field="account_id", label_field="description"
            ),
        )
