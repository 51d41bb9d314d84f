from __future__ import annotations

import datetime as dt

from django import forms
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jimpitan.forms import RupiahField
from ledger.models import Account
from spending.models import Expense, OtherIncome, Project
from spending.uploads import PhotoField, ReceiptField

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def limit_accounts(field, instance) -> None:
    """The active accounts, and the record's own account even if it was retired since; Kas tunai first.

    Left out of the posted data, the account stays the record's own (Kas tunai for a new one)."""
    field.queryset = Account.objects.filter(models.Q(is_active=True) | models.Q(pk=instance.account_id))
    field.empty_label = None
    field.required = False


class AccountFormMixin:
    """The account select of a money form (see `limit_accounts`)."""

    def clean_account(self):
        return self.cleaned_data.get("account") or Account.objects.get(pk=self.instance.account_id)


def not_far_ahead(day: dt.date | None) -> dt.date | None:
    """Money is recorded when it moves; a date years ahead is a typo (and 9999-12-31 overflowed the
    cash-book arithmetic: found by the bad-input drill)."""
    if day and day > timezone.localdate() + dt.timedelta(days=366):
        raise forms.ValidationError(_("Tanggal terlalu jauh ke depan."), code="far_ahead")
    return day


class ExpenseForm(AccountFormMixin, forms.ModelForm):
    amount = RupiahField(label=_("Jumlah"), allow_zero=False)
    # Not the model field: the cleaned value is an already checked and re-encoded file.
    receipt_file = ReceiptField()

    class Meta:
        model = Expense
        fields = ["spent_on", "project", "description", "payee", "amount", "account"]
        widgets = {"spent_on": DATE_WIDGET}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["project"].empty_label = _("— Biaya operasional (tanpa program) —")
        limit_accounts(self.fields["account"], self.instance)

    def clean_spent_on(self):
        return not_far_ahead(self.cleaned_data.get("spent_on"))


class OtherIncomeForm(AccountFormMixin, forms.ModelForm):
    amount = RupiahField(label=_("Jumlah"), allow_zero=False)

    class Meta:
        model = OtherIncome
        fields = ["received_on", "source", "source_name", "description", "amount", "account", "project"]
        widgets = {"received_on": DATE_WIDGET}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["project"].empty_label = _("— Kas umum (tidak untuk program tertentu) —")
        limit_accounts(self.fields["account"], self.instance)

    def clean_received_on(self):
        return not_far_ahead(self.cleaned_data.get("received_on"))


class ProjectForm(forms.ModelForm):
    budget = RupiahField(label=_("Target anggaran"), required=False, allow_zero=False)
    cover_file = PhotoField()

    class Meta:
        model = Project
        fields = ["name", "description", "status", "budget", "starts_on", "ends_on", "display_order"]
        widgets = {"starts_on": DATE_WIDGET, "ends_on": DATE_WIDGET, "description": forms.Textarea(attrs={"rows": 3})}

    def clean_name(self):
        # Unique per kampung: the model's rule names the kampung, which the form does not show, so it is asked here.
        name = self.cleaned_data["name"]
        clash = Project.objects.filter(kampung_id=self.instance.kampung_id, name=name).exclude(pk=self.instance.pk)
        if clash.exists():
            raise self.instance.unique_error_message(Project, ("name",))
        return name

    def clean(self):
        data = super().clean()
        starts, ends = data.get("starts_on"), data.get("ends_on")
        if starts and ends and ends < starts:
            self.add_error("ends_on", _("Tanggal selesai tidak boleh sebelum tanggal mulai."))
        return data
