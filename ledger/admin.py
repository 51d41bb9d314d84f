"""Admin for reading the ledger's own records. Closings, reopenings and adjustments are written only by
ledger.services (which checks the order of months, the superuser rule and the closed months), so the
admin shows them read-only. Rounds are read-only in their admin; expenses and income go through
spending.services, which refuses closed months, and their admin shows a closed month's records read-only
(ledger.admin_mixins.ClosedMonthAdminMixin); the database triggers refuse underneath."""

from __future__ import annotations

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from jimpitan.admin_mixins import ReadOnlyAdminMixin, rupiah_column
from ledger.admin_mixins import ClosedMonthAdminMixin
from ledger.models import Adjustment, MonthClosing, MonthReopening


class ReadOnlyAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    pass


@admin.register(MonthClosing)
class MonthClosingAdmin(ReadOnlyAdmin):
    list_display = ["month", rupiah_column("closing_balance", _("saldo akhir")), "closed_by", "closed_at"]
    list_select_related = ["closed_by"]


@admin.register(MonthReopening)
class MonthReopeningAdmin(ReadOnlyAdmin):
    list_display = [
        "month",
        "reason",
        rupiah_column("previous_closing_balance", _("saldo akhir sebelumnya")),
        "reopened_by",
        "reopened_at",
    ]
    list_select_related = ["reopened_by"]


@admin.register(Adjustment)
class AdjustmentAdmin(ClosedMonthAdminMixin, ReadOnlyAdmin):
    # An adjustment's own month is closed in its turn; the column tells which ones are frozen.
    closed_month_field = "entry_date"
    list_display = ["entry_date", rupiah_column("amount", _("jumlah")), "corrects_month", "reason", "recorded_by"]
    list_select_related = ["recorded_by"]
    date_hierarchy = "entry_date"
