"""Admin for reading rounds and contributions. Writes go through the sheet (nightly.services), which keeps
each round's stored total and counts in step with its rows, so the admin is read-only here."""

from __future__ import annotations

from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from jimpitan.lib.money import format_rupiah
from nightly.models import Contribution, Round


class ReadOnlyAdmin(SimpleHistoryAdmin):
    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Round)
class RoundAdmin(ReadOnlyAdmin):
    list_display = ["evening", "rt", "total_rupiah", "households_paid", "households_listed", "counted_cash_rupiah",
                    "is_total_only", "collectors", "version"]
    list_filter = ["rt", "is_total_only"]
    search_fields = ["collectors", "notes", "rt__name"]
    date_hierarchy = "evening"
    list_select_related = ["rt"]

    @admin.display(description=_("total"), ordering="total")
    def total_rupiah(self, obj: Round) -> str:
        return format_rupiah(obj.total)

    @admin.display(description=_("uang dihitung"), ordering="counted_cash")
    def counted_cash_rupiah(self, obj: Round) -> str:
        return format_rupiah(obj.counted_cash) or "—"


@admin.register(Contribution)
class ContributionAdmin(ReadOnlyAdmin):
    list_display = ["evening", "household", "state", "amount_rupiah", "note"]
    list_filter = ["state", "round__rt"]
    search_fields = ["household__head_name", "household__address", "note"]
    date_hierarchy = "evening"
    list_select_related = ["household__rt"]

    @admin.display(description=_("jumlah"), ordering="amount")
    def amount_rupiah(self, obj: Contribution) -> str:
        return format_rupiah(obj.amount)
