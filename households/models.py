from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Iterable
from typing import Any

from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from jimpitan.tenancy import kampung_field, tenant_manager


def new_private_code() -> str:
    """16 URL-safe characters (96 bits): unguessable, short enough for a QR sticker."""
    return secrets.token_urlsafe(12)


PRIVATE_CODE_MAX_LENGTH = 32
_URL_SAFE = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")


def could_be_private_code(text: str) -> bool:
    """Whether `text` is written like a private code: anything else is no household's, and is not looked up
    (PostgreSQL refuses a NUL byte in a query outright)."""
    return 0 < len(text) <= PRIVATE_CODE_MAX_LENGTH and set(text) <= _URL_SAFE


class RT(models.Model):
    kampung = kampung_field()
    number = models.PositiveSmallIntegerField(_("nomor RT"))
    name = models.CharField(_("nama"), max_length=100, blank=True)
    display_order = models.PositiveSmallIntegerField(_("urutan tampil"), default=0)
    objects = tenant_manager()

    class Meta:
        ordering = ["display_order", "number"]
        verbose_name = _("RT")
        verbose_name_plural = _("RT")
        constraints = [models.UniqueConstraint(fields=["kampung", "number"], name="rt_unique_number_per_kampung")]

    def __str__(self) -> str:
        return f"RT {self.number:02d}"


class HouseholdStatus(models.TextChoices):
    ACTIVE = "aktif", _("Aktif")
    EXEMPT = "dibebaskan", _("Dibebaskan")
    MOVED = "pindah", _("Pindah")


class HouseholdQuerySet(models.QuerySet):
    def active(self) -> HouseholdQuerySet:
        """Households that take part in jimpitan: listed on new rounds."""
        return self.filter(status=HouseholdStatus.ACTIVE)

    def in_route_order(self) -> HouseholdQuerySet:
        return self.order_by("rt__display_order", "rt__number", "route_position", "id")

    def on_route(self) -> HouseholdQuerySet:
        """Households the collectors still pass: everyone but those who moved away."""
        return self.exclude(status=HouseholdStatus.MOVED)

    def next_route_position(self, rt: RT) -> int:
        """The position after the last household of `rt`: a new household joins the end of the route."""
        last = self.filter(rt=rt).aggregate(last=models.Max("route_position"))["last"]
        return (last or 0) + 1


class Household(models.Model):
    kampung = kampung_field()
    rt = models.ForeignKey(RT, on_delete=models.PROTECT, related_name="households", verbose_name=_("RT"))
    address = models.CharField(_("nomor rumah/alamat"), max_length=100)
    head_name = models.CharField(_("kepala keluarga"), max_length=150)
    phone = models.CharField(_("nomor HP/WhatsApp"), max_length=20, blank=True)
    members = models.PositiveSmallIntegerField(_("jumlah anggota keluarga"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=12, choices=HouseholdStatus.choices, default=HouseholdStatus.ACTIVE
    )
    moved_on = models.DateField(_("tanggal pindah"), null=True, blank=True)
    usual_amount = models.BigIntegerField(_("jumlah biasa"), default=500)
    route_position = models.PositiveIntegerField(_("urutan rute"), default=0)
    joined_on = models.DateField(_("tanggal bergabung"), null=True, blank=True)
    notes = models.TextField(_("catatan"), blank=True)
    private_code = models.CharField(
        _("kode pribadi"), max_length=PRIVATE_CODE_MAX_LENGTH, unique=True, default=new_private_code, editable=False
    )

    history = HistoricalRecords(excluded_fields=["private_code"])
    objects = tenant_manager(models.Manager.from_queryset(HouseholdQuerySet))
    _change_reason: str  # set before save(): simple_history stores it with the change

    class Meta:
        ordering = ["rt__display_order", "rt__number", "route_position", "id"]
        verbose_name = _("rumah")
        verbose_name_plural = _("Daftar Rumah")
        # Petugas need view_household for the nightly sheet, but must not see the register with its phone
        # numbers and private codes. This permission guards the register pages; see jimpitan/roles.py.
        permissions = [("view_register", _("Boleh melihat Daftar Rumah lengkap (nomor HP, kode pribadi)"))]
        constraints = [
            models.UniqueConstraint(fields=["kampung", "rt", "address"], name="household_unique_address_per_rt"),
            models.CheckConstraint(condition=models.Q(usual_amount__gte=0), name="household_usual_amount_gte_0"),
            # A moved household may have no date (treasurers rarely know when a family left); only a household
            # that moved can have one.
            models.CheckConstraint(
                condition=models.Q(status=HouseholdStatus.MOVED) | models.Q(moved_on__isnull=True),
                name="household_moved_on_only_when_moved",
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=HouseholdStatus.values), name="household_status_valid"
            ),
        ]
        indexes = [models.Index(fields=["kampung", "rt", "status", "route_position"])]

    def __str__(self) -> str:
        return f"{self.rt} · {self.address} · {self.head_name}"

    def get_absolute_url(self) -> str:
        return reverse("households:detail", args=[self.pk])

    @property
    def is_active(self) -> bool:
        return self.status == HouseholdStatus.ACTIVE

    @property
    def is_exempt(self) -> bool:
        return self.status == HouseholdStatus.EXEMPT

    @property
    def has_moved(self) -> bool:
        return self.status == HouseholdStatus.MOVED

    def is_away_on(self, evening: dt.date) -> bool:
        """Whether an away period covers `evening`. One query."""
        return self.away_periods.on(evening).exists()


