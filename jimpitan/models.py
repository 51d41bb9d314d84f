from __future__ import annotations

from django.conf import settings
from django.db import connection, models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from jimpitan.lib.money import RupiahParseError, parse_rupiah
from jimpitan.tenancy import (
    FIRST_KAMPUNG_ID,
    FIRST_KAMPUNG_SLUG,
    active_kampung_id,
    kampung_field,
    kampung_slug,
    reset_sequence,
    tenant_manager,
)


class PrivacyLevel(models.TextChoices):
    """How much the public ledger may say about a single household (UU 27/2022)."""

    RT_TOTALS = "rt", _("Hanya total per RT")
    HOUSE_NUMBERS = "house", _("Nomor rumah tanpa nama")
    NAMES = "names", _("Nama kepala keluarga")


DEFAULT_REMINDER_TEXT = (
    "Assalamualaikum, Bapak/Ibu {nama} ({rumah}, {rt}). Kami dari pengurus jimpitan {kampung} "
    "ingin mengingatkan dengan hormat: beberapa malam terakhir wadah jimpitan di rumah Bapak/Ibu kosong. "
    "Bila sedang pergi atau ada kendala, mohon kabari kami. Terima kasih atas perhatiannya."
)
DEFAULT_THANKS_TEXT = (
    "Terima kasih, Bapak/Ibu {nama} ({rumah}, {rt}), atas jimpitannya. "
    "Semoga menjadi berkah bagi warga {kampung}. Salam, pengurus jimpitan."
)


class Kampung(models.Model):
    """A kampung (tenant): the root of every record. A single-kampung install has one, FIRST_KAMPUNG_ID."""

    slug = models.SlugField(_("kode alamat"), max_length=50, unique=True)
    name = models.CharField(_("nama kampung"), max_length=150)
    is_suspended = models.BooleanField(_("dihentikan sementara"), default=False)
    # Opt-in: a kampung shows on the deployment's city overview only when its committee agrees.
    publishes_overview = models.BooleanField(_("tampil di ringkasan kota"), default=False)
    created_at = models.DateTimeField(_("dibuat pada"), auto_now_add=True)
    # Salt of the one-time setup code of a kampung the operator made (`create_kampung`); emptied at its setup,
    # so that the printed code works once. The first kampung uses the install's setup code instead.
    setup_nonce = models.CharField(max_length=32, blank=True, default="", editable=False)

    history = HistoricalRecords()

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("kampung")
        verbose_name_plural = _("kampung")
        constraints = [models.CheckConstraint(condition=~models.Q(slug=""), name="kampung_slug_not_empty")]

    def __str__(self) -> str:
        return self.name

    @classmethod
    def ensure_first(cls, *, name: str = "") -> Kampung:
        """The install's first kampung, made when missing (a fresh database, or one a test flushed) and named
        after `name` when given (first-run setup names the kampung)."""
        kampung = cls.objects.filter(pk=FIRST_KAMPUNG_ID).first()
        if kampung is None:
            kampung = cls.objects.create(
                pk=FIRST_KAMPUNG_ID, name=name or "Kampung", slug=kampung_slug(name) if name else FIRST_KAMPUNG_SLUG
            )
            reset_sequence(cls, connection)
        elif name and kampung.name != name:
            kampung.name, kampung.slug = name, kampung_slug(name)
            kampung.save(update_fields=["name", "slug"])
        return kampung


