from __future__ import annotations

import datetime as dt

import django_filters
from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from households.models import RT
from jimpitan.forms import KampungModelChoiceField, RupiahField
from jimpitan.lib.evening import evening_of
from jimpitan.lib.money import RupiahParseError, parse_rupiah
from jimpitan.lib.months import is_plausible_day, parse_month
from jimpitan.lib.people import display_name
from jimpitan.roles import BENDAHARA, PETUGAS, users_with_role
from ledger.models import Account, default_account_id
from nightly.models import Round, SwapKind
from nightly.roster_file import MAX_BYTES as ROSTER_MAX_BYTES

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class SheetPickerForm(forms.Form):
    """Which sheet: an evening and an RT. The evening defaults to the one that is running (before 06:00: last)."""

    malam = forms.DateField(label=_("Malam"), widget=DATE_WIDGET, required=False)
    rt = KampungModelChoiceField(queryset=lambda: RT.objects.all(), label=_("RT"), required=False, empty_label=None)

    def clean_malam(self) -> dt.date:
        evening = self.cleaned_data.get("malam")
        # An evening centuries away is a typo or a probe; the running one is what the user wants.
        return evening if evening and is_plausible_day(evening) else evening_of()


# A form class is built at import, outside any kampung: each form sets its kampung's people in __init__.
NO_USERS = get_user_model().objects.none()


def collector_user_queryset():
    return users_with_role(PETUGAS, BENDAHARA).filter(is_active=True).order_by("first_name", "username")


class UserChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj) -> str:
        return display_name(obj)


