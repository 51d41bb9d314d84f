from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, ClassVar

from django.conf import settings
from django.db import models, transaction
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django_scopes import scopes_disabled
from simple_history.models import HistoricalRecords

from jimpitan.lib.querysets import DatedQuerySet
from jimpitan.tenancy import active_kampung_id, kampung_field, tenant_manager
from ledger.lock import lock_ledger

if TYPE_CHECKING:
    from django.contrib.auth.base_user import AbstractBaseUser
    from django.contrib.auth.models import AnonymousUser

# The account that the data migration made for every record before accounts existed: cash held by the
# Bendahara. It is the default of every form and holds the rounds' money until handovers are recorded.
DEFAULT_ACCOUNT_NAME = "Kas tunai"


class AdjustmentQuerySet(DatedQuerySet):
    date_field = "entry_date"


class AccountKind(models.TextChoices):
    CASH = "tunai", _("Kas tunai")
    BOX = "brankas", _("Kotak / brankas")
    BANK = "bank", _("Rekening bank")
    EWALLET = "ewallet", _("Dompet digital")


class Account(models.Model):
    """Where the kampung's money is: cash held by the Bendahara, a cash box, a bank account, an e-wallet.

    Every money record names its account. The opening balance is the money brought over from the old
    books on its date; it counts in the cash book like any income of that day.
    """

    kampung = kampung_field()
    name = models.CharField(_("nama akun"), max_length=100)
    kind = models.CharField(_("jenis"), max_length=10, choices=AccountKind.choices, default=AccountKind.CASH)
    number = models.CharField(
        _("nomor rekening"), max_length=50, blank=True, help_text=_("Tidak pernah ditampilkan di halaman publik.")
    )
    opening_balance = models.BigIntegerField(_("saldo awal"), default=0)
    opening_date = models.DateField(_("tanggal saldo awal"), null=True, blank=True)
    is_active = models.BooleanField(_("aktif"), default=True)
    is_default = models.BooleanField(
        _("akun utama"), default=False, editable=False, help_text=_("Pilihan awal formulir; menampung uang ronda.")
    )

    history = HistoricalRecords()
    _history_user: AbstractBaseUser | AnonymousUser | None  # set before save(): simple_history records who
    objects = tenant_manager()

    class Meta:
        ordering = ["-is_default", "name"]
        verbose_name = _("Akun kas")
        verbose_name_plural = _("Akun kas")
        constraints = [
            models.CheckConstraint(condition=Q(opening_balance__gte=0), name="account_opening_balance_gte_0"),
            models.CheckConstraint(
                condition=Q(opening_balance=0) | Q(opening_date__isnull=False), name="account_opening_has_date"
            ),
            models.UniqueConstraint(fields=["kampung", "name"], name="account_unique_name_per_kampung"),
            models.UniqueConstraint(
                fields=["kampung", "is_default"], condition=Q(is_default=True), name="account_one_default"
            ),
        ]

    def __str__(self) -> str:
        return self.name


def default_account_id_before_kampungs() -> int:
    """The default account's id, for the migrations written before the accounts had a kampung key (their
    tables have no such column yet): the account the accounts migration made. Unscoped: a migration runs
    outside any kampung, and the kampung filter would name a column these tables do not have yet."""
    with scopes_disabled():
        return Account.objects.filter(is_default=True).values_list("pk", flat=True).get()


def default_account_id() -> int:
    """The default account's id (made if a flush removed it): the field default of every money record."""
    kampung_id = active_kampung_id()
    pk = Account.objects.filter(kampung_id=kampung_id, is_default=True).values_list("pk", flat=True).first()
    if pk is None:
        pk = Account.objects.get_or_create(
            kampung_id=kampung_id,
            name=DEFAULT_ACCOUNT_NAME,
            defaults={"kind": AccountKind.CASH, "is_default": True},
        )[0].pk
    return pk


def account_field(related_name: str) -> models.ForeignKey:
    return models.ForeignKey(
        Account,
        on_delete=models.PROTECT,
        default=default_account_id,
        related_name=related_name,
        verbose_name=_("akun"),
    )


class TransferQuerySet(DatedQuerySet):
    date_field = "transfer_date"


class MonthClosingQuerySet(models.QuerySet):
    def sealed(self) -> MonthClosingQuerySet:
        """The closings with a seal, the latest first."""
        return self.filter(seal__isnull=False).order_by("-month")


