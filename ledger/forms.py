from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from jimpitan.forms import KampungModelChoiceField, RupiahField
from jimpitan.lib.dates import month_label
from ledger.models import Account, default_account_id


class ReopenForm(forms.Form):
    reason = forms.CharField(
        label=_("Alasan membuka kembali"),
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Alasan wajib diisi.")},
    )


class AdjustmentForm(forms.Form):
    DIRECTIONS = [("in", _("Menambah kas")), ("out", _("Mengurangi kas"))]

    # The date input needs ISO dates whatever the language's display format.
    entry_date = forms.DateField(
        label=_("Tanggal koreksi"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={
            "required": _("Isi tanggal koreksi dicatat."),
            "invalid": _("Tanggal tidak dikenali. Pilih dari kalender."),
        },
    )
    direction = forms.ChoiceField(
        label=_("Arah"),
        choices=DIRECTIONS,
        widget=forms.RadioSelect,
        error_messages={"required": _("Pilih: menambah atau mengurangi kas.")},
    )
    amount = RupiahField(
        label=_("Jumlah"), allow_zero=False, error_messages={"required": _("Isi jumlah koreksi dalam Rupiah.")}
    )
    account = KampungModelChoiceField(
        label=_("Akun"), queryset=lambda: Account.objects.filter(is_active=True), empty_label=None, required=False
    )
    corrects_month = forms.TypedChoiceField(
        label=_("Mengoreksi bulan"),
        coerce=forms.DateField().clean,
        error_messages={"required": _("Pilih bulan yang dikoreksi.")},
    )
    reason = forms.CharField(
        label=_("Alasan"),
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Alasan wajib diisi.")},
    )

    def __init__(self, *args, closed_months=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["corrects_month"].choices = [(m.isoformat(), month_label(m)) for m in closed_months]
        self.fields["account"].initial = default_account_id()

    def clean_account(self):
        """Kas tunai unless another account is chosen."""
        return self.cleaned_data.get("account") or Account.objects.get(pk=default_account_id())

    def signed_amount(self) -> int:
        amount = self.cleaned_data["amount"]
        return amount if self.cleaned_data["direction"] == "in" else -amount
