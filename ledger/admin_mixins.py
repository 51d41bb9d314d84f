"""The closed-month rules in the admin: a record dated in a closed month (tutup buku) is read-only there."""

from __future__ import annotations

from django.contrib import admin, messages
from django.contrib.admin.actions import delete_selected
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.db.models.functions import TruncMonth
from django.utils.translation import gettext_lazy as _

from jimpitan.lib.dates import month_label
from jimpitan.lib.months import month_start
from ledger.guards import MonthClosedError, assert_month_open, closed_month_notice, closed_months
from ledger.models import MonthClosing


class ClosedMonthFilter(admin.SimpleListFilter):
    title = _("tutup buku")
    parameter_name = "tutup_buku"

    def lookups(self, request, model_admin):
        return [("ditutup", _("Bulan ditutup")), ("terbuka", _("Bulan belum ditutup"))]

    def queryset(self, request, queryset):
        if self.value() == "ditutup":
            return queryset.filter(in_closed_month=True)
        if self.value() == "terbuka":
            return queryset.filter(in_closed_month=False)
        return queryset


class _ClosedMonthForm:
    """Refuses a date in a closed month (the new date, and on an edit the old one) next to the date field,
    before the form's own checks run: nothing is saved and the typed input stays."""

    closed_month_field = ""

    def clean(self):
        field = self.closed_month_field
        old_day = getattr(self.instance, field, None) if self.instance.pk else None
        try:
            assert_month_open(self.cleaned_data.get(field), old_day)
        except MonthClosedError as error:
            self.add_error(field, error)
        return super().clean()


def _delete_selected_in_open_months(modeladmin, request, queryset):
    """Django's 'delete selected', refused whole when any selected row lies in a closed month, and run in
    one transaction so that a refusal of any row (by the service behind delete_model) keeps every row."""
    days = list(queryset.values_list(modeladmin.closed_month_field, flat=True))
    closed = closed_months(days)
    if closed:
        count = sum(1 for day in days if month_start(day) in closed)
        modeladmin.message_user(
            request,
            _(
                "Tidak ada yang dihapus: %(count)d baris terpilih ada di bulan yang bukunya sudah ditutup "
                "(%(months)s). Data bulan itu tidak bisa dihapus; catat koreksi di bulan berjalan."
            )
            % {"count": count, "months": ", ".join(month_label(m) for m in sorted(closed))},
            messages.ERROR,
        )
        return None
    try:
        with transaction.atomic():
            return delete_selected(modeladmin, request, queryset)
    except ValidationError as error:
        modeladmin.message_user(
            request, _("Tidak ada yang dihapus: %(reason)s") % {"reason": error.messages[0]}, messages.ERROR
        )
        return None


class ClosedMonthAdminMixin:
    """A record dated in a closed month (tutup buku) is read-only in the admin, for the superuser too.

    Its change page shows it read-only and refuses a POST (403), its delete page answers 403, the
    'delete selected' action refuses a selection that holds one, and an add or change form that would
    put a record into a closed month shows the refusal next to the date field. The checks are
    ledger.guards', the same as the services'; the database triggers still refuse underneath.
    The change list gets a 'Bulan ditutup' column and filter.
    """

    closed_month_field = ""

    def _month_is_closed(self, request, obj) -> bool:
        if obj is None:
            return False
        day = getattr(obj, self.closed_month_field)
        # The admin asks several times per page; the closed months are read once per request.
        months = getattr(request, "_closed_months", None)
        if months is None:
            months = request._closed_months = closed_months()
        return day is not None and month_start(day) in months

    def has_change_permission(self, request, obj=None) -> bool:
        if self._month_is_closed(request, obj):
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None) -> bool:
        if self._month_is_closed(request, obj):
            return False
        return super().has_delete_permission(request, obj)

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        if self.closed_month_field not in form.base_fields:  # a read-only page has no date field to check
            return form
        return type(form)(
            form.__name__,
            (_ClosedMonthForm, form),
            {"closed_month_field": self.closed_month_field, "__module__": form.__module__},
        )

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if change and self._month_is_closed(request, obj):
            # Say why the page is read-only (the admin alone would just drop the save buttons).
            self.message_user(request, closed_month_notice(getattr(obj, self.closed_month_field)), messages.WARNING)
        return super().render_change_form(request, context, add, change, form_url, obj)

    def get_queryset(self, request):
        # Two steps: TruncMonth cannot take an OuterRef directly.
        return (
            super()
            .get_queryset(request)
            .annotate(record_month=TruncMonth(self.closed_month_field))
            .annotate(in_closed_month=Exists(MonthClosing.objects.filter(month=OuterRef("record_month"))))
        )

    @admin.display(description=_("Bulan ditutup"), boolean=True, ordering="in_closed_month")
    def closed_month_marker(self, obj) -> bool:
        return obj.in_closed_month

    def get_list_display(self, request):
        return [*super().get_list_display(request), "closed_month_marker"]

    def get_list_filter(self, request):
        return [*super().get_list_filter(request), ClosedMonthFilter]

    def get_actions(self, request):
        actions = super().get_actions(request)
        if "delete_selected" in actions:
            _function, name, description = actions["delete_selected"]
            actions["delete_selected"] = (_delete_selected_in_open_months, name, description)
        return actions

    def delete_queryset(self, request, queryset):
        # Row by row through delete_model (the app's service, where it has one), all or nothing.
        with transaction.atomic():
            objs = list(queryset)
            assert_month_open(*(getattr(obj, self.closed_month_field) for obj in objs))
            for obj in objs:
                self.delete_model(request, obj)


@admin.display(description=_("No. bukti"), ordering="number")
def number_column(obj) -> str:
    """The transaction number of a numbered document ('2026-0042') as the admin lists' first column."""
    return obj.reference
