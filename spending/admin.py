"""The Pokja treasurer's admin screens. Every save goes through spending.services, so the admin obeys
the same rules as the treasurer pages: closed months, the balance never below zero, checked receipts."""

from __future__ import annotations

import copy

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.forms.models import construct_instance
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from jimpitan.admin_mixins import (
    ExportActionsMixin,
    FilteredTotalsMixin,
    ReadOnlyHistoryAdmin,
    rupiah_column,
    would_refuse,
)
from jimpitan.forms import RupiahField
from ledger.admin_mixins import ClosedMonthAdminMixin, number_column
from spending import selectors, services
from spending.forms import AccountFormMixin, limit_accounts
from spending.models import Expense, OtherIncome, Project
from spending.uploads import PhotoField, ReceiptField


class ExpenseAdminForm(AccountFormMixin, forms.ModelForm):
    amount = RupiahField(label=_("Jumlah"), allow_zero=False)
    receipt_file = ReceiptField()

    class Meta:
        model = Expense
        fields = ["spent_on", "project", "description", "payee", "amount", "account"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "account" in self.fields:  # not on a closed month's read-only page
            limit_accounts(self.fields["account"], self.instance)

    def clean(self):
        data = super().clean()
        if not self.errors:
            candidate = construct_instance(self, copy.copy(self.instance), fields=self._meta.fields)
            error = would_refuse(lambda: services.save_expense(candidate, user=None))
            if error is not None:
                self.add_error("amount" if error.code == "insufficient_balance" else "spent_on", error)
        return data


class OtherIncomeAdminForm(AccountFormMixin, forms.ModelForm):
    amount = RupiahField(label=_("Jumlah"), allow_zero=False)

    class Meta:
        model = OtherIncome
        fields = ["received_on", "source", "source_name", "description", "amount", "account", "project"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "account" in self.fields:  # not on a closed month's read-only page
            limit_accounts(self.fields["account"], self.instance)

    def clean(self):
        data = super().clean()
        if not self.errors:
            candidate = construct_instance(self, copy.copy(self.instance), fields=self._meta.fields)
            error = would_refuse(lambda: services.save_other_income(candidate, user=None))
            if error is not None:
                self.add_error("amount" if error.code == "insufficient_balance" else "received_on", error)
        return data


class ProjectAdminForm(forms.ModelForm):
    budget = RupiahField(label=_("Target anggaran"), required=False, allow_zero=False)
    cover_file = PhotoField()

    class Meta:
        model = Project
        fields = ["name", "description", "status", "budget", "starts_on", "ends_on", "display_order"]


class ApprovalFilter(admin.SimpleListFilter):
    title = _("persetujuan")
    parameter_name = "disetujui"

    def lookups(self, request, model_admin):
        return [("ya", _("Sudah disetujui")), ("belum", _("Belum disetujui"))]

    def queryset(self, request, queryset):
        if self.value() == "ya":
            return queryset.filter(approved_by__isnull=False)
        if self.value() == "belum":
            return queryset.filter(approved_by__isnull=True)
        return queryset


class _ServiceDeleteMixin:
    """Deleting goes through the service too (closed months, balance). The bulk 'delete selected' of
    ClosedMonthAdminMixin calls delete_model row by row in one transaction, so a balance refusal of any
    row keeps them all and is reported, never a success."""

    delete_service = None

    def delete_model(self, request, obj):
        type(self).delete_service(obj)

    def delete_view(self, request, object_id, extra_context=None):
        try:
            return super().delete_view(request, object_id, extra_context)
        except ValidationError as error:
            self.message_user(request, error.messages[0], level=messages.ERROR)
            opts = self.model._meta
            return redirect(reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[object_id]))


@admin.register(Expense)
class ExpenseAdmin(
    ClosedMonthAdminMixin, _ServiceDeleteMixin, FilteredTotalsMixin, ExportActionsMixin, ReadOnlyHistoryAdmin
):
    form = ExpenseAdminForm
    closed_month_field = "spent_on"
    delete_service = staticmethod(services.delete_expense)
    list_display = [
        number_column,
        "spent_on",
        "description",
        "project",
        "payee",
        rupiah_column("amount", _("Jumlah")),
        "receipt_thumb",
        "approved_by",
    ]
    list_display_links = ["spent_on", "description"]
    list_filter = ["project", "account", ApprovalFilter, "spent_on"]
    search_fields = ["description", "payee", "project__name"]
    date_hierarchy = "spent_on"
    list_select_related = ["project", "approved_by"]
    readonly_fields = ["receipt_thumb", "recorded_by", "recorded_at", "approved_by", "approved_at"]
    actions = ("approve_selected", "export_csv", "export_xlsx")
    export_columns = [
        ("spent_on", _("Tanggal")),
        ("project__name", _("Program")),
        ("description", _("Keterangan")),
        ("payee", _("Dibayar kepada")),
        ("amount", _("Jumlah")),
        ("recorded_by__username", _("Dicatat oleh")),
        ("approved_by__username", _("Disetujui oleh")),
    ]
    export_money_columns = ["amount"]
    export_filename = "pengeluaran"

    @admin.display(description=_("Nota"))
    def receipt_thumb(self, obj):
        if not obj or not obj.receipt:
            return "—"
        if obj.receipt_thumbnail:
            return format_html(
                '<a href="{}"><img src="{}" alt="{}" class="admin-receipt-thumb" loading="lazy"></a>',
                reverse("spending:receipt", args=[obj.pk]),
                reverse("spending:receipt_thumbnail", args=[obj.pk]),
                _("Nota"),
            )
        return format_html('<a href="{}">PDF</a>', reverse("spending:receipt", args=[obj.pk]))

    def save_model(self, request, obj, form, change):
        obj._history_user = request.user
        services.save_expense(obj, user=request.user, receipt=form.cleaned_data.get("receipt_file"))

    def has_approve_permission(self, request) -> bool:
        return request.user.has_perm("spending.approve_expense")

    @admin.action(description=_("Setujui pengeluaran terpilih"), permissions=["approve"])
    def approve_selected(self, request, queryset):
        approved, refused = 0, []
        for expense in queryset:
            try:
                services.approve_expense(expense, request.user)
                approved += 1
            except ValidationError as error:
                refused.append(f"{expense}: {error.messages[0]}")
        if approved:
            self.message_user(request, _("%(n)d pengeluaran disetujui.") % {"n": approved})
        for message in refused:
            self.message_user(request, message, level="warning")


@admin.register(OtherIncome)
class OtherIncomeAdmin(
    ClosedMonthAdminMixin, _ServiceDeleteMixin, FilteredTotalsMixin, ExportActionsMixin, ReadOnlyHistoryAdmin
):
    form = OtherIncomeAdminForm
    closed_month_field = "received_on"
    delete_service = staticmethod(services.delete_other_income)
    list_display = [
        number_column,
        "received_on",
        "description",
        "source",
        "source_name",
        "project",
        rupiah_column("amount", _("Jumlah")),
    ]
    list_display_links = ["received_on", "description"]
    list_filter = ["source", "account", "project", "received_on"]
    search_fields = ["description", "source_name", "project__name"]
    date_hierarchy = "received_on"
    list_select_related = ["project"]
    readonly_fields = ["recorded_by", "recorded_at"]
    export_columns = [
        ("received_on", _("Tanggal")),
        ("source", _("Sumber")),
        ("source_name", _("Dari")),
        ("description", _("Keterangan")),
        ("project__name", _("Untuk program")),
        ("amount", _("Jumlah")),
    ]
    export_money_columns = ["amount"]
    export_filename = "pemasukan-lain"

    def save_model(self, request, obj, form, change):
        obj._history_user = request.user
        services.save_other_income(obj, user=request.user)


@admin.register(Project)
class ProjectAdmin(FilteredTotalsMixin, ExportActionsMixin, ReadOnlyHistoryAdmin):
    form = ProjectAdminForm
    list_display = [
        "name",
        "status",
        rupiah_column("budget", _("Target anggaran")),
        rupiah_column("spent", _("Terpakai")),
        rupiah_column("earmarked", _("Pemasukan untuk program")),
        "starts_on",
        "ends_on",
    ]
    list_filter = ["status", "starts_on"]
    search_fields = ["name", "description"]
    date_hierarchy = "starts_on"
    total_fields = [("budget", _("Target anggaran"))]
    export_columns = [
        ("name", _("Program")),
        ("status", _("Status")),
        ("budget", _("Target anggaran")),
        ("spent", _("Terpakai")),
        ("earmarked", _("Pemasukan untuk program")),
        ("starts_on", _("Tanggal mulai")),
        ("ends_on", _("Tanggal selesai")),
    ]
    export_money_columns = ["budget", "spent", "earmarked"]
    export_filename = "program"

    def get_queryset(self, request):
        return selectors.projects_with_totals(super().get_queryset(request))

    def save_model(self, request, obj, form, change):
        obj._history_user = request.user
        services.save_project(obj, cover=form.cleaned_data.get("cover_file"))
