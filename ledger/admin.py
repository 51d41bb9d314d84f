"""Admin for reading the ledger's own records. Closings, reopenings and adjustments are written only by
ledger.services (which checks the order of months, the superuser rule and the closed months), so the
admin shows them read-only. Rounds are read-only in their admin; expenses and income go through
spending.services, which refuses closed months, and their admin shows a closed month's records read-only
(ledger.admin_mixins.ClosedMonthAdminMixin); the database triggers refuse underneath."""

from __future__ import annotations

import copy

from django import forms
from django.contrib import admin, messages
from django.forms.models import construct_instance
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from jimpitan.admin_mixins import FilteredTotalsMixin, ReadOnlyAdminMixin, rupiah_column, would_refuse
from jimpitan.forms import RupiahField
from jimpitan.lib.money import format_rupiah
from ledger import services
from ledger.admin_mixins import ClosedMonthAdminMixin, number_column
from ledger.models import Account, Adjustment, BalanceCheck, MonthClosing, MonthReopening, Transfer
from ledger.selectors import account_balances


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
    list_display = [
        number_column,
        "entry_date",
        rupiah_column("amount", _("jumlah")),
        "corrects_month",
        "reason",
        "recorded_by",
    ]
    list_select_related = ["recorded_by"]
    date_hierarchy = "entry_date"


class AccountAdminForm(forms.ModelForm):
    opening_balance = RupiahField(label=_("Saldo awal"), required=False)

    class Meta:
        model = Account
        fields = ["name", "kind", "number", "opening_balance", "opening_date", "is_active"]

    def clean_opening_balance(self):
        return self.cleaned_data.get("opening_balance") or 0

    def clean(self):
        data = super().clean()
        if data.get("opening_balance") and not data.get("opening_date"):
            self.add_error("opening_date", _("Saldo awal perlu tanggalnya."))
        if not self.errors:
            candidate = construct_instance(self, copy.copy(self.instance), fields=self._meta.fields)
            error = would_refuse(lambda: services.save_account(account=candidate, user=None))
            if error is not None:  # retiring an account with money is refused next to "aktif"
                self.add_error(None if hasattr(error, "error_dict") else "opening_balance", error)
        return data


@admin.register(Account)
class AccountAdmin(FilteredTotalsMixin, SimpleHistoryAdmin):
    """The Bendahara's accounts, each with its balance today; the total of the listed accounts above the list."""

    form = AccountAdminForm
    list_filter = ["kind", "is_active"]
    search_fields = ["name"]

    def get_list_display(self, request):
        balances: dict[int, int] = {}

        @admin.display(description=_("saldo sekarang"))
        def balance_rupiah(obj) -> str:  # computed once for the page: one query per cash source, not per row
            if not balances:
                balances.update({row.account.pk: row.balance for row in account_balances()})
            return format_rupiah(balances.get(obj.pk, 0))

        return [
            "name",
            "kind",
            "is_default",
            "is_active",
            rupiah_column("opening_balance", _("saldo awal")),
            "opening_date",
            balance_rupiah,
        ]

    def filtered_totals(self, queryset) -> list[tuple[str, int]]:
        listed = set(queryset.values_list("pk", flat=True))
        total = sum(row.balance for row in account_balances() if row.account.pk in listed)
        return [(_("Saldo sekarang"), total)]

    def save_model(self, request, obj, form, change):
        services.save_account(account=obj, user=request.user)

    def has_delete_permission(self, request, obj=None) -> bool:
        # An account with records is kept (retire it instead; the database refuses otherwise), so is one with an
        # opening balance (money in the books), and the default account always stays.
        keep = obj is not None and (obj.is_default or obj.opening_balance > 0)
        return super().has_delete_permission(request, obj) and not keep


class TransferAdminForm(forms.ModelForm):
    amount = RupiahField(label=_("Jumlah"), allow_zero=False)

    class Meta:
        model = Transfer
        fields = ["transfer_date", "from_account", "to_account", "amount", "note"]
        widgets = {"transfer_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}

    def clean(self):
        data = super().clean()
        if not self.errors:
            error = would_refuse(
                lambda: services.record_transfer(
                    transfer_date=data["transfer_date"],
                    from_account=data["from_account"],
                    to_account=data["to_account"],
                    amount=data["amount"],
                    note=data.get("note", ""),
                    user=self.user,
                )
            )
            if error is not None:
                field = "amount" if error.code == "insufficient_balance" else None
                self.add_error(field, error)
        return data


@admin.register(Transfer)
class TransferAdmin(ClosedMonthAdminMixin, FilteredTotalsMixin, SimpleHistoryAdmin):
    """Transfers between accounts. Recorded once and never changed: a wrong one is deleted (open month) and
    recorded again."""

    form = TransferAdminForm
    closed_month_field = "transfer_date"
    list_display = [
        number_column,
        "transfer_date",
        "from_account",
        "to_account",
        rupiah_column("amount", _("jumlah")),
        "note",
    ]
    list_filter = ["from_account", "to_account", "transfer_date"]
    list_select_related = ["from_account", "to_account"]
    date_hierarchy = "transfer_date"
    search_fields = ["note"]

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        form.user = request.user
        return form

    def has_change_permission(self, request, obj=None) -> bool:
        return obj is None and super().has_change_permission(request, obj)

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        saved = services.record_transfer(
            transfer_date=data["transfer_date"],
            from_account=data["from_account"],
            to_account=data["to_account"],
            amount=data["amount"],
            note=data.get("note", ""),
            user=request.user,
        )
        obj.pk = saved.pk

    def delete_model(self, request, obj):
        services.delete_transfer(transfer=obj, user=request.user)


class BalanceCheckAdminForm(forms.ModelForm):
    stated_balance = RupiahField(label=_("Saldo menurut bank"))

    class Meta:
        model = BalanceCheck
        fields = ["account", "check_date", "stated_balance", "note"]
        widgets = {"check_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}


@admin.register(BalanceCheck)
class BalanceCheckAdmin(ClosedMonthAdminMixin, SimpleHistoryAdmin):
    """Matching the bank: the balance the bank showed, the books' figure then, and the difference. Recorded
    once (a new check replaces a wrong one); check_ledger proves the matched ones again."""

    form = BalanceCheckAdminForm
    closed_month_field = "check_date"
    list_display = [
        "check_date",
        "account",
        rupiah_column("stated_balance", _("saldo menurut bank")),
        rupiah_column("app_balance", _("saldo menurut buku kas")),
        "difference_rupiah",
        "note",
    ]
    list_filter = ["account", "check_date"]
    list_select_related = ["account"]
    date_hierarchy = "check_date"

    @admin.display(description=_("selisih"))
    def difference_rupiah(self, obj) -> str:
        return format_rupiah(obj.difference) if obj.difference else str(_("cocok"))

    def has_change_permission(self, request, obj=None) -> bool:
        return obj is None and super().has_change_permission(request, obj)

    def delete_model(self, request, obj):
        services.delete_balance_check(check=obj, user=request.user)

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        saved = services.record_balance_check(
            account=data["account"],
            check_date=data["check_date"],
            stated_balance=data["stated_balance"],
            note=data.get("note", ""),
            user=request.user,
        )
        obj.pk = saved.pk
        if saved.difference:
            self.message_user(
                request,
                _("Saldo bank berbeda %(difference)s dari buku kas: jelaskan selisihnya (biaya atau bunga bank?).")
                % {"difference": format_rupiah(saved.difference)},
                messages.WARNING,
            )