class MonthClosing(models.Model):
    """A closed month (tutup buku). While this row exists, the month's records are read-only."""

    kampung = kampung_field()
    month = models.DateField(_("bulan"), help_text=_("Tanggal 1 bulan yang ditutup."))
    closing_balance = models.BigIntegerField(_("saldo akhir"))
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("ditutup oleh")
    )
    closed_at = models.DateTimeField(_("ditutup pada"), auto_now_add=True)
    # The month's seal (ledger.seals): the SHA-256 of `sealed_text`, the published text of its figures. NULL
    # for a month closed before seals existed (and so SQLite adds the columns without rebuilding the table,
    # which the other tables' closed-month triggers name).
    seal = models.CharField(_("segel"), max_length=64, null=True, blank=True, editable=False)
    sealed_text = models.TextField(_("teks segel"), null=True, blank=True, editable=False)

    objects = tenant_manager(models.Manager.from_queryset(MonthClosingQuerySet))

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
            models.UniqueConstraint(fields=["kampung", "month"], name="monthclosing_one_per_month"),
            models.CheckConstraint(condition=Q(month__day=1), name="monthclosing_month_is_first_day"),
            models.CheckConstraint(condition=Q(closing_balance__gte=0), name="monthclosing_balance_gte_0"),
        ]

    def __str__(self) -> str:
        return self.month.strftime("%Y-%m")

    @property
    def short_seal(self) -> str:
        """The seal's first ten characters in two groups of five, to read aloud: '3f2a9-c1b0d'."""
        return f"{self.seal[:5]}-{self.seal[5:10]}" if self.seal else ""


class MonthClosingBalance(models.Model):
    """An account's balance at the end of a closed month, kept when the month is closed: the records of a closed
    month cannot change, so the balance now is this plus what moved from `next_month` on, instead of every
    record since the first. Written with the closing, gone with it (a trigger on the closing's delete), never
    changed (triggers); `check_ledger` proves each against a fresh sum."""

    kampung = kampung_field()
    month = models.DateField(_("bulan"))
    # Movements dated on or after this day (the next month's first) are not in `balance`.
    next_month = models.DateField(_("bulan berikutnya"))
    account = models.ForeignKey(Account, on_delete=models.PROTECT, related_name="+", verbose_name=_("akun"))
    balance = models.BigIntegerField(_("saldo akhir"))

    objects = tenant_manager()

    class Meta:
        verbose_name = _("Saldo akun saat tutup buku")
        verbose_name_plural = _("Saldo akun saat tutup buku")
        constraints = [
            models.UniqueConstraint(
                fields=["kampung", "account", "month"], name="monthclosingbalance_one_per_account_month"
            ),
            models.CheckConstraint(condition=Q(month__day=1), name="monthclosingbalance_month_is_first_day"),
            models.CheckConstraint(
                condition=Q(next_month__day=1, next_month__gt=models.F("month")),
                name="monthclosingbalance_next_month_after",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m} {self.account_id}: {self.balance}"


class MonthReopening(models.Model):
    """The log of every reopened month, with its reason. Never deleted."""

    kampung = kampung_field()
    month = models.DateField(_("bulan"))
    reason = models.TextField(_("alasan"))
    previous_closing_balance = models.BigIntegerField(_("saldo akhir sebelumnya"))
    previous_seal = models.CharField(_("segel sebelumnya"), max_length=64, null=True, blank=True)
    reopened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("dibuka oleh")
    )
    reopened_at = models.DateTimeField(_("dibuka pada"), auto_now_add=True)
    objects = tenant_manager()

    class Meta:
        ordering = ["-reopened_at"]
        verbose_name = _("Pembukaan kembali bulan")
        verbose_name_plural = _("Pembukaan kembali bulan")
        indexes = [models.Index(fields=["kampung", "month"])]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m} · {self.reason[:40]}"


class NumberKind(models.TextChoices):
    """What an issued transaction number (nomor bukti) was given to."""

    EXPENSE = "pengeluaran", _("Pengeluaran")
    INCOME = "pemasukan", _("Pemasukan lain")
    ADJUSTMENT = "koreksi", _("Koreksi")
    TRANSFER = "pindah", _("Pindah kas")
    HANDOVER = "setoran", _("Setoran petugas")
    CATCHUP = "rapel", _("Rapel")


class IssuedNumberManager(models.Manager):
    def issue(self, *, kind: str, day: dt.date) -> tuple[int, int]:
        """Take the next number of `day`'s year for a document of `kind`: (year, seq).

        Call it inside the transaction that saves the document (NumberedDocument.save does): the ledger lock
        queues concurrent savers, and a rollback returns the number. Numbers run per kampung and year.
        """
        return self.issue_many([(kind, day)])[0]

    def issue_many(self, documents: Sequence[tuple[str, dt.date]]) -> list[tuple[int, int]]:
        """Numbers for several (kind, day) documents at once (bulk seeding), in their order. Outside a
        transaction (a seeder's bulk_create) the numbers get one of their own, for the lock to hold."""
        joined = transaction.get_connection(self.db).in_atomic_block
        with contextlib.nullcontext() if joined else transaction.atomic(using=self.db):
            lock_ledger()
            years = {day.year for _kind, day in documents}
            kampung_id = active_kampung_id()
            last = dict(
                self.filter(kampung_id=kampung_id, year__in=years)
                .values("year")
                .annotate(last=models.Max("seq"))
                .values_list("year", "last")
            )
            numbers, rows = [], []
            for kind, day in documents:
                last[day.year] = last.get(day.year, 0) + 1
                numbers.append((day.year, last[day.year]))
                rows.append(IssuedNumber(kampung_id=kampung_id, year=day.year, seq=last[day.year], kind=kind))
            self.bulk_create(rows, batch_size=2_000)
        return numbers


