from __future__ import annotations

import datetime as dt

from crispy_forms.helper import FormHelper
from django import forms
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from households.import_columns import COLUMNS, SKIP
from households.importing import MAX_BYTES
from households.lib import FormulaError, PhoneError, clean_text_cell, normalise_phone
from households.models import RT, AwayPeriod, Household, HouseholdStatus
from jimpitan.forms import RupiahField
from jimpitan.lib.money import format_rupiah
from jimpitan.models import KampungProfile

DATE_WIDGET = {"type": "date"}


def _no_tag_helper() -> FormHelper:
    """Crispy renders the fields; the template owns the <form> tag and the one main button."""
    helper = FormHelper()
    helper.form_tag = False
    return helper


class HouseholdForm(forms.ModelForm):
    usual_amount = RupiahField(label=_("Jumlah biasa"), required=False)

    class Meta:
        model = Household
        fields = [
            "rt",
            "address",
            "head_name",
            "phone",
            "members",
            "status",
            "moved_on",
            "usual_amount",
            "joined_on",
            "notes",
        ]
        widgets = {
            "moved_on": forms.DateInput(attrs=DATE_WIDGET, format="%Y-%m-%d"),
            "joined_on": forms.DateInput(attrs=DATE_WIDGET, format="%Y-%m-%d"),
            "phone": forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "off"}),
            "notes": forms.Textarea(attrs={"rows": 3}),
        }
        help_texts = {
            "address": _("Misalnya: Blok C2 No. 14. Satu nomor rumah hanya sekali dalam satu RT."),
            "phone": _("Boleh dikosongkan. Ditulis 0812… atau +62812…, disimpan sebagai +62812…"),
            "moved_on": _("Hanya untuk rumah yang pindah. Kosongkan bila tanggalnya tidak diketahui."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _no_tag_helper()
        profile = KampungProfile.load()
        self.default_amount = profile.usual_amount if profile else 500
        self.amount_cap = profile.amount_cap if profile else 10_000
        # The admin drops the fields a view-only user may not change; those have no widget to dress.
        if "usual_amount" in self.fields:
            self.fields["usual_amount"].help_text = _("Kosongkan untuk memakai jumlah biasa kampung (%(amount)s).") % {
                "amount": format_rupiah(self.default_amount)
            }
        if "rt" in self.fields:
            self.fields["rt"].empty_label = None
            self.fields["rt"].error_messages["required"] = _("Pilih RT. Belum ada RT? Tambahkan dulu di halaman RT.")

    def _clean_text(self, name: str) -> str:
        try:
            return clean_text_cell(self.cleaned_data.get(name) or "")
        except FormulaError as error:
            raise forms.ValidationError(str(error)) from None

    def clean_address(self) -> str:
        return self._clean_text("address")

    def clean_head_name(self) -> str:
        return self._clean_text("head_name")

    def clean_phone(self) -> str:
        try:
            return normalise_phone(self.cleaned_data.get("phone"))
        except PhoneError as error:
            raise forms.ValidationError(str(error)) from None

    def clean_usual_amount(self) -> int:
        amount = self.cleaned_data.get("usual_amount")
        if amount is None:
            return self.default_amount
        if amount > self.amount_cap:
            raise forms.ValidationError(
                _("Jumlah di atas batas wajar %(cap)s; periksa salah ketik.") % {"cap": format_rupiah(self.amount_cap)}
            )
        return amount

    def clean(self):
        data = super().clean()
        # A moved household may keep its date unknown; any other status has none.
        if data.get("status") != HouseholdStatus.MOVED:
            data["moved_on"] = None
        rt, address = data.get("rt"), data.get("address")
        if rt and address:
            clash = Household.objects.filter(rt=rt, address=address).exclude(pk=self.instance.pk)
            if clash.exists():
                self.add_error("address", _("Nomor rumah ini sudah ada di %(rt)s.") % {"rt": rt})
        return data

    def validate_unique(self):
        # clean() already said it in words the treasurer understands, next to the field.
        if "address" not in self.errors:
            super().validate_unique()


class HouseholdAdminForm(HouseholdForm):
    """The admin checks phone numbers, amounts and addresses exactly like the treasurer's pages."""

    class Meta(HouseholdForm.Meta):
        fields = HouseholdForm.Meta.fields + ["route_position"]


class MoveForm(forms.Form):
    moved_on = forms.DateField(label=_("Tanggal pindah"), widget=forms.DateInput(attrs=DATE_WIDGET, format="%Y-%m-%d"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _no_tag_helper()
        self.fields["moved_on"].initial = timezone.localdate()

    def clean_moved_on(self) -> dt.date:
        day = self.cleaned_data["moved_on"]
        if day > timezone.localdate() + dt.timedelta(days=366):
            raise forms.ValidationError(_("Tanggal pindah terlalu jauh ke depan."))
        return day


class RTForm(forms.ModelForm):
    class Meta:
        model = RT
        fields = ["number", "name", "display_order"]
        help_texts = {
            "number": _("Ditampilkan sebagai RT 03."),
            "display_order": _("RT dengan angka lebih kecil tampil lebih dulu."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _no_tag_helper()
        self.fields["number"].min_value = 1
        self.fields["number"].widget.attrs["min"] = 1

    def clean_number(self) -> int:
        number = self.cleaned_data["number"]
        if not 1 <= number <= 999:
            raise forms.ValidationError(_("Nomor RT antara 1 dan 999."))
        # Unique per kampung: the model's rule names the kampung, which the form does not show, so it is asked here.
        clash = RT.objects.filter(kampung_id=self.instance.kampung_id, number=number).exclude(pk=self.instance.pk)
        if clash.exists():
            raise forms.ValidationError(_("Nomor RT ini sudah ada."), code="unique")
        return number


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("Berkas daftar rumah (CSV atau XLSX)"),
        help_text=_("Paling besar 5 MB. Baris pertama berisi judul kolom seperti di templat."),
        error_messages={"required": _("Pilih berkas yang akan diimpor."), "empty": _("Berkas kosong.")},
        allow_empty_file=True,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _no_tag_helper()
        self.fields["file"].widget.attrs["accept"] = ".csv,.xlsx,text/csv"

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_BYTES:
            raise forms.ValidationError(
                _("Berkas lebih dari 5 MB. Hapus kolom atau lembar yang tidak perlu, lalu unggah lagi.")
            )
        return upload


class ColumnMappingForm(forms.Form):
    """One select per file column: the field it fills, or Lewati. A column holding values must be decided."""

    def __init__(self, *args, columns, initial_mapping: list[str], problems: dict[int, str] | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        choices = [("", _("— pilih —")), (SKIP, _("Lewati (jangan diimpor)"))]
        choices += [(c.key, c.label) for c in COLUMNS]
        self.columns = columns
        for column, guess in zip(columns, initial_mapping, strict=True):
            self.fields[f"kolom_{column.index}"] = forms.ChoiceField(
                label=column.title,
                choices=choices,
                required=False,
                initial=guess,
                widget=forms.Select(attrs={"class": "form-select"}),
            )
        self.problems = problems or {}

    def mapping(self) -> list[str]:
        return [self.cleaned_data.get(f"kolom_{c.index}", "") for c in self.columns]

    def rows(self):
        """(column, bound field, problem) for the template; a select with a problem is marked invalid and
        points to its message."""
        rows = []
        for column in self.columns:
            name, problem = f"kolom_{column.index}", self.problems.get(column.index)
            if problem:
                self.fields[name].widget.attrs.update(
                    {"class": "form-select is-invalid", "aria-describedby": f"masalah_{column.index}"}
                )
            rows.append((column, self[name], problem))
        return rows


class AwayPeriodForm(forms.ModelForm):
    """An away period of one household. The dates are both evenings included; the end may be in the future."""

    class Meta:
        model = AwayPeriod
        fields = ["starts_on", "ends_on", "reason", "note"]
        widgets = {
            "starts_on": forms.DateInput(attrs=DATE_WIDGET, format="%Y-%m-%d"),
            "ends_on": forms.DateInput(attrs=DATE_WIDGET, format="%Y-%m-%d"),
        }
        help_texts = {
            "starts_on": _("Malam pertama rumah ini kosong karena pergi. Boleh diisi sebelum berangkat."),
            "ends_on": _("Malam terakhir sebelum pulang. Sesudah tanggal ini status pergi selesai sendiri."),
            "note": _("Misalnya: mudik ke Klaten. Tidak tampil di halaman umum."),
        }

    def __init__(self, *args, household: Household, **kwargs):
        super().__init__(*args, **kwargs)
        self.household = household
        self.helper = _no_tag_helper()

    def clean(self):
        data = super().clean()
        starts_on, ends_on = data.get("starts_on"), data.get("ends_on")
        if starts_on and ends_on and ends_on < starts_on:
            self.add_error("ends_on", _("Tanggal selesai tidak boleh sebelum tanggal mulai."))
        elif starts_on and ends_on:
            clash = (
                AwayPeriod.objects.filter(household=self.household)
                .covering(starts_on, ends_on)
                .exclude(pk=self.instance.pk)
                .first()
            )
            if clash is not None:
                self.add_error("starts_on", overlap_message(clash))
        return data


def overlap_message(clash: AwayPeriod) -> str:
    return _("Bertumpuk dengan masa pergi %(start)s sampai %(end)s. Ubah masa itu atau pilih tanggal lain.") % {
        "start": date_format(clash.starts_on, "j F Y"),
        "end": date_format(clash.ends_on, "j F Y"),
    }
