"""Admin for reading rounds and contributions. Writes go through the sheet (nightly.services), which keeps
each round's stored total and counts in step with its rows, so the admin is read-only here. The closed-month
mixin adds the 'Bulan ditutup' column and filter (and would keep a closed month read-only if writes came back)."""

from __future__ import annotations

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from jimpitan.admin_mixins import (
    ExportActionsMixin,
    FilteredTotalsMixin,
    ReadOnlyAdminMixin,
    ReadOnlyHistoryAdmin,
    rupiah_column,
)
from ledger.admin_mixins import ClosedMonthAdminMixin
from nightly.models import Contribution, Round


class ReadOnlyAdmin(ReadOnlyAdminMixin, FilteredTotalsMixin, ExportActionsMixin, ReadOnlyHistoryAdmin):
    pass


@admin.register(Round)
class RoundAdmin(ClosedMonthAdminMixin, ReadOnlyAdmin):
    closed_month_field = "evening"
    list_display = [
        "evening",
        "rt",
        rupiah_column("total", _("total")),
        "households_paid",
        "households_listed",
        rupiah_column("counted_cash", _("uang dihitung")),
        "is_total_only",
        "collectors",
        "version",
    ]
    list_filter = ["rt", "is_total_only"]
    search_fields = ["collectors", "notes", "rt__name"]
    date_hierarchy = "evening"
    list_select_related = ["rt"]
    total_fields = [("total", _("total")), ("counted_cash", _("uang dihitung"))]
    export_columns = [
        ("evening", _("malam")),
        ("rt", _("RT")),
        ("total", _("total")),
        ("households_paid", _("rumah membayar")),
        ("households_listed", _("rumah terdaftar")),
        ("counted_cash", _("uang dihitung")),
        ("collectors", _("petugas ronda")),
    ]
    export_money_columns = ["total", "counted_cash"]
    export_filename = "jimpitan-malam"


@admin.register(Contribution)
class ContributionAdmin(ClosedMonthAdminMixin, ReadOnlyAdmin):
    closed_month_field = "evening"
    list_display = ["evening", "household", "state", rupiah_column("amount", _("jumlah")), "note"]
    list_filter = ["state", "round__rt"]
    search_fields = ["household__head_name", "household__address", "note"]
    date_hierarchy = "evening"
    list_select_related = ["household__rt"]
    total_fields = [("amount", _("jumlah"))]
    export_columns = [
        ("evening", _("malam")),
        ("household__rt", _("RT")),
        ("household__address", _("rumah")),
        ("state", _("keadaan")),
        ("amount", _("jumlah")),
        ("note", _("catatan")),
    ]
    export_money_columns = ["amount"]
    export_filename = "setoran-rumah"
