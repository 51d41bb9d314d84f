from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from jimpitan.lib.pasaran import pasaran_index
from jimpitan.lib.people import display_name
from jimpitan.lib.querysets import DatedQuerySet
from jimpitan.tenancy import kampung_field, tenant_manager
from ledger.models import NumberedDocument, NumberKind, number_unique


class RoundQuerySet(DatedQuerySet):
    date_field = "evening"


class ContributionQuerySet(DatedQuerySet):
    date_field = "evening"


class HandoverQuerySet(DatedQuerySet):
    date_field = "received_on"


class CatchUpQuerySet(DatedQuerySet):
    date_field = "paid_on"


class Handover(NumberedDocument):
    """The collector's handover (setoran): the patrol hands one or more rounds' money to the treasurer, who
    counts it into an account. Until then a round's money is held by the patrol ("di petugas").

    `expected` is the rounds' total when received; `counted` what was counted; the difference (counted minus
    expected) is a kept, explained line of the cash book on `received_on`, never an edit of the rounds. A round
    that is handed over is read-only (the service and a database trigger refuse) until its handover is removed.
    """

    NUMBER_KIND = NumberKind.HANDOVER
    NUMBER_DATE_FIELD = "received_on"

    received_on = models.DateField(_("tanggal diterima"))
    handed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="handovers",
        verbose_name=_("diserahkan oleh (akun)"),
    )
    # For a petugas without an account.
    handed_by_name = models.CharField(_("diserahkan oleh (nama)"), max_length=100, blank=True)
    account = models.ForeignKey(
        "ledger.Account", on_delete=models.PROTECT, related_name="handovers", verbose_name=_("masuk ke akun")
    )
    expected = models.BigIntegerField(_("total ronde"))
    counted = models.BigIntegerField(_("uang dihitung"))
    difference = models.BigIntegerField(_("selisih"))
    explanation = models.TextField(_("penjelasan"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+", verbose_name=_("dicatat oleh")
    )
    recorded_at = models.DateTimeField(_("dicatat pada"), auto_now_add=True)

    history = HistoricalRecords()
    objects = tenant_manager(models.Manager.from_queryset(HandoverQuerySet))
    _history_user: Any

    class Meta:
        ordering = ["-received_on", "-id"]
        verbose_name = _("Setoran petugas")
        verbose_name_plural = _("Setoran petugas")
        indexes = [models.Index(fields=["kampung", "received_on"])]
        constraints = [
            number_unique("handover"),
            models.CheckConstraint(condition=Q(counted__gte=0), name="handover_counted_gte_0"),
            models.CheckConstraint(condition=Q(expected__gte=0), name="handover_expected_gte_0"),
            models.CheckConstraint(
                condition=Q(difference=models.F("counted") - models.F("expected")), name="handover_difference"
            ),
            # A shortfall or surplus is explained; a handover that matches needs no words.
            models.CheckConstraint(
                condition=Q(difference=0) | ~Q(explanation=""), name="handover_difference_explained"
            ),
            # An account or a plain name, never both and never neither.
            models.CheckConstraint(
                condition=(Q(handed_by__isnull=False) & Q(handed_by_name=""))
                | (Q(handed_by__isnull=True) & ~Q(handed_by_name="")),
                name="handover_user_or_name",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.received_on.isoformat()} · {self.handed_by_display} · {self.counted}"

    @property
    def handed_by_display(self) -> str:
        if self.handed_by_id is None:
            return self.handed_by_name
        return display_name(self.handed_by)


class Round(models.Model):
    """One RT's collection on one evening (a night belongs to the evening it began)."""

    kampung = kampung_field()
    rt = models.ForeignKey("households.RT", on_delete=models.PROTECT, related_name="rounds", verbose_name=_("RT"))
    evening = models.DateField(_("malam"))
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
    # Set when the treasurer receives the round's money; the round is read-only from then on.
    handover = models.ForeignKey(
        Handover,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="rounds",
        verbose_name=_("setoran"),
    )

    history = HistoricalRecords(m2m_fields=[], excluded_fields=["handover"])
    objects = tenant_manager(models.Manager.from_queryset(RoundQuerySet))

    class Meta:
        ordering = ["-evening", "rt__display_order", "rt__number"]
        verbose_name = _("Jimpitan malam")
        verbose_name_plural = _("Jimpitan malam")
        # Petugas record only the last two evenings; this permission (Bendahara's by rule) lifts that window.
        permissions = [("record_any_evening", "Boleh mencatat jimpitan malam mana saja di bulan terbuka")]
        constraints = [
            models.UniqueConstraint(fields=["kampung", "rt", "evening"], name="round_unique_rt_evening"),
            models.CheckConstraint(condition=Q(total__gte=0), name="round_total_gte_0"),
            models.CheckConstraint(
                condition=Q(counted_cash__isnull=True) | Q(counted_cash__gte=0), name="round_counted_cash_gte_0"
            ),
            models.CheckConstraint(
                condition=Q(households_paid__lte=models.F("households_listed")), name="round_paid_lte_listed"
            ),
        ]
        indexes = [models.Index(fields=["kampung", "evening"])]

    def __str__(self) -> str:
        return f"{self.rt} · {self.evening.isoformat()}"

    @property
    def cash_difference(self) -> int | None:
        """Counted cash minus the recorded total; None when no cash was counted."""
        if self.counted_cash is None:
            return None
        return self.counted_cash - self.total

    def header_matches(self, *, collectors: str, counted_cash: int | None, notes: str) -> bool:
        """Whether a save would leave the header as it is (a double submit, not a conflict)."""
        return self.collectors == collectors and self.counted_cash == counted_cash and self.notes == notes

    def write_header(
        self,
        *,
        user,
        collectors: str,
        counted_cash: int | None,
        notes: str,
        total: int,
        households_listed: int,
        households_paid: int,
        is_total_only: bool,
    ) -> None:
        """Store the round's header and figures, one version on. The one place both savers change a round, so
        the figures check_ledger verifies and the version the conflict check reads always move together."""
        if self.pk is not None:
            self.version += 1
        self.collectors = collectors
        self.counted_cash = counted_cash
        self.notes = notes
        self.is_total_only = is_total_only
        self.total = total
        self.households_listed = households_listed
        self.households_paid = households_paid
        self._history_user = user
        self.save()


# What a sheet line without a state means: the patrol did not reach the house (no contribution row).
NOT_COLLECTED = ""
# An empty container holds nothing; the check constraint below says the same.
EMPTY_AMOUNT = 0


class ContributionState(models.TextChoices):
    """A contribution's state, and the rule tying it to the amount. The service, the sheet and (through data-
    attributes rendered from these methods) sheet.js all read the rule from here."""

    PAID = "dibayar", _("Ada")
    EMPTY = "kosong", _("Kosong")
    LEFT_WITH_NEIGHBOUR = "titip", _("Titip")

    @classmethod
    def paid_values(cls) -> frozenset[str]:
        """The states whose amount is money in the tin: they count in a round's total and its paying houses."""
        return _PAID_VALUES

    @classmethod
    def counts_as_paid(cls, state: str) -> bool:
        return state in _PAID_VALUES

    @classmethod
    def for_amount(cls, amount: int) -> ContributionState:
        """The state an amount typed without one implies: money is paid, nothing is an empty container."""
        return cls.PAID if amount > EMPTY_AMOUNT else cls.EMPTY

    @classmethod
    def keeps_note(cls, state: str) -> bool:
        """Only a contribution left with a neighbour needs a note (with whom)."""
        return state == cls.LEFT_WITH_NEIGHBOUR

    @classmethod
    def normalise(cls, state: str, amount: int | None, note: str = "") -> tuple[str, int | None, str]:
        """One sheet line as it will be stored: (state, amount, note), or (NOT_COLLECTED, None, "") for a house
        not reached. Raises ValidationError when state and amount contradict each other.

        An amount without a state implies one (for_amount); Kosong stores 0; Ada with 0 is Kosong; Ada or
        Titip without an amount is refused. The amount's own bounds (negative, the cap) are the caller's.
        """
        if state == NOT_COLLECTED:
            if amount is None:
                return NOT_COLLECTED, None, ""
            state = cls.for_amount(amount)
        if state not in _VALUES:
            raise ValidationError(gettext("Pilih Ada, Kosong atau Titip."), code="state")
        if state == cls.EMPTY:
            return cls.EMPTY, EMPTY_AMOUNT, ""
        if not amount:
            if state == cls.PAID and amount == EMPTY_AMOUNT:
                return cls.EMPTY, EMPTY_AMOUNT, ""
            raise ValidationError(gettext("Isi jumlah uangnya."), code="amount_missing")
        return state, amount, note.strip() if cls.keeps_note(state) else ""


# Built once: Choices.values makes a new list on every access, and a sheet checks 500 rows against these.
_VALUES = frozenset(ContributionState.values)
_PAID_VALUES = frozenset((ContributionState.PAID.value, ContributionState.LEFT_WITH_NEIGHBOUR.value))


class Contribution(models.Model):
    """One household's part in a round. A household the patrol did not reach has no row."""

    kampung = kampung_field()
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
    objects = tenant_manager(models.Manager.from_queryset(ContributionQuerySet))

    class Meta:
        ordering = ["round", "household__route_position"]
        verbose_name = _("setoran rumah")
        verbose_name_plural = _("setoran rumah")
        constraints = [
            models.UniqueConstraint(
                fields=["kampung", "household", "evening"], name="contribution_unique_household_evening"
            ),
            models.CheckConstraint(condition=Q(amount__gte=0), name="contribution_amount_gte_0"),
            models.CheckConstraint(
                condition=(Q(state=ContributionState.EMPTY) & Q(amount=EMPTY_AMOUNT))
                | (Q(state__in=sorted(ContributionState.paid_values())) & Q(amount__gt=EMPTY_AMOUNT)),
                name="contribution_state_matches_amount",
            ),
        ]
        indexes = [
            models.Index(fields=["kampung", "round", "household"]),
            models.Index(fields=["kampung", "evening"]),
        ]

    def __str__(self) -> str:
        return f"{self.household_id} · {self.evening.isoformat()} · {self.amount}"


class PhoneTap(models.Model):
    """One tap made on a collector's phone (Keliling) and applied by the sync. The phone makes the uuid, so a
    batch sent twice (the answer was lost on a weak signal) finds its taps here and stores nothing twice."""

    # Made by the phone, so unique across kampungs: a batch sent twice finds its taps whichever kampung.
    uuid = models.UUIDField(_("kode ketukan"), unique=True)
    kampung = kampung_field()
    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="phone_taps", verbose_name=_("ronde"))
    household = models.ForeignKey(
        "households.Household", on_delete=models.PROTECT, related_name="+", verbose_name=_("rumah")
    )
    evening = models.DateField(_("malam"))
    state = models.CharField(_("keadaan"), max_length=10, choices=ContributionState.choices)
    amount = models.BigIntegerField(_("jumlah"))
    captured_at = models.DateTimeField(_("diketuk pada"))
    received_at = models.DateTimeField(_("diterima pada"), auto_now_add=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+", verbose_name=_("petugas")
    )
    # "saved" or "conflict": a conflicting tap is kept (not applied) so the treasurer can see what the phone said.
    outcome = models.CharField(_("hasil"), max_length=10)
    objects = tenant_manager()

    class Meta:
        verbose_name = _("ketukan keliling")
        verbose_name_plural = _("ketukan keliling")
        indexes = [models.Index(fields=["kampung", "round", "household"])]

    def __str__(self) -> str:
        return f"{self.uuid} · {self.household_id} · {self.evening.isoformat()}"


class RosterKind(models.TextChoices):
    """What an assignment's rule follows. On a given evening the most specific kind that names anyone wins:
    a single date over a weton pair over weekday and pasaran (those two add up)."""

    WEEKDAY = "hari", _("Hari")
    PASARAN = "pasaran", _("Pasaran")
    WETON = "weton", _("Weton")
    DATE = "tanggal", _("Tanggal")


class RosterAssignment(models.Model):
    """One petugas on an RT's duty roster (jadwal ronda), by one kind of rule."""

    kampung = kampung_field()
    rt = models.ForeignKey("households.RT", on_delete=models.CASCADE, related_name="roster", verbose_name=_("RT"))
    kind = models.CharField(_("aturan"), max_length=10, choices=RosterKind.choices)
    # 0 = Senin … 6 = Minggu, like date.weekday(); 0 = Legi … 4 = Kliwon, like jimpitan.lib.pasaran.
    weekday = models.PositiveSmallIntegerField(_("hari"), null=True, blank=True)
    pasaran = models.PositiveSmallIntegerField(_("pasaran"), null=True, blank=True)
    date = models.DateField(_("tanggal"), null=True, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="roster_duties",
        verbose_name=_("akun petugas"),
    )
    # For a petugas without an account.
    name = models.CharField(_("nama"), max_length=100, blank=True)
    position = models.PositiveSmallIntegerField(_("urutan"), default=0)

    history = HistoricalRecords()
    # Set by the service before a save or delete: simple-history records who made the change.
    _history_user: Any
    objects = tenant_manager()

    class Meta:
        ordering = ["rt", "kind", "weekday", "pasaran", "date", "position"]
        verbose_name = _("Jadwal ronda")
        verbose_name_plural = _("Jadwal ronda")
        constraints = [
            # Exactly the fields its kind needs, and no others: a weekday rule never carries a stray date.
            models.CheckConstraint(
                condition=(
                    Q(kind=RosterKind.WEEKDAY, weekday__isnull=False, pasaran__isnull=True, date__isnull=True)
                    | Q(kind=RosterKind.PASARAN, weekday__isnull=True, pasaran__isnull=False, date__isnull=True)
                    | Q(kind=RosterKind.WETON, weekday__isnull=False, pasaran__isnull=False, date__isnull=True)
                    | Q(kind=RosterKind.DATE, weekday__isnull=True, pasaran__isnull=True, date__isnull=False)
                ),
                name="roster_one_kind_of_rule",
            ),
            models.CheckConstraint(condition=Q(weekday__isnull=True) | Q(weekday__lte=6), name="roster_weekday_range"),
            models.CheckConstraint(condition=Q(pasaran__isnull=True) | Q(pasaran__lte=4), name="roster_pasaran_range"),
            # An account or a plain name, never both and never neither.
            models.CheckConstraint(
                condition=(Q(user__isnull=False) & Q(name="")) | (Q(user__isnull=True) & ~Q(name="")),
                name="roster_user_or_name",
            ),
        ]
        indexes = [models.Index(fields=["kampung", "rt", "kind"])]

    def __str__(self) -> str:
        return f"{self.rt} · {self.kind} · {self.display_name}"

    @property
    def display_name(self) -> str:
        if self.user_id is None:
            return self.name
        return display_name(self.user)

    def matches(self, day) -> bool:
        if self.kind == RosterKind.DATE:
            return self.date == day
        if self.kind == RosterKind.WEEKDAY:
            return self.weekday == day.weekday()
        if self.kind == RosterKind.PASARAN:
            return self.pasaran == pasaran_index(day)
        return self.weekday == day.weekday() and self.pasaran == pasaran_index(day)


class SwapKind(models.TextChoices):
    HANDOVER = "serah", _("Serahkan malam")
    SWAP = "tukar", _("Tukar malam")


class SwapStatus(models.TextChoices):
    PENDING = "diajukan", _("Diajukan")
    APPROVED = "disetujui", _("Disetujui")
    REFUSED = "ditolak", _("Ditolak")


class RosterSwap(models.Model):
    """A petugas asks to hand an evening over to someone, or to swap it for one of theirs. The Bendahara
    decides; an approved request is written into the roster as single-date assignments, so the roster's own
    history and this record together say who changed what and why."""

    kampung = kampung_field()
    rt = models.ForeignKey("households.RT", on_delete=models.CASCADE, related_name="roster_swaps", verbose_name=_("RT"))
    kind = models.CharField(_("jenis"), max_length=10, choices=SwapKind.choices, default=SwapKind.HANDOVER)
    evening = models.DateField(_("malam"))
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="roster_swaps", verbose_name=_("diajukan oleh")
    )
    replacement_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("pengganti (akun)"),
    )
    replacement_name = models.CharField(_("pengganti (nama)"), max_length=100, blank=True)
    # For a swap: the replacement's evening that the requester takes in return.
    swap_evening = models.DateField(_("malam pengganti"), null=True, blank=True)
    reason = models.CharField(_("alasan"), max_length=300)
    status = models.CharField(_("status"), max_length=10, choices=SwapStatus.choices, default=SwapStatus.PENDING)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("diputuskan oleh"),
    )
    decided_at = models.DateTimeField(_("diputuskan pada"), null=True, blank=True)
    created_at = models.DateTimeField(_("diajukan pada"), auto_now_add=True)

    history = HistoricalRecords()
    _history_user: Any
    objects = tenant_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("tukar jadwal ronda")
        verbose_name_plural = _("tukar jadwal ronda")
        indexes = [models.Index(fields=["kampung", "rt", "evening"])]
        constraints = [
            models.CheckConstraint(condition=~Q(reason=""), name="rosterswap_reason_given"),
            models.CheckConstraint(
                condition=(Q(replacement_user__isnull=False) & Q(replacement_name=""))
                | (Q(replacement_user__isnull=True) & ~Q(replacement_name="")),
                name="rosterswap_one_replacement",
            ),
            # Only an account can work someone else's evening in return.
            models.CheckConstraint(
                condition=(Q(kind=SwapKind.HANDOVER) & Q(swap_evening__isnull=True))
                | (Q(kind=SwapKind.SWAP) & Q(swap_evening__isnull=False) & Q(replacement_user__isnull=False)),
                name="rosterswap_evening_matches_kind",
            ),
            models.CheckConstraint(
                condition=Q(status=SwapStatus.PENDING) | Q(decided_by__isnull=False, decided_at__isnull=False),
                name="rosterswap_decision_recorded",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.rt} · {self.evening.isoformat()} · {self.get_status_display()}"

    @property
    def replacement_display(self) -> str:
        if self.replacement_user_id is None:
            return self.replacement_name
        return display_name(self.replacement_user)


class CatchUp(NumberedDocument):
    """A catch-up payment (rapel): a household pays, on one day, for evenings it missed, or ahead for evenings to
    come (dibayar di muka). It is jimpitan income of the day paid (cash basis, so a closed month's figures never
    move) and goes straight into an account. Its evenings are `CatchUpEvening` rows."""

    household = models.ForeignKey(
        "households.Household", on_delete=models.PROTECT, related_name="catch_ups", verbose_name=_("rumah")
    )
    paid_on = models.DateField(_("tanggal dibayar"))
    amount = models.BigIntegerField(_("jumlah"))
    account = models.ForeignKey(
        "ledger.Account", on_delete=models.PROTECT, related_name="catch_ups", verbose_name=_("masuk ke akun")
    )
    note = models.CharField(_("catatan"), max_length=200, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+", verbose_name=_("dicatat oleh")
    )
    recorded_at = models.DateTimeField(_("dicatat pada"), auto_now_add=True)

    NUMBER_KIND = NumberKind.CATCHUP
    NUMBER_DATE_FIELD = "paid_on"

    history = HistoricalRecords()
    objects = tenant_manager(models.Manager.from_queryset(CatchUpQuerySet))
    _history_user: Any

    class Meta:
        ordering = ["-paid_on", "-id"]
        verbose_name = _("Rapel")
        verbose_name_plural = _("Rapel")
        indexes = [models.Index(fields=["kampung", "paid_on"])]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="catchup_amount_gt_0"),
            number_unique("catchup"),
        ]

    def __str__(self) -> str:
        return f"{self.paid_on.isoformat()} · {self.household_id} · {self.amount}"


class CatchUpEvening(models.Model):
    """One evening a catch-up covers. An evening is paid once: never by two catch-ups (the unique constraint),
    never by a catch-up and a paid contribution (a trigger, both ways; migration 0012)."""

    kampung = kampung_field()
    catch_up = models.ForeignKey(CatchUp, on_delete=models.CASCADE, related_name="evenings", verbose_name=_("rapel"))
    # Copied from the catch-up so that "one payment per household per evening" is a DB constraint; a trigger
    # keeps the copy equal.
    household = models.ForeignKey(
        "households.Household", on_delete=models.PROTECT, related_name="+", verbose_name=_("rumah")
    )
    evening = models.DateField(_("malam"))
    objects = tenant_manager()

    class Meta:
        ordering = ["evening"]
        verbose_name = _("malam rapel")
        verbose_name_plural = _("malam rapel")
        constraints = [
            models.UniqueConstraint(
                fields=["kampung", "household", "evening"], name="catchupevening_unique_household_evening"
            )
        ]
        indexes = [models.Index(fields=["kampung", "evening"])]

    def __str__(self) -> str:
        return f"{self.household_id} · {self.evening.isoformat()}"
