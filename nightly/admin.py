"""Admin for reading rounds and contributions. Writes go through the sheet (nightly.services), which keeps
each round's stored total and counts in step with its rows, so the admin is read-only here. The closed-month
mixin adds the 'Bulan ditutup' column and filter (and would keep a closed month read-only if writes came back)."""

from __future__ import annotations

import copy

from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from jimpitan.admin_mixins import (
    ExportActionsMixin,
    FilteredTotalsMixin,
    ReadOnlyAdminMixin,
    ReadOnlyHistoryAdmin,
    rupiah_column,
    would_refuse,
)
from ledger.admin_mixins import ClosedMonthAdminMixin, number_column
from nightly import services
from nightly.models import Contribution, Handover, Round


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
    list_filter = ["rt", "is_total_only", ("handover", admin.EmptyFieldListFilter)]
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


@admin.register(Handover)
class HandoverAdmin(ClosedMonthAdminMixin, FilteredTotalsMixin, ExportActionsMixin, SimpleHistoryAdmin):
    """The collectors' handovers, with the totals of the filtered rows. They are recorded on the treasurer's page
    (which lists the rounds still held) and never changed: a wrong one is deleted (open month, through the
    service, which checks the account's balance) and recorded again."""

    closed_month_field = "received_on"
    list_display = [
        number_column,
        "received_on",
        "handed_by_display",
        "account",
        rupiah_column("expected", _("total ronde")),
        rupiah_column("counted", _("uang dihitung")),
        rupiah_column("difference", _("selisih")),
        "explanation",
    ]
    list_filter = ["account", "received_on", "handed_by"]
    list_select_related = ["account", "handed_by"]
    date_hierarchy = "received_on"
    search_fields = ["handed_by_name", "handed_by__first_name", "handed_by__username", "explanation"]
    total_fields = [("expected", _("total ronde")), ("counted", _("uang dihitung")), ("difference", _("selisih"))]
    export_columns = [
        ("received_on", _("tanggal diterima")),
        ("handed_by_name", _("diserahkan oleh")),
        ("account", _("akun")),
        ("expected", _("total ronde")),
        ("counted", _("uang dihitung")),
        ("difference", _("selisih")),
        ("explanation", _("penjelasan")),
    ]
    export_money_columns = ["expected", "counted", "difference"]
    export_filename = "setoran-petugas"

    @admin.display(description=_("diserahkan oleh"))
    def handed_by_display(self, obj) -> str:
        return obj.handed_by_display

    def has_add_permission(self, request) -> bool:
        return False  # recorded on /jimpitan/setoran/baru/, where the rounds still held are listed

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        if not super().has_delete_permission(request, obj):
            return False
        # The service's own refusal (the account would go below zero, a bank match broken), found by a dry run on a
        # copy (a delete clears the instance's primary key, even when rolled back).
        if obj is None:
            return True
        return would_refuse(lambda: services.delete_handover(handover=copy.copy(obj), user=request.user)) is None

    def delete_model(self, request, obj):
        try:
            services.delete_handover(handover=obj, user=request.user)
        except ValidationError as error:
            self.message_user(request, error.messages[0], messages.ERROR)