class AwayReason(models.TextChoices):
    MUDIK = "mudik", _("Mudik")
    WORK = "bekerja", _("Bekerja di luar")
    ILL = "sakit", _("Sakit")
    OTHER = "lainnya", _("Lainnya")


class AwayPeriodQuerySet(models.QuerySet):
    def covering(self, start: dt.date, end: dt.date) -> AwayPeriodQuerySet:
        """Periods that touch any evening from `start` to `end` (both inclusive)."""
        return self.filter(starts_on__lte=end, ends_on__gte=start)

    def on(self, evening: dt.date) -> AwayPeriodQuerySet:
        return self.covering(evening, evening)

    def current_or_upcoming(self, today: dt.date) -> AwayPeriodQuerySet:
        return self.filter(ends_on__gte=today)

    def away_map(
        self, start: dt.date, end: dt.date, households: Iterable[int] | None = None
    ) -> dict[tuple[int, dt.date], str]:
        """(household id, evening) -> reason of every away evening from `start` to `end` (inclusive). One
        query, whatever the households' history: only the periods touching the range are read."""
        periods = self.covering(start, end)
        if households is not None:
            periods = periods.filter(household_id__in=list(households))
        away: dict[tuple[int, dt.date], str] = {}
        for household_id, starts_on, ends_on, reason in periods.order_by().values_list(
            "household_id", "starts_on", "ends_on", "reason"
        ):
            day, last = max(starts_on, start), min(ends_on, end)
            while day <= last:
                away[(household_id, day)] = reason
                day += dt.timedelta(days=1)
        return away


class AwayPeriod(models.Model):
    """A household away (mudik, working elsewhere, ill) from `starts_on` to `ends_on`, both evenings included.
    Its evenings are neither empty nor missed; it may be entered ahead of time and ends by its date alone.
    Two periods of one household never overlap (a database trigger, migration 0004)."""

    kampung = kampung_field()
    household = models.ForeignKey(
        Household, on_delete=models.CASCADE, related_name="away_periods", verbose_name=_("rumah")
    )
    starts_on = models.DateField(_("mulai malam"))
    ends_on = models.DateField(_("sampai malam"))
    reason = models.CharField(_("alasan"), max_length=10, choices=AwayReason.choices, default=AwayReason.MUDIK)
    note = models.CharField(_("catatan singkat"), max_length=200, blank=True)

    history = HistoricalRecords()
    objects = tenant_manager(models.Manager.from_queryset(AwayPeriodQuerySet))
    _history_user: Any  # set before save(): simple_history records who made the change

    class Meta:
        ordering = ["-starts_on", "-id"]
        verbose_name = _("masa pergi")
        verbose_name_plural = _("masa pergi")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_on__gte=models.F("starts_on")), name="awayperiod_ends_after_start"
            ),
            models.CheckConstraint(condition=models.Q(reason__in=AwayReason.values), name="awayperiod_reason_valid"),
        ]
        indexes = [
            models.Index(fields=["kampung", "household", "starts_on"]),
            models.Index(fields=["kampung", "ends_on", "starts_on"]),
        ]

    def __str__(self) -> str:
        return f"{self.household} · {self.starts_on.isoformat()}–{self.ends_on.isoformat()}"

    def covers(self, evening: dt.date) -> bool:
        return self.starts_on <= evening <= self.ends_on

    @property
    def label(self) -> str:
        """What an away evening shows: the reason's word ("Mudik", "Sakit"…)."""
        return str(AwayReason(self.reason).label)


class ImportColumnChoice(models.Model):
    """The field a file column was last imported into, by its header's canonical words, so that the next
    file headed the same way is read the same way without asking again."""

    # Per kampung: one kampung's files and habits never steer another's import.
    kampung = kampung_field()
    header = models.CharField(_("judul kolom"), max_length=200)
    field = models.CharField(_("diisi ke"), max_length=20)  # a field key of import_columns.COLUMNS, or "skip"
    updated_at = models.DateTimeField(_("terakhir dipakai"), auto_now=True)
    objects = tenant_manager()

    class Meta:
        verbose_name = _("pilihan kolom impor")
        verbose_name_plural = _("pilihan kolom impor")
        constraints = [models.UniqueConstraint(fields=["kampung", "header"], name="importcolumnchoice_unique_header")]

    def __str__(self) -> str:
        return f"{self.header} → {self.field}"
