from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib.auth import get_user_model
from django.contrib.auth.forms import AuthenticationForm, PasswordChangeForm, UserCreationForm
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator, RegexValidator
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from jimpitan.lib import setup_code
from jimpitan.lib.money import RupiahParseError, parse_rupiah
from jimpitan.lib.months import is_plausible_day
from jimpitan.lib.whatsapp import unknown_placeholders
from jimpitan.models import Kampung, KampungProfile, SignatureColumn
from jimpitan.roles import BENDAHARA, ROLES, users_with_role
from jimpitan.services import check_opening_balance, handover_day_error

LOGO_MAX_BYTES = 1024 * 1024
LOGO_MAX_PIXELS = 3000


class KampungModelChoiceField(forms.ModelChoiceField):
    """A choice of tenant rows (an RT, an account), read inside the kampung the form is made in: the queryset
    is given as a function, called for each form, since a form class is built at import outside any kampung."""

    def __init__(self, queryset: Callable[[], QuerySet], **kwargs: Any) -> None:
        self.make_queryset = queryset
        super().__init__(queryset=None, **kwargs)

    def __deepcopy__(self, memo: dict) -> KampungModelChoiceField:
        result = super().__deepcopy__(memo)
        result.queryset = self.make_queryset()
        return result


class RupiahField(forms.CharField):
    """An amount typed as '3.500.000' or '3500000'. Whole Rupiah only, never negative."""

    # Far above any kampung's money, far below the database's 64-bit limit: a mistyped 30-digit number
    # gets a message instead of an overflow (found by the bad-input drill).
    MAX_AMOUNT = 10**15

    default_error_messages = {
        "invalid": _("Tulis jumlah dalam Rupiah tanpa sen, misalnya 3.500.000."),
        "negative": _("Jumlah tidak boleh negatif."),
        "zero": _("Jumlah harus lebih dari nol."),
        "too_big": _("Jumlah terlalu besar. Periksa lagi angkanya."),
    }

    def __init__(self, *, allow_zero: bool = True, **kwargs):
        self.allow_zero = allow_zero
        kwargs.setdefault("widget", forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}))
        super().__init__(**kwargs)

    def prepare_value(self, value):
        if isinstance(value, int):
            return f"{value:,}".replace(",", ".")
        return value

    def to_python(self, value):
        value = super().to_python(value)
        if value in self.empty_values:
            return None
        try:
            amount = parse_rupiah(value)
        except RupiahParseError:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid") from None
        if amount < 0:
            raise forms.ValidationError(self.error_messages["negative"], code="negative")
        if amount == 0 and not self.allow_zero:
            raise forms.ValidationError(self.error_messages["zero"], code="zero")
        if amount > self.MAX_AMOUNT:
            raise forms.ValidationError(self.error_messages["too_big"], code="too_big")
        return amount