class KampungProfile(models.Model):
    """A kampung's one profile row, named at first-run setup and edited by the treasurer."""

    # The first kampung's profile, made by first-run setup.
    SINGLETON_ID = 1

    kampung = models.OneToOneField(
        Kampung,
        on_delete=models.PROTECT,
        default=active_kampung_id,
        editable=False,
        related_name="profile",
        verbose_name=_("kampung"),
    )
    name = models.CharField(_("nama kampung"), max_length=150)
    rw = models.CharField(_("RW"), max_length=10, blank=True)
    kelurahan = models.CharField(_("kelurahan/desa"), max_length=100, blank=True)
    kecamatan = models.CharField(_("kecamatan"), max_length=100, blank=True)
    city = models.CharField(_("kota/kabupaten"), max_length=100, blank=True)
    usual_amount = models.BigIntegerField(
        _("jumlah biasa"), default=500, help_text=_("Jumlah jimpitan biasa per rumah per malam, dalam Rupiah.")
    )
    quick_amounts = models.CharField(
        _("tombol jumlah cepat"),
        max_length=100,
        default="0,100,200,500,1000",
        help_text=_("Jumlah yang muncul sebagai tombol di lembar jimpitan, dipisah koma."),
    )
    amount_cap = models.BigIntegerField(
        _("batas wajar per rumah per malam"),
        default=10_000,
        help_text=_("Jumlah di atas batas ini ditolak sebagai salah ketik."),
    )
    privacy_level = models.CharField(
        _("tingkat privasi Laporan Kas Warga"),
        max_length=10,
        choices=PrivacyLevel.choices,
        default=PrivacyLevel.RT_TOTALS,
    )
    publish_receipts = models.BooleanField(_("tampilkan nota di halaman publik"), default=False)
    # The sticker by the door opens the household's page for anyone who scans it: the address says enough.
    show_head_name = models.BooleanField(
        _("tampilkan nama kepala keluarga di halaman rumah"),
        default=False,
        help_text=_("Halaman rumah terbuka bagi siapa saja yang memindai stikernya. Biasanya cukup alamatnya."),
    )
    # Off by default: many RTs let whoever walked the round write it in.
    roster_only_on_duty = models.BooleanField(
        _("hanya petugas jadwal malam itu yang boleh mencatat"),
        default=False,
        help_text=_(
            "Jika aktif, jimpitan malam suatu RT hanya bisa dicatat oleh petugas yang terjadwal malam itu. "
            "Bendahara selalu boleh mencatat."
        ),
    )
    # Off by default: many kampungs do not bill empty nights.
    arrears_enabled = models.BooleanField(
        _("tampilkan tunggakan"),
        default=False,
        help_text=_(
            "Jika aktif, Bendahara melihat malam kosong atau tidak diambil per rumah yang belum dirapel, dan "
            "rekap rapat bulanan menyebut totalnya."
        ),
    )
    opening_balance = models.BigIntegerField(
        _("saldo awal"), default=0, help_text=_("Uang kas yang sudah ada saat mulai memakai aplikasi.")
    )
    opening_balance_date = models.DateField(_("tanggal saldo awal"), null=True, blank=True)
    sign_place = models.CharField(
        _("tempat tanda tangan"),
        max_length=100,
        blank=True,
        help_text=_('Di baris tanggal laporan, misalnya "Batujaya, 30 November 2026". Kosong: nama kelurahan.'),
    )
    # Sent by the Bendahara through a private wa.me link, one household at a time; never shown publicly.
    reminder_text = models.TextField(
        _("teks pengingat WhatsApp"),
        default=DEFAULT_REMINDER_TEXT,
        blank=True,
        help_text=_(
            "Dikirim Bendahara lewat WhatsApp ke satu rumah. "
            "Boleh memakai {nama}, {rumah}, {rt} dan {kampung}. Kosong: teks bawaan."
        ),
    )
    thanks_text = models.TextField(
        _("teks terima kasih WhatsApp"),
        default=DEFAULT_THANKS_TEXT,
        blank=True,
        help_text=_(
            "Dikirim sesudah rumah membayar rapel. "
            "Boleh memakai {nama}, {rumah}, {rt} dan {kampung}. Kosong: teks bawaan."
        ),
    )
    letterhead_logo = models.ImageField(
        _("logo kop surat"),
        upload_to="letterhead/",
        blank=True,
        help_text=_("PNG atau JPEG, paling besar 1 MB. Tampil di kop laporan dan kwitansi."),
    )

    class Meta:
        verbose_name = _("profil kampung")
        verbose_name_plural = _("profil kampung")
        constraints = [
            models.CheckConstraint(condition=models.Q(usual_amount__gte=0), name="kampungprofile_usual_amount_gte_0"),
            models.CheckConstraint(condition=models.Q(amount_cap__gt=0), name="kampungprofile_amount_cap_gt_0"),
            models.CheckConstraint(
                condition=models.Q(opening_balance__gte=0), name="kampungprofile_opening_balance_gte_0"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @classmethod
    def load(cls) -> KampungProfile | None:
        """The active kampung's profile (one per kampung: the OneToOne key), or None before first-run setup."""
        return cls.objects.filter(kampung_id=active_kampung_id()).first()

    @property
    def place(self) -> str:
        """'RW 05, Kelurahan Batujaya, Kota Tangerang' for headers."""
        parts = []
        if self.rw:
            parts.append(f"RW {self.rw}")
        if self.kelurahan:
            parts.append(str(_("Kelurahan %(name)s") % {"name": self.kelurahan}))
        if self.kecamatan:
            parts.append(str(_("Kecamatan %(name)s") % {"name": self.kecamatan}))
        if self.city:
            parts.append(self.city)
        return ", ".join(parts)

    @property
    def sign_town(self) -> str:
        return self.sign_place or self.kelurahan or self.city

    def quick_amount_list(self) -> list[int]:
        amounts = []
        for part in self.quick_amounts.split(","):
            try:
                amount = parse_rupiah(part)
            except RupiahParseError:
                continue
            if amount >= 0:
                amounts.append(amount)
        return amounts or [0, 100, 200, 500, 1000]


class SignatureColumn(models.Model):
    """One signing column under the reports and receipts, left to right: a heading ("Mengetahui,"), the
    role that signs ("Ketua RW 05") and the name typed under the signing line."""

    MAX_COLUMNS = 3

    kampung = kampung_field()
    profile = models.ForeignKey(KampungProfile, on_delete=models.CASCADE, related_name="signature_columns")
    position = models.PositiveSmallIntegerField(_("urutan"))
    heading = models.CharField(_("baris pembuka"), max_length=60, blank=True)
    role = models.CharField(_("jabatan"), max_length=60)
    name = models.CharField(_("nama"), max_length=150, blank=True)  # a user's first name fits
    objects = tenant_manager()

    class Meta:
        verbose_name = _("kolom tanda tangan")
        verbose_name_plural = _("kolom tanda tangan")
        ordering = ["position"]
        constraints = [
            models.UniqueConstraint(fields=["kampung", "position"], name="signaturecolumn_one_per_position"),
            models.CheckConstraint(
                condition=models.Q(position__gte=1, position__lte=3), name="signaturecolumn_position_1_to_3"
            ),
            models.CheckConstraint(condition=~models.Q(role=""), name="signaturecolumn_role_not_empty"),
        ]

    def __str__(self) -> str:
        return f"{self.role} {self.name}".strip()


class TreasurerHandover(models.Model):
    """The handover between committees (serah terima): the outgoing Bendahara hands the books and the money to
    the incoming one, with the Ketua acknowledging. Recorded by `record_committee_handover`, which moves the
    Bendahara role with it; the document of the balances on that date is built from the books (reports)."""

    kampung = kampung_field()
    handed_over_on = models.DateField(_("tanggal serah terima"))
    outgoing = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="treasurer_handovers_given",
        verbose_name=_("bendahara lama"),
    )
    incoming = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="treasurer_handovers_taken",
        verbose_name=_("bendahara baru"),
    )
    chair_title = models.CharField(_("jabatan yang mengetahui"), max_length=60, default="Ketua Pokja")
    chair_name = models.CharField(_("nama yang mengetahui"), max_length=150)
    note = models.TextField(_("catatan"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("dicatat oleh")
    )
    created_at = models.DateTimeField(_("dicatat pada"), auto_now_add=True)

    history = HistoricalRecords()
    objects = tenant_manager()

    class Meta:
        ordering = ["-handed_over_on", "-id"]
        verbose_name = _("Serah terima bendahara")
        verbose_name_plural = _("Serah terima bendahara")
        indexes = [models.Index(fields=["kampung", "handed_over_on"])]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(outgoing=models.F("incoming")), name="treasurerhandover_two_people"
            ),
            models.CheckConstraint(condition=~models.Q(chair_name=""), name="treasurerhandover_chair_named"),
        ]

    def __str__(self) -> str:
        return f"{self.handed_over_on.isoformat()} · {self.outgoing_id} → {self.incoming_id}"


class Membership(models.Model):
    """A user's role in one kampung: the role is a Django group carrying its permissions (`roles.py`), held per
    kampung, so that the Bendahara of one kampung may be a Petugas of another and nobody of a third. Written by
    `grant_role` / `revoke_role`; `auth_user_groups` stays empty."""

    kampung = kampung_field()
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("pengguna")
    )
    role = models.ForeignKey(
        "auth.Group", on_delete=models.PROTECT, related_name="memberships", verbose_name=_("peran")
    )
    created_at = models.DateTimeField(_("diberikan pada"), auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["kampung_id", "user_id", "role_id"]
        verbose_name = _("peran pengguna")
        verbose_name_plural = _("peran pengguna")
        # The unique rule's index (kampung, user, role) serves "this user's roles here"; the other, "who holds
        # this role here" (the roster's petugas, the serah terima's Bendahara).
        indexes = [models.Index(fields=["kampung", "role"], name="membership_kampung_role")]
        constraints = [
            models.UniqueConstraint(fields=["kampung", "user", "role"], name="membership_one_role_once"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} · {self.role_id} · {self.kampung_id}"
