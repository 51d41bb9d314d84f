from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NightlyConfig(AppConfig):
    name = "nightly"
    verbose_name = _("Jimpitan malam")

    def ready(self) -> None:
        from households.panels import DetailPanel, register_detail_panel
        from ledger.sources import CashSource, register_cash_source
        from nightly.checks import round_total_mismatches
        from nightly.models import Round
        from nightly.views.panels import household_month_context

        # A round's stored total is its money; its contributions are the detail that check_ledger sums again.
        register_cash_source("rounds", CashSource("jimpitan", Round, "evening", "total", verify=round_total_mismatches))
        register_detail_panel("nightly", DetailPanel("nightly/_household_panel.html", household_month_context))