class IssuedNumber(models.Model):
    """Every transaction number ever given, one row each, never changed or removed (database triggers refuse it).

    Per year the numbers run 1, 2, 3… without a gap: a trigger refuses a number that is not the year's highest
    plus one, and the number is taken in the transaction that saves its document, so a save that fails takes
    its number back with it. A removed document's number stays here and is listed as void (batal).
    """

    kampung = kampung_field()
    year = models.PositiveSmallIntegerField(_("tahun"))
    seq = models.PositiveIntegerField(_("nomor urut"))
    kind = models.CharField(_("jenis"), max_length=12, choices=NumberKind.choices)
    issued_at = models.DateTimeField(_("diberikan pada"), auto_now_add=True)

    objects = tenant_manager(IssuedNumberManager)

    class Meta:
        ordering = ["year", "seq"]
        verbose_name = _("Nomor bukti")
        verbose_name_plural = _("Nomor bukti")
        constraints = [
            models.UniqueConstraint(fields=["kampung", "year", "seq"], name="issuednumber_year_seq_unique"),
            models.CheckConstraint(condition=Q(seq__gt=0), name="issuednumber_seq_gt_0"),
        ]

    def __str__(self) -> str:
        return format_number(self.year, self.seq)


def format_number(year: int | None, seq: int | None) -> str:
    """The one way a transaction number is written: '2026-0042'."""
    if year is None or seq is None:
        return ""
    return f"{year}-{seq:04d}"


class NumberedDocument(models.Model):
    """A money document that gets a transaction number (nomor bukti) when it is first saved.

    The number is taken in the same transaction as the row (a failed save leaves no hole) and never changes;
    a database trigger refuses a row whose number was not issued to its kind, or a changed number.
    """

    NUMBER_KIND: ClassVar[str]
    NUMBER_DATE_FIELD: ClassVar[str]

    kampung = kampung_field()
    number_year = models.PositiveSmallIntegerField(_("tahun nomor"), null=True, editable=False)
    number = models.PositiveIntegerField(_("nomor bukti"), null=True, editable=False)

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            super().save(*args, **kwargs)
            return
        # Inside a service's transaction the number and the row are already one write (and the row's signals
        # belong to the service's atomic block); alone, they get a transaction of their own.
        joined = transaction.get_connection(kwargs.get("using")).in_atomic_block
        with contextlib.nullcontext() if joined else transaction.atomic(using=kwargs.get("using")):
            # A number left from a save that rolled back was returned with it: always take a fresh one.
            self.number_year, self.number = IssuedNumber.objects.issue(kind=self.NUMBER_KIND, day=self.number_day)
            super().save(*args, **kwargs)

    @property
    def reference(self) -> str:
        """The number as printed: '2026-0042'."""
        return format_number(self.number_year, self.number)

    @property
    def number_day(self) -> dt.date:
        return getattr(self, self.NUMBER_DATE_FIELD)


def number_in_bulk(documents: Sequence[NumberedDocument]) -> None:
    """Give unsaved documents (of any kinds) their numbers before a bulk_create, which skips save(), in the order
    given: sort them by date first."""
    issued = IssuedNumber.objects.issue_many([(document.NUMBER_KIND, document.number_day) for document in documents])
    for document, (year, seq) in zip(documents, issued, strict=True):
        document.number_year, document.number = year, seq


def number_unique(model: str) -> models.UniqueConstraint:
    # Partial (as NULLs never collide anyway), so SQLite adds an index instead of rebuilding the table, which
    # would drop the table's triggers.
    return models.UniqueConstraint(
        fields=["kampung", "number_year", "number"],
        condition=Q(number__isnull=False),
        name=f"{model}_number_unique",
    )


