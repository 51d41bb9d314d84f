from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from jimpitan.lib.querysets import DatedQuerySet


class RoundQuerySet(DatedQuerySet):
    date_field = "evening"


class ContributionQuerySet(DatedQuerySet):
    date_field = "evening"


class Round(models.Model):
    """One RT's collection on one evening (a night belongs to the evening it began)."""

    rt = models.ForeignKey("households.RT", on_delete=models.PROTECT, related_name="rounds", verbose_name=_("RT"))
    evening = models.DateField(_("malam"), db_index=True)
    collectors = models.CharField(_("petugas ronda"), max_length=255, blank=True)
    collector_users = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="collected_rounds", verbose_name=_("akun petugas")
    )
    counted_cash = models.BigIntegerField(_("uang dihitung"), null=True, blank=True)
    notes = models.TextField(_("catatan"), blank=True)
    # A total-only round has no per-household rows; participation figures leave it out.
    is_total_only = models.BooleanField(_("hanya total"), default=False)
    # Kept by the same transaction that saves the contributions; check_ledger verifies it.
    total = models.BigIntegerField(_("total"), default=0)
    households_listed = models.PositiveIntegerField(_("rumah terdaftar"), default=0)
    households_paid = models.PositiveIntegerField(_("rumah membayar"), default=0)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("dicatat oleh"),
    )
    recorded_at = models.DateTimeField(_("dicatat pada"), auto_now_add=True)
    updated_at = models.DateTimeField(_("diubah pada"), auto_now=True)
    version = models.PositiveIntegerField(_("versi"), default=1)

    history = HistoricalRecords(m2m_fields=[])
    objects = RoundQuerySet.as_manager()

    class Meta:
        ordering = ["-evening", "rt__display_order", "rt__number"]
        verbose_name = _("Jimpitan malam")
        verbose_name_plural = _("Jimpitan malam")
        # Petugas record only the last two evenings; this permission (Bendahara's by rule) lifts that window.
        permissions = [("record_any_evening", "Boleh mencatat jimpitan malam mana saja di bulan terbuka")]
        constraints = [
            models.UniqueConstraint(fields=["rt", "evening"], name="round_unique_rt_evening"),
            models.CheckConstraint(condition=Q(total__gte=0), name="round_total_gte_0"),
            models.CheckConstraint(
                condition=Q(counted_cash__isnull=True) | Q(counted_cash__gte=0), name="round_counted_cash_gte_0"
            ),
            models.CheckConstraint(
                condition=Q(households_paid__lte=models.F("households_listed")), name="round_paid_lte_listed"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.rt} · {self.evening.isoformat()}"

    @property
    def cash_difference(self) -> int | None:
        """Counted cash minus the recorded total; None when no cash was counted."""
        if self.counted_cash is None:
            return None
        return self.counted_cash - self.total


class ContributionState(models.TextChoices):
    PAID = "dibayar", _("Ada")
    EMPTY = "kosong", _("Kosong")
    LEFT_WITH_NEIGHBOUR = "titip", _("Titip")


class Contribution(models.Model):
    """One household's part in a round. A household the patrol did not reach has no row."""

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="contributions", verbose_name=_("ronde"))
    household = models.ForeignKey(
        "households.Household", on_delete=models.PROTECT, related_name="contributions", verbose_name=_("rumah")
    )
    # Copied from the round so that "one contribution per household per evening" is a DB constraint.
    evening = models.DateField(_("malam"))
    amount = models.BigIntegerField(_("jumlah"))
    state = models.CharField(_("keadaan"), max_length=10, choices=ContributionState.choices)
    note = models.CharField(_("catatan"), max_length=200, blank=True)

    history = HistoricalRecords()
    objects = ContributionQuerySet.as_manager()

    class Meta:
        ordering = ["round", "household__route_position"]
        verbose_name = _("setoran rumah")
        verbose_name_plural = _("setoran rumah")
        constraints = [
            models.UniqueConstraint(fields=["household", "evening"], name="contribution_unique_household_evening"),
            models.CheckConstraint(condition=Q(amount__gte=0), name="contribution_amount_gte_0"),
            models.CheckConstraint(
                condition=(Q(state=ContributionState.EMPTY) & Q(amount=0))
                | (Q(state__in=[ContributionState.PAID, ContributionState.LEFT_WITH_NEIGHBOUR]) & Q(amount__gt=0)),
                name="contribution_state_matches_amount",
            ),
        ]
        indexes = [models.Index(fields=["round", "household"]), models.Index(fields=["evening"])]

    def __str__(self) -> str:
        return f"{self.household_id} · {self.evening.isoformat()} · {self.amount}"
