from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from jimpitan.lib.querysets import DatedQuerySet
from jimpitan.tenancy import kampung_field, tenant_manager
from ledger.models import NumberedDocument, NumberKind, account_field, number_unique

if TYPE_CHECKING:
    from django.contrib.auth.base_user import AbstractBaseUser
    from django.contrib.auth.models import AnonymousUser


class ExpenseQuerySet(DatedQuerySet):
    date_field = "spent_on"


class OtherIncomeQuerySet(DatedQuerySet):
    date_field = "received_on"


class ProjectStatus(models.TextChoices):
    PLANNED = "rencana", _("Rencana")
    RUNNING = "berjalan", _("Berjalan")
    DONE = "selesai", _("Selesai")


class Project(models.Model):
    """A programme of work (program kerja) that the fund pays for."""

    kampung = kampung_field()
    name = models.CharField(_("nama program"), max_length=150)
    description = models.TextField(_("keterangan"), blank=True)
    status = models.CharField(_("status"), max_length=10, choices=ProjectStatus.choices, default=ProjectStatus.PLANNED)
    budget = models.BigIntegerField(_("target anggaran"), null=True, blank=True)
    starts_on = models.DateField(_("tanggal mulai"), null=True, blank=True)
    ends_on = models.DateField(_("tanggal selesai"), null=True, blank=True)
    cover_photo = models.ImageField(_("foto sampul"), upload_to="projects/", blank=True)
    display_order = models.PositiveSmallIntegerField(_("urutan tampil"), default=0)

    history = HistoricalRecords()
    objects = tenant_manager()

    class Meta:
        ordering = ["display_order", "name"]
        verbose_name = _("Program")
        verbose_name_plural = _("Program")
        constraints = [
            models.UniqueConstraint(fields=["kampung", "name"], name="project_unique_name_per_kampung"),
            models.CheckConstraint(condition=Q(budget__isnull=True) | Q(budget__gt=0), name="project_budget_gt_0"),
            models.CheckConstraint(
                condition=Q(starts_on__isnull=True) | Q(ends_on__isnull=True) | Q(ends_on__gte=models.F("starts_on")),
                name="project_ends_after_start",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Expense(NumberedDocument):
    NUMBER_KIND = NumberKind.EXPENSE
    NUMBER_DATE_FIELD = "spent_on"

    spent_on = models.DateField(_("tanggal"))
    project = models.ForeignKey(
        Project,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="expenses",
        verbose_name=_("program"),
        help_text=_("Kosongkan untuk biaya operasional."),
    )
    description = models.CharField(_("keterangan"), max_length=255)
    payee = models.CharField(_("dibayar kepada"), max_length=150, blank=True)
    amount = models.BigIntegerField(_("jumlah"))
    account = account_field("expenses")
    receipt = models.FileField(_("nota"), upload_to="receipts/", blank=True)
    receipt_content_type = models.CharField(max_length=50, blank=True, editable=False)
    # A small JPEG made at upload, so lists and the project page never load the full photo.
    receipt_thumbnail = models.FileField(upload_to="receipts/thumbs/", blank=True, editable=False)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+", verbose_name=_("dicatat oleh")
    )
    recorded_at = models.DateTimeField(_("dicatat pada"), auto_now_add=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("disetujui oleh"),
    )
    approved_at = models.DateTimeField(_("disetujui pada"), null=True, blank=True)

    history = HistoricalRecords()
    objects = tenant_manager(models.Manager.from_queryset(ExpenseQuerySet))
    _history_user: AbstractBaseUser | AnonymousUser | None  # set before save(): simple_history records who

    class Meta:
        ordering = ["-spent_on", "-id"]
        verbose_name = _("Pengeluaran")
        verbose_name_plural = _("Pengeluaran")
        permissions = [("approve_expense", _("Boleh menyetujui pengeluaran"))]
        indexes = [models.Index(fields=["kampung", "spent_on"])]
        constraints = [
            number_unique("expense"),
            models.CheckConstraint(condition=Q(amount__gt=0), name="expense_amount_gt_0"),
            # An approver cannot approve their own entry.
            models.CheckConstraint(
                condition=Q(approved_by__isnull=True) | ~Q(approved_by=models.F("recorded_by")),
                name="expense_approver_not_recorder",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.spent_on.isoformat()} · {self.description}"

    @property
    def receipt_is_image(self) -> bool:
        return self.receipt_content_type.startswith("image/")


class IncomeSource(models.TextChoices):
    DONATION = "donasi", _("Donasi")
    PARTNER = "mitra", _("Program mitra")
    SPONSOR = "sponsor", _("Sponsor")
    KWT_SALES = "kwt", _("Penjualan hasil KWT")
    OTHER = "lain", _("Lainnya")


class OtherIncome(NumberedDocument):
    """Pemasukan lain: money in that is not the nightly jimpitan."""

    NUMBER_KIND = NumberKind.INCOME
    NUMBER_DATE_FIELD = "received_on"

    received_on = models.DateField(_("tanggal"))
    source = models.CharField(_("sumber"), max_length=10, choices=IncomeSource.choices, default=IncomeSource.DONATION)
    source_name = models.CharField(_("dari"), max_length=150, blank=True)
    description = models.CharField(_("keterangan"), max_length=255)
    amount = models.BigIntegerField(_("jumlah"))
    account = account_field("incomes")
    project = models.ForeignKey(
        Project,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="incomes",
        verbose_name=_("untuk program"),
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+", verbose_name=_("dicatat oleh")
    )
    recorded_at = models.DateTimeField(_("dicatat pada"), auto_now_add=True)

    history = HistoricalRecords()
    objects = tenant_manager(models.Manager.from_queryset(OtherIncomeQuerySet))

    class Meta:
        ordering = ["-received_on", "-id"]
        verbose_name = _("Pemasukan lain")
        verbose_name_plural = _("Pemasukan lain")
        indexes = [models.Index(fields=["kampung", "received_on"])]
        constraints = [
            number_unique("otherincome"),
            models.CheckConstraint(condition=Q(amount__gt=0), name="otherincome_amount_gt_0"),
        ]

    def __str__(self) -> str:
        return f"{self.received_on.isoformat()} · {self.description}"
