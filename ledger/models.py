from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from jimpitan.lib.querysets import DatedQuerySet


class AdjustmentQuerySet(DatedQuerySet):
    date_field = "entry_date"


class MonthClosing(models.Model):
    """A closed month (tutup buku). While this row exists, the month's records are read-only."""

    month = models.DateField(_("bulan"), unique=True, help_text=_("Tanggal 1 bulan yang ditutup."))
    closing_balance = models.BigIntegerField(_("saldo akhir"))
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("ditutup oleh")
    )
    closed_at = models.DateTimeField(_("ditutup pada"), auto_now_add=True)

    class Meta:
        ordering = ["-month"]
        verbose_name = _("Tutup buku")
        verbose_name_plural = _("Tutup buku")
        permissions = [
            ("close_month", _("Boleh menutup buku bulanan")),
            ("reopen_month", _("Boleh membuka kembali bulan yang sudah ditutup")),
            ("export_report", _("Boleh mengunduh laporan bulanan")),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(month__day=1), name="monthclosing_month_is_first_day"),
            models.CheckConstraint(condition=Q(closing_balance__gte=0), name="monthclosing_balance_gte_0"),
        ]

    def __str__(self) -> str:
        return self.month.strftime("%Y-%m")


class MonthReopening(models.Model):
    """The log of every reopened month, with its reason. Never deleted."""

    month = models.DateField(_("bulan"))
    reason = models.TextField(_("alasan"))
    previous_closing_balance = models.BigIntegerField(_("saldo akhir sebelumnya"))
    reopened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("dibuka oleh")
    )
    reopened_at = models.DateTimeField(_("dibuka pada"), auto_now_add=True)

    class Meta:
        ordering = ["-reopened_at"]
        verbose_name = _("Pembukaan kembali bulan")
        verbose_name_plural = _("Pembukaan kembali bulan")

    def __str__(self) -> str:
        return f"{self.month:%Y-%m} · {self.reason[:40]}"


class Adjustment(models.Model):
    """A correction entered in an open month for a mistake found in a closed one.

    Posted records in a closed month are never edited; the difference is booked here instead.
    The amount is signed: positive adds to the cash, negative takes from it.
    """

    entry_date = models.DateField(_("tanggal"), db_index=True)
    amount = models.BigIntegerField(_("jumlah"))
    reason = models.TextField(_("alasan"))
    corrects_month = models.DateField(_("mengoreksi bulan"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+", verbose_name=_("dicatat oleh")
    )
    recorded_at = models.DateTimeField(_("dicatat pada"), auto_now_add=True)

    objects = AdjustmentQuerySet.as_manager()

    class Meta:
        ordering = ["-entry_date", "-id"]
        verbose_name = _("Koreksi")
        verbose_name_plural = _("Koreksi")
        constraints = [
            models.CheckConstraint(condition=~Q(amount=0), name="adjustment_amount_nonzero"),
            models.CheckConstraint(condition=Q(corrects_month__day=1), name="adjustment_corrects_first_day"),
            models.CheckConstraint(
                condition=Q(corrects_month__lt=models.F("entry_date")), name="adjustment_corrects_earlier_month"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.entry_date.isoformat()} · {self.amount}"