class SheetHeaderForm(forms.Form):
    version = forms.IntegerField(min_value=0, widget=forms.HiddenInput)
    collectors = forms.CharField(
        label=_("Petugas ronda"),
        max_length=255,
        required=False,
        help_text=_("Nama petugas yang bertugas malam itu, dipisah koma."),
    )
    collector_users = UserChoiceField(
        label=_("Akun petugas"),
        queryset=NO_USERS,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    counted_cash = RupiahField(label=_("Uang dihitung"), required=False)
    notes = forms.CharField(label=_("Catatan"), widget=forms.Textarea(attrs={"rows": 2}), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["collector_users"].queryset = collector_user_queryset()


class TotalOnlyForm(forms.Form):
    version = forms.IntegerField(min_value=0, widget=forms.HiddenInput)
    total = RupiahField(label=_("Total jimpitan malam ini"))
    counted_cash = RupiahField(label=_("Uang dihitung"), required=False)
    collectors = forms.CharField(label=_("Petugas ronda"), max_length=255, required=False)
    notes = forms.CharField(label=_("Catatan"), widget=forms.Textarea(attrs={"rows": 2}), required=False)


AMOUNT_INVALID = _("Tulis jumlah dalam Rupiah tanpa sen, misalnya 500.")
AMOUNT_NEGATIVE = _("Jumlah tidak boleh negatif.")


def parse_amount(text: str) -> int | None:
    """'1.000' -> 1000; '' -> None. Raises forms.ValidationError with the sheet's wording.

    jimpitan.lib.money.parse_rupiah reads every amount; plain digits, what nearly every line holds, skip its
    regular expression (500 lines per save), which would read them the same way.
    """
    text = (text or "").strip()
    if not text:
        return None
    if text.isascii() and text.isdigit():
        return int(text)
    try:
        value = parse_rupiah(text)
    except RupiahParseError:
        raise forms.ValidationError(AMOUNT_INVALID, code="invalid") from None
    if value < 0:
        raise forms.ValidationError(AMOUNT_NEGATIVE, code="negative")
    return value


class RoundFilter(django_filters.FilterSet):
    bulan = django_filters.CharFilter(
        label=_("Bulan"), method="filter_month", widget=forms.DateInput(attrs={"type": "month"})
    )
    rt = django_filters.ModelChoiceFilter(
        queryset=lambda request: RT.objects.all(),
        label=_("RT"),
        empty_label=_("Semua RT"),
        widget=forms.Select(attrs={"class": "form-select"}),
    )

    class Meta:
        model = Round
        fields = ["bulan", "rt"]

    def filter_month(self, queryset, name, value):
        month = parse_month(value)
        return queryset.in_month(month) if month else queryset


class RosterPasteForm(forms.Form):
    text = forms.CharField(
        label=_("Jadwal ronda"),
        required=False,
        max_length=40_000,
        widget=forms.Textarea(attrs={"rows": 12, "spellcheck": "false", "class": "font-monospace"}),
        help_text=_(
            "Satu baris per aturan: hari, pasaran, weton atau tanggal, lalu tab atau titik koma, lalu nama "
            "petugas dipisah koma. Contoh: “Senin⇥Pak Slamet, Bu Sri”, “Legi; Pak Darto”, "
            "“Kamis Pahing; Mas Joko”, “2026-12-24; Pak RT”. Kosongkan untuk menghapus jadwal."
        ),
    )


class RosterUploadForm(forms.Form):
    """An XLSX or CSV roster; `nightly.roster_file` reads it, the paste parser judges each row."""

    berkas = forms.FileField(
        label=_("Berkas jadwal (.xlsx atau .csv)"),
        widget=forms.ClearableFileInput(
            attrs={"accept": ".xlsx,.csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet,text/csv"}
        ),
        error_messages={"required": _("Pilih berkas jadwal dulu."), "empty": _("Berkas kosong.")},
        help_text=_(
            "Satu baris per aturan: kolom Hari (hari, pasaran, weton atau tanggal) lalu kolom Petugas (nama dipisah "
            "koma, atau satu nama per kolom). Isinya menggantikan jadwal RT ini."
        ),
    )

    def clean_berkas(self):
        upload = self.cleaned_data["berkas"]
        if upload.size > ROSTER_MAX_BYTES:
            raise forms.ValidationError(_("Berkas lebih dari 1 MB. Jadwal ronda cukup satu lembar berisi dua kolom."))
        return upload


class RosterSwapForm(forms.Form):
    """A petugas's request to hand over or swap an evening; the service checks the roster."""

    rt = KampungModelChoiceField(queryset=lambda: RT.objects.all(), label=_("RT"), empty_label=None)
    malam = forms.DateField(label=_("Malam"), widget=DATE_WIDGET)
    kind = forms.ChoiceField(label=_("Jenis"), choices=SwapKind.choices, initial=SwapKind.HANDOVER)
    replacement_user = forms.ModelChoiceField(
        queryset=NO_USERS,
        label=_("Pengganti (akun)"),
        required=False,
    )
    replacement_name = forms.CharField(label=_("atau nama pengganti tanpa akun"), max_length=100, required=False)
    swap_evening = forms.DateField(
        label=_("Malam pengganti yang Anda ambil (untuk tukar)"),
        widget=DATE_WIDGET,
        required=False,
    )
    reason = forms.CharField(label=_("Alasan"), max_length=300)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["replacement_user"].queryset = collector_user_queryset()

    def clean_malam(self) -> dt.date:
        evening = self.cleaned_data["malam"]
        if not is_plausible_day(evening):
            raise forms.ValidationError(_("Tanggal tidak wajar."))
        return evening

    def clean_swap_evening(self) -> dt.date | None:
        evening = self.cleaned_data.get("swap_evening")
        if evening and not is_plausible_day(evening):
            raise forms.ValidationError(_("Tanggal tidak wajar."))
        return evening


class PersonChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return display_name(obj)


class HandoverForm(forms.Form):
    """The treasurer receives the patrol's money: who, which rounds (several evenings at once), counted into
    which account. The service checks the rounds, the difference's explanation and the balances."""

    received_on = forms.DateField(
        label=_("Tanggal diterima"),
        widget=DATE_WIDGET,
        error_messages={"required": _("Isi tanggal uang diterima."), "invalid": _("Tanggal tidak dikenali.")},
    )
    handed_by = PersonChoiceField(queryset=NO_USERS, label=_("Diserahkan oleh (akun petugas)"), required=False)
    handed_by_name = forms.CharField(label=_("atau nama petugas tanpa akun"), max_length=100, required=False)
    rounds = forms.TypedMultipleChoiceField(
        label=_("Ronde yang diserahkan"),
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "required": _("Pilih ronde yang uangnya diserahkan."),
            "invalid_choice": _(
                "Sebagian ronde yang dipilih sudah diserahkan atau sudah tidak ada. Muat ulang halaman."
            ),
        },
    )
    counted = RupiahField(
        label=_("Uang dihitung saat diterima"), error_messages={"required": _("Isi uang yang dihitung.")}
    )
    account = KampungModelChoiceField(
        label=_("Masuk ke akun"), queryset=lambda: Account.objects.filter(is_active=True), empty_label=None
    )
    explanation = forms.CharField(
        label=_("Penjelasan selisih"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        help_text=_("Wajib bila uang dihitung berbeda dari total ronde yang dipilih."),
    )

    def __init__(self, *args, held=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.held = list(held)
        self.fields["rounds"].choices = [(h.round.pk, str(h.round)) for h in self.held]
        self.fields["handed_by"].queryset = collector_user_queryset()
        self.fields["account"].initial = default_account_id()
        self.fields["received_on"].initial = evening_of()

    def clean_received_on(self) -> dt.date:
        day = self.cleaned_data["received_on"]
        if not is_plausible_day(day):
            raise forms.ValidationError(_("Tanggal tidak wajar."))
        return day

    def clean(self):
        data = super().clean()
        named = bool((data.get("handed_by_name") or "").strip())
        if bool(data.get("handed_by")) == named:  # both, or neither
            self.add_error("handed_by", _("Pilih akun petugas atau tulis namanya (salah satu saja)."))
        return data


# Paying ahead is chosen as a range of evenings; a longer one is refused by the service as well.
PAY_AHEAD_MAX_EVENINGS = 366


class CatchUpForm(forms.Form):
    """A household pays missed evenings later (rapel) or evenings ahead (dibayar di muka): the evenings it pays
    (ticked from its missed ones, and/or a range of evenings to come), the day paid, the amount and the
    account. An empty amount is not refused at once: the page suggests evenings × the usual amount."""

    paid_on = forms.DateField(
        label=_("Tanggal dibayar"),
        widget=DATE_WIDGET,
        error_messages={"required": _("Isi tanggal uang dibayar."), "invalid": _("Tanggal tidak dikenali.")},
    )
    evenings = forms.TypedMultipleChoiceField(
        label=_("Malam yang dirapel"),
        coerce=dt.date.fromisoformat,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        error_messages={"invalid_choice": _("Malam itu tidak bisa dipilih lagi. Muat ulang halaman.")},
    )
    ahead_from = forms.DateField(
        label=_("Dibayar di muka: dari malam"),
        widget=DATE_WIDGET,
        required=False,
        error_messages={"invalid": _("Tanggal tidak dikenali.")},
    )
    ahead_until = forms.DateField(
        label=_("sampai malam"),
        widget=DATE_WIDGET,
        required=False,
        error_messages={"invalid": _("Tanggal tidak dikenali.")},
    )
    amount = RupiahField(label=_("Jumlah dibayar"), required=False, allow_zero=False)
    account = KampungModelChoiceField(
        label=_("Masuk ke akun"), queryset=lambda: Account.objects.filter(is_active=True), empty_label=None
    )
    note = forms.CharField(label=_("Catatan"), max_length=200, required=False)

    def __init__(self, *args, missed: list[dt.date] = (), **kwargs):  # type: ignore[assignment]
        super().__init__(*args, **kwargs)
        self.fields["evenings"].choices = [(day.isoformat(), day.isoformat()) for day in missed]
        self.fields["account"].initial = default_account_id()
        self.fields["paid_on"].initial = evening_of()

    def clean_paid_on(self) -> dt.date:
        day = self.cleaned_data["paid_on"]
        if not is_plausible_day(day):
            raise forms.ValidationError(_("Tanggal tidak wajar."))
        return day

    def clean(self):
        data = super().clean()
        start, end = data.get("ahead_from"), data.get("ahead_until")
        ahead: list[dt.date] = []
        if (start is None) != (end is None) and not self.has_error("ahead_from") and not self.has_error("ahead_until"):
            self.add_error("ahead_until", _("Isi kedua tanggal: dari malam dan sampai malam."))
        elif start is not None and end is not None:
            if end < start:
                self.add_error("ahead_until", _("Tanggal akhir sebelum tanggal awal."))
            elif (end - start).days >= PAY_AHEAD_MAX_EVENINGS:
                self.add_error("ahead_until", _("Paling banyak setahun sekaligus."))
            else:
                ahead = [start + dt.timedelta(days=n) for n in range((end - start).days + 1)]
        data["all_evenings"] = sorted(set(data.get("evenings") or []) | set(ahead))
        if not data["all_evenings"] and not self.errors:
            self.add_error("evenings", _("Pilih malam yang dirapel, atau isi malam yang dibayar di muka."))
        return data