class KampungProfileForm(forms.ModelForm):
    usual_amount = RupiahField(label=_("Jumlah biasa per rumah per malam"), initial=500)
    amount_cap = RupiahField(label=_("Batas wajar per rumah per malam"), initial=10_000, allow_zero=False)
    opening_balance = RupiahField(label=_("Saldo awal"), required=False, initial=0)
    # Kept on the kampung's row, not the profile: the deployment's overview lists kampungs without profiles.
    publishes_overview = forms.BooleanField(
        label=_("Tampilkan di ringkasan kota"),
        required=False,
        help_text=_(
            "Jimpitan bulan ini, partisipasi, saldo kas dan tutup buku terakhir kampung ini tampil di halaman "
            "ringkasan kota, bersama kampung lain. Tanpa data rumah mana pun."
        ),
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk is not None:
            self.fields["publishes_overview"].initial = self.instance.kampung.publishes_overview

    class Meta:
        model = KampungProfile
        fields = [
            "name",
            "rw",
            "kelurahan",
            "kecamatan",
            "city",
            "usual_amount",
            "quick_amounts",
            "amount_cap",
            "privacy_level",
            "publish_receipts",
            "show_head_name",
            "roster_only_on_duty",
            "arrears_enabled",
            "opening_balance",
            "opening_balance_date",
            "sign_place",
            "letterhead_logo",
            "reminder_text",
            "thanks_text",
        ]
        widgets = {
            "reminder_text": forms.Textarea(attrs={"rows": 4}),
            "thanks_text": forms.Textarea(attrs={"rows": 3}),
            "opening_balance_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "letterhead_logo": forms.ClearableFileInput(attrs={"accept": "image/png,image/jpeg"}),
        }

    def clean_letterhead_logo(self):
        logo = self.cleaned_data.get("letterhead_logo")
        image = getattr(logo, "image", None)  # set only for a new upload, which Pillow has read
        if image is None:
            return logo
        if logo.size > LOGO_MAX_BYTES:
            raise ValidationError(_("Logo terlalu besar: paling besar 1 MB."))
        if image.format not in ("PNG", "JPEG"):
            raise ValidationError(_("Logo harus berupa gambar PNG atau JPEG."))
        if max(image.size) > LOGO_MAX_PIXELS:
            raise ValidationError(_("Logo terlalu besar: paling besar 3000 × 3000 piksel."))
        return logo

    def _clean_message(self, name: str) -> str:
        """A blank text goes back to the default one; an unknown {word} is refused (it would be sent as is)."""
        text = self.cleaned_data.get(name, "").strip()
        if not text:
            return str(KampungProfile._meta.get_field(name).default)
        unknown = unknown_placeholders(text)
        if unknown:
            raise ValidationError(
                _("Tanda {%(word)s} tidak dikenal. Yang bisa dipakai: {nama}, {rumah}, {rt} dan {kampung}.")
                % {"word": unknown[0]}
            )
        return text

    def clean_reminder_text(self):
        return self._clean_message("reminder_text")

    def clean_thanks_text(self):
        return self._clean_message("thanks_text")

    def clean_opening_balance(self):
        return self.cleaned_data.get("opening_balance") or 0

    def clean(self):
        data = super().clean()
        if data.get("opening_balance") and not data.get("opening_balance_date"):
            self.add_error("opening_balance_date", _("Isi tanggal saldo awal."))
        elif self.instance.pk and not self.has_error("opening_balance"):
            try:
                check_opening_balance(
                    self.instance, balance=data.get("opening_balance"), day=data.get("opening_balance_date")
                )
            except ValidationError as error:
                self.add_error("opening_balance_date", error)
        return data


class SignatureColumnForm(forms.Form):
    """One signing column; a row left empty is no column."""

    heading = forms.CharField(
        label=_("Baris pembuka"), max_length=60, required=False, help_text=_("Misalnya Mengetahui,")
    )
    role = forms.CharField(label=_("Jabatan"), max_length=60, required=False, help_text=_("Misalnya Ketua RW 05"))
    name = forms.CharField(label=_("Nama"), max_length=150, required=False)

    def clean(self):
        data = super().clean()
        if (data.get("heading") or data.get("name")) and not data.get("role"):
            self.add_error("role", _("Isi jabatan yang menandatangani kolom ini."))
        return data


SignatureColumnFormSet = forms.formset_factory(
    SignatureColumnForm,
    extra=0,
    min_num=SignatureColumn.MAX_COLUMNS,
    max_num=SignatureColumn.MAX_COLUMNS,
    validate_max=True,
)


def signature_formset(data, profile: KampungProfile) -> forms.BaseFormSet:
    """The profile's signing columns as three rows, the unused ones empty."""
    initial = [{"heading": c.heading, "role": c.role, "name": c.name} for c in profile.signature_columns.all()]
    return SignatureColumnFormSet(data, initial=initial, prefix="ttd")


class SetupCodeForm(forms.Form):
    """The one-time code printed by the server: only someone who can see the server may set it up."""

    code = forms.CharField(
        label=_("Kode penyiapan"),
        max_length=40,
        help_text=_(
            "Tampil saat server dinyalakan dengan make run. Bisa juga dilihat dengan perintah "
            "python manage.py setup_code di server."
        ),
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"}),
        error_messages={"required": _("Isi kode penyiapan dari server.")},
    )

    def __init__(self, *args, kampung: Kampung | None = None, **kwargs) -> None:
        # A kampung the operator added checks its own code, printed by create_kampung; None: the install's code.
        super().__init__(*args, **kwargs)
        self.kampung = kampung
        if kampung is not None:
            self.fields["code"].help_text = _("Ada di tautan penyiapan yang diberikan pengelola server.")

    def clean_code(self) -> str:
        code = self.cleaned_data["code"]
        if self.kampung is not None:
            if not setup_code.kampung_code_matches(code, kampung_id=self.kampung.pk, nonce=self.kampung.setup_nonce):
                raise forms.ValidationError(_("Kode penyiapan salah. Buka lagi tautan dari pengelola server."))
        elif not setup_code.matches(code):
            raise forms.ValidationError(
                _("Kode penyiapan salah. Salin kode yang tampil di server, atau jalankan python manage.py setup_code.")
            )
        return code


class SetupKampungForm(forms.ModelForm):
    """The first-run form names the kampung; the rest of the profile has sensible defaults."""

    class Meta:
        model = KampungProfile
        fields = ["name", "rw", "kelurahan", "kecamatan", "city"]
        labels = {"name": _("Nama kampung")}
        help_texts = {"name": _('Misalnya: Kampung KB Jimpitan "Kompak Berbagi Berkah"')}


class SetupTreasurerForm(UserCreationForm):
    first_name = forms.CharField(label=_("Nama lengkap"), max_length=150)

    class Meta(UserCreationForm.Meta):
        model = get_user_model()
        fields = ["username", "first_name"]


class LoginForm(AuthenticationForm):
    error_messages = {
        "invalid_login": _("Nama pengguna atau kata sandi salah. Periksa lagi, huruf besar dan kecil dibedakan."),
        "inactive": _("Akun ini tidak aktif."),
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # AuthenticationForm only sets the HTML maxlength; without a server-side check a 5,000-character
        # username reached the login-attempt log (django-axes, varchar 255) and failed on PostgreSQL.
        username = self.fields["username"]
        username.validators.append(MaxLengthValidator(username.max_length or 150))


class OwnPasswordChangeForm(PasswordChangeForm):
    error_messages = {
        **PasswordChangeForm.error_messages,
        "password_incorrect": _("Kata sandi lama salah. Periksa lagi, huruf besar dan kecil dibedakan."),
        "password_mismatch": _("Kedua kata sandi baru tidak sama. Tulis ulang keduanya."),
    }


class UserChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        name = obj.get_full_name()
        return f"{name} ({obj.get_username()})" if name else obj.get_username()


class CommitteeHandoverForm(forms.Form):
    """Serah terima bendahara: the date, who hands over (chosen only by a superuser; a Bendahara hands over their
    own office), who takes over (an account, or a new one), and the Ketua who acknowledges. The service checks the
    people and the date again, inside its transaction."""

    handed_over_on = forms.DateField(
        label=_("Tanggal serah terima"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"required": _("Isi tanggal serah terima."), "invalid": _("Tanggal tidak dikenali.")},
    )
    outgoing = UserChoiceField(
        label=_("Bendahara lama"),
        queryset=get_user_model().objects.none(),
        error_messages={"required": _("Pilih bendahara lama.")},
    )
    incoming = UserChoiceField(label=_("Akun yang sudah ada"), queryset=get_user_model().objects.none(), required=False)
    new_username = forms.CharField(
        label=_("atau buat akun baru: nama pengguna"),
        max_length=150,
        required=False,
        validators=[
            RegexValidator(
                r"^[\w.@+-]+\Z", _("Nama pengguna hanya boleh berisi huruf, angka dan @ . + - _, tanpa spasi.")
            )
        ],
        help_text=_(
            "Huruf, angka dan @ . + - _ saja, tanpa spasi. Kata sandi sekali pakai ditampilkan setelah disimpan."
        ),
    )
    new_full_name = forms.CharField(label=_("Nama lengkap bendahara baru"), max_length=150, required=False)
    chair_title = forms.CharField(label=_("Jabatan yang mengetahui"), max_length=60)
    chair_name = forms.CharField(
        label=_("Nama yang mengetahui"),
        max_length=150,
        error_messages={"required": _("Tulis nama Ketua yang mengetahui serah terima.")},
    )
    note = forms.CharField(label=_("Catatan"), widget=forms.Textarea(attrs={"rows": 3}), required=False)

    def __init__(self, *args, recorder, **kwargs):
        super().__init__(*args, **kwargs)
        users = get_user_model().objects.filter(is_active=True).order_by("first_name", "username")
        # The kampung's own people only: another kampung's accounts are not this committee's to name or see.
        self.fields["incoming"].queryset = users.filter(pk__in=users_with_role(*ROLES))
        if recorder.is_superuser:
            self.fields["outgoing"].queryset = users.filter(pk__in=users_with_role(BENDAHARA))
        else:
            # A Bendahara hands over their own office only.
            del self.fields["outgoing"]

    def clean_handed_over_on(self):
        day = self.cleaned_data["handed_over_on"]
        if not is_plausible_day(day):
            raise ValidationError(_("Tanggal tidak wajar."))
        # Checked here too, so that it shows next to the other fields' errors; the service checks it again.
        if error := handover_day_error(day):
            raise ValidationError(error)
        return day

    def clean(self):
        data = super().clean()
        if data.get("new_username") and not (data.get("new_full_name") or "").strip():
            self.add_error("new_full_name", _("Tulis nama lengkap bendahara baru untuk akunnya."))
        return data
