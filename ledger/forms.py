from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from jimpitan.forms import RupiahField
from jimpitan.lib.dates import month_label


class ReopenForm(forms.Form):
    reason = forms.CharField(label=_("Alasan membuka kembali"), widget=forms.Textarea(attrs={"rows": 3}),
                             error_messages={"required": _("Alasan wajib diisi.")})


class AdjustmentForm(forms.Form):
    DIRECTIONS = [("in", _("Menambah kas")), ("out", _("Mengurangi kas"))]

    entry_date = forms.DateField(label=_("Tanggal koreksi"), widget=forms.DateInput(attrs={"type": "date"}))
    direction = forms.ChoiceField(label=_("Arah"), choices=DIRECTIONS, widget=forms.RadioSelect)
    amount = RupiahField(label=_("Jumlah"), allow_zero=False)
    corrects_month = forms.TypedChoiceField(label=_("Mengoreksi bulan"), coerce=forms.DateField().clean)
    reason = forms.CharField(label=_("Alasan"), widget=forms.Textarea(attrs={"rows": 3}),
                             error_messages={"required": _("Alasan wajib diisi.")})

    def __init__(self, *args, closed_months=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["corrects_month"].choices = [(m.isoformat(), month_label(m)) for m in closed_months]

    def signed_amount(self) -> int:
        amount = self.cleaned_data["amount"]
        return amount if self.cleaned_data["direction"] == "in" else -amount
