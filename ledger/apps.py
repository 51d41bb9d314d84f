from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LedgerConfig(AppConfig):
    name = "ledger"
    verbose_name = _("Buku kas")

    def ready(self) -> None:
        from jimpitan.services import opening_balance_changing
        from ledger.models import Adjustment
        from ledger.services import guard_opening_balance_change
        from ledger.sources import CashSource, register_cash_source

        register_cash_source(
            "adjustments", CashSource("adjustments", Adjustment, "entry_date", "amount", account_field="account_id")
        )
        opening_balance_changing.connect(guard_opening_balance_change, dispatch_uid="ledger-opening-balance")
