"""Reusable pieces for the treasurer's admin screens (spending uses them; households and nightly can too).

    from jimpitan.admin_mixins import ExportActionsMixin, FilteredTotalsMixin, ReadOnlyHistoryAdmin, rupiah_column

    @admin.register(Round)
    class RoundAdmin(FilteredTotalsMixin, ExportActionsMixin, ReadOnlyHistoryAdmin):
        list_display = ["evening", "rt", rupiah_column("total", _("Jumlah"))]
        total_fields = [("total", _("Jumlah"))]
        export_columns = [("evening", _("Malam")), ("rt__number", _("RT")), ("total", _("Jumlah"))]
        export_money_columns = ["total"]
        export_filename = "jimpitan-malam"

Put the mixins before the admin base class. A subclass with its own `actions` should list
"export_csv" and "export_xlsx" too. A model dated in the cash book also takes
ledger.admin_mixins.ClosedMonthAdminMixin (first of all), with `closed_month_field` naming its date field.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from django.contrib import admin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Sum
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from jimpitan.lib.exports import export_response
from jimpitan.lib.money import format_rupiah

ADMIN_CSS = "css/admin.css"


def rupiah_column(field: str, description, *, ordering: str | None = None):
    """A list_display column that shows `field` as 'Rp 3.500.000', right-aligned, still sortable."""

    @admin.display(description=description, ordering=ordering or field)
    def column(obj) -> str:
        value = getattr(obj, field)
        return "—" if value is None else format_rupiah(value)

    column.__name__ = f"{field}_rupiah"  # the cell gets class "field-<name>_rupiah" (right-aligned by admin.css)
    return column


class FilteredTotalsMixin:
    """Show the sum of every filtered row (all pages, not just the one shown) above the change list."""

    total_fields: Sequence[tuple[str, str]] = (("amount", _("Jumlah")),)
    change_list_template = "admin/change_list_totals.html"

    class Media:
        css = {"all": [ADMIN_CSS]}

    def filtered_totals(self, queryset) -> list[tuple[str, int]]:
        sums = queryset.order_by().aggregate(**{f"total_{name}": Sum(name) for name, _label in self.total_fields})
        return [(label, int(sums[f"total_{name}"] or 0)) for name, label in self.total_fields]

    def changelist_view(self, request, extra_context=None):
        response = super().changelist_view(request, extra_context)
        context = getattr(response, "context_data", None)
        # A redirect (after an action) or an error page has no change list to total.
        if context is not None and "cl" in context:
            changelist = context["cl"]
            context["filtered_totals"] = [
                (label, format_rupiah(value)) for label, value in self.filtered_totals(changelist.queryset)
            ]
            context["filtered_count"] = changelist.result_count
        return response


def _cell(obj, path: str):
    """Follow 'project__name'; choice fields give their label; None becomes ''."""
    value = obj
    for part in path.split("__"):
        if value is None:
            return ""
        display = getattr(value, f"get_{part}_display", None)
        value = display() if callable(display) else getattr(value, part)
    if value is None:
        return ""
    if isinstance(value, (int, str)) or hasattr(value, "isoformat"):
        return value
    return str(value)


class ExportActionsMixin:
    """'Unduh CSV' / 'Unduh XLSX' actions over the selected rows; money stays numeric in XLSX.

    Anyone who may view the list may export it (the Pokja reads the books too).
    """

    export_columns: Sequence[tuple[str, str]] = ()
    export_money_columns: Sequence[str] = ()
    export_filename = "data"
    actions = ("export_csv", "export_xlsx")

    def _export(self, queryset, fmt: str):
        columns = list(self.export_columns)
        headers = [label for _path, label in columns]
        rows = [[_cell(obj, path) for path, _label in columns] for obj in queryset]
        money = [i for i, (path, _label) in enumerate(columns) if path in self.export_money_columns]
        return export_response(
            fmt, self.export_filename, headers, rows, money_columns=money, title=self.export_filename
        )

    @admin.action(description=_("Unduh CSV (baris terpilih)"), permissions=["view"])
    def export_csv(self, request, queryset):
        return self._export(queryset, "csv")

    @admin.action(description=_("Unduh XLSX (baris terpilih)"), permissions=["view"])
    def export_xlsx(self, request, queryset):
        return self._export(queryset, "xlsx")


class ReadOnlyAdminMixin:
    """For records written only by a service that keeps other figures in step: the admin may read them."""

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class ReadOnlyHistoryAdmin(SimpleHistoryAdmin):
    """History is a record of what happened: it can be read, never reverted or edited from the admin."""

    def revert_disabled(self, request, obj=None) -> bool:
        return True

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        # Viewing an old version is allowed; posting it back (a revert) is not.
        if request.method == "POST":
            raise PermissionDenied
        return super().history_form_view(request, object_id, version_id, extra_context)


class _DryRun(Exception):
    pass


def would_refuse(write: Callable[[], object]) -> ValidationError | None:
    """Run a service inside a savepoint that is always rolled back: an admin form can then show the service's
    refusal next to its fields instead of failing after the form was accepted."""
    try:
        with transaction.atomic():
            write()
            raise _DryRun
    except _DryRun:
        return None
    except ValidationError as error:
        return error