class Adjustment(NumberedDocument):
    """A correction entered in an open month for a mistake found in a closed one.

    Posted records in a closed month are never edited; the difference is booked here instead.
    The amount is signed: positive adds to the cash, negative takes from it.
    """

    NUMBER_KIND = NumberKind.ADJUSTMENT
    NUMBER_DATE_FIELD = "entry_date"

    entry_date = models.DateField(_("tanggal"))
    amount = models.BigIntegerField(_("jumlah"))
    reason = models.TextField(_("alasan"))
    corrects_month = models.DateField(_("mengoreksi bulan"))
    account = account_field("adjustments")
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+", verbose_name=_("dicatat oleh")
    )
    recorded_at = models.DateTimeField(_("dicatat pada"), auto_now_add=True)

    objects = tenant_manager(models.Manager.from_queryset(AdjustmentQuerySet))

    class Meta:
        ordering = ["-entry_date", "-id"]
        verbose_name = _("Koreksi")
        verbose_name_plural = _("Koreksi")
        indexes = [models.Index(fields=["kampung", "entry_date"])]
        constraints = [
            number_unique("adjustment"),
            models.CheckConstraint(condition=~Q(amount=0), name="adjustment_amount_nonzero"),
            models.CheckConstraint(condition=Q(corrects_month__day=1), name="adjustment_corrects_first_day"),
            models.CheckConstraint(
                condition=Q(corrects_month__lt=models.F("entry_date")), name="adjustment_corrects_earlier_month"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.entry_date.isoformat()} · {self.amount}"


class Transfer(NumberedDocument):
    """Money moved between two of the kampung's accounts: banking the cash, withdrawing it, filling the box.

    Neither income nor spending: the cash book's figures and the total balance do not change, only the two
    accounts' balances.
    """

    NUMBER_KIND = NumberKind.TRANSFER
    NUMBER_DATE_FIELD = "transfer_date"

    transfer_date = models.DateField(_("tanggal"))
    from_account = models.ForeignKey(
        Account, on_delete=models.PROTECT, related_name="transfers_out", verbose_name=_("dari akun")
    )
    to_account = models.ForeignKey(
        Account, on_delete=models.PROTECT, related_name="transfers_in", verbose_name=_("ke akun")
    )
    amount = models.BigIntegerField(_("jumlah"))
    note = models.CharField(_("keterangan"), max_length=255, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+", verbose_name=_("dicatat oleh")
    )
    recorded_at = models.DateTimeField(_("dicatat pada"), auto_now_add=True)

    history = HistoricalRecords()
    objects = tenant_manager(models.Manager.from_queryset(TransferQuerySet))
    _history_user: AbstractBaseUser | AnonymousUser | None

    class Meta:
        ordering = ["-transfer_date", "-id"]
        verbose_name = _("Pindah kas")
        verbose_name_plural = _("Pindah kas")
        indexes = [models.Index(fields=["kampung", "transfer_date"])]
        constraints = [
            number_unique("transfer"),
            models.CheckConstraint(condition=Q(amount__gt=0), name="transfer_amount_gt_0"),
            models.CheckConstraint(condition=~Q(from_account=models.F("to_account")), name="transfer_between_two"),
        ]

    def __str__(self) -> str:
        return f"{self.transfer_date.isoformat()} · {self.from_account_id} → {self.to_account_id} · {self.amount}"


class BalanceCheck(models.Model):
    """Matching the bank (cocokkan saldo): the balance the bank book or app showed for an account on a date,
    next to the app's own figure then. A matched check (both equal) is an assertion that later writes must keep:
    the services refuse a change that breaks it, and check_ledger re-proves every one."""

    kampung = kampung_field()
    account = models.ForeignKey(
        Account, on_delete=models.PROTECT, related_name="balance_checks", verbose_name=_("akun")
    )
    check_date = models.DateField(_("tanggal"))
    stated_balance = models.BigIntegerField(_("saldo menurut bank"))
    app_balance = models.BigIntegerField(_("saldo menurut buku kas"))
    note = models.CharField(_("keterangan"), max_length=255, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+", verbose_name=_("dicatat oleh")
    )
    recorded_at = models.DateTimeField(_("dicatat pada"), auto_now_add=True)

    history = HistoricalRecords()
    _history_user: AbstractBaseUser | AnonymousUser | None
    objects = tenant_manager()

    class Meta:
        ordering = ["-check_date", "-id"]
        verbose_name = _("Cocokkan saldo")
        verbose_name_plural = _("Cocokkan saldo")
        indexes = [models.Index(fields=["kampung", "check_date"])]
        constraints = [models.CheckConstraint(condition=Q(stated_balance__gte=0), name="balancecheck_stated_gte_0")]

    def __str__(self) -> str:
        return f"{self.check_date.isoformat()} · {self.account_id} · {self.stated_balance}"

    @property
    def difference(self) -> int:
        """What the bank shows more (positive) or less (negative) than the books."""
        return self.stated_balance - self.app_balance

    @property
    def is_matched(self) -> bool:
        return self.difference == 0
