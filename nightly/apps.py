from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NightlyConfig(AppConfig):
    name = "nightly"
    verbose_name = _("Jimpitan malam")

    def ready(self) -> None:
        from households.panels import DetailPanel, register_detail_panel
        from ledger.sources import CashSource, register_cash_source
        from nightly.checks import catch_up_mismatches, handover_mismatches, round_total_mismatches
        from nightly.models import CatchUp, Handover, Round
        from nightly.views.panels import household_month_context

        # A round's stored total is its money; its contributions are the detail that check_ledger sums again.
        # It is in the cash book from its evening, and on its handover's account from the day received; until
        # then it is held by the patrol ("di petugas").
        register_cash_source(
            "rounds",
            CashSource(
                "jimpitan",
                Round,
                "evening",
                "total",
                verify=round_total_mismatches,
                account_field="handover__account_id",
                account_date_field="handover__received_on",
            ),
        )
        # A handover's shortfall or surplus against its rounds: an explained line, counted with the corrections.
        register_cash_source(
            "handover_differences",
            CashSource(
                "adjustments",
                Handover,
                "received_on",
                "difference",
                queryset=lambda: Handover.objects.exclude(difference=0),
                verify=handover_mismatches,
                account_field="account_id",
            ),
        )
        # A catch-up (rapel) is jimpitan paid later or ahead: income of the day paid, straight into its account.
        register_cash_source(
            "catch_ups",
            CashSource(
                "catch_ups", CatchUp, "paid_on", "amount", verify=catch_up_mismatches, account_field="account_id"
            ),
        )
        register_detail_panel("nightly", DetailPanel("nightly/_household_panel.html", household_month_context))
