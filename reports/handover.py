"""The document of a handover between committees (Berita Acara Serah Terima Bendahara): what the outgoing
Bendahara hands over on a date. Every figure comes from the selectors that keep its rule (the accounts and the
bank checks from ledger.selectors, the patrol's money from nightly.selectors, the open months from ledger.services,
the unapproved expenses from spending.selectors), so the document says what the books' own pages say.

A fixed number of queries, whatever the number of records, accounts or months.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Q
from django.utils.translation import gettext as _

from jimpitan.lib.months import month_start, next_month
from jimpitan.lib.people import display_name
from jimpitan.models import KampungProfile, TreasurerHandover
from ledger import selectors
from ledger.models import Account, BalanceCheck
from ledger.services import open_months_before
from nightly.models import Handover
from nightly.selectors import HeldGroup, held_by_patrol
from spending.models import Expense
from spending.selectors import unapproved_expenses


@dataclass(frozen=True)
class AccountLine:
    account: Account
    balance: int  # at the end of the handover day
    last_match: BalanceCheck | None  # the latest bank check on or before that day that matched the books


@dataclass(frozen=True)
class SigningColumn:
    """One column of the signing block (templates/includes/signatures.html reads these three)."""

    heading: str
    role: str
    name: str


@dataclass(frozen=True)
class Parties:
    """Who hands over, who takes over, and who acknowledges it."""

    outgoing: str
    incoming: str = ""
    chair_title: str = ""
    chair_name: str = ""
    note: str = ""


@dataclass
class HandoverDocument:
    day: dt.date
    kampung: KampungProfile | None
    parties: Parties
    since: dt.date | None  # the previous serah terima (its differences were handed over then)
    accounts: list[AccountLine]
    held: int  # the rounds' money still with the patrol at the end of the day (on no account)
    held_groups: list[HeldGroup]
    open_months: list[dt.date]  # months with records up to the handover's month that are not closed
    unapproved: list[Expense]
    handover_differences: list[Handover]  # the patrol's shortfalls and surpluses since `since`
    unmatched_checks: list[BalanceCheck]  # each account's latest bank check, where it did not match the books
    broken_checks: list[BalanceCheck]  # matched checks that the records no longer prove

    @property
    def accounts_total(self) -> int:
        """The cash book's balance on the day: the accounts and the patrol's money."""
        return sum(line.balance for line in self.accounts) + self.held

    @property
    def unapproved_total(self) -> int:
        return sum(expense.amount for expense in self.unapproved)

    @property
    def differences_total(self) -> int:
        return sum(handover.difference for handover in self.handover_differences)

    @property
    def has_differences(self) -> bool:
        return bool(self.handover_differences or self.unmatched_checks or self.broken_checks)

    @property
    def signature_columns(self) -> list[SigningColumn]:
        return [
            SigningColumn(_("Yang menyerahkan,"), _("Bendahara lama"), self.parties.outgoing),
            SigningColumn(_("Mengetahui,"), self.parties.chair_title or _("Ketua"), self.parties.chair_name),
            SigningColumn(_("Yang menerima,"), _("Bendahara baru"), self.parties.incoming),
        ]


def chair_from_profile(profile: KampungProfile | None) -> tuple[str, str]:
    """The (title, name) of the kampung's first signing column whose role is a Ketua: who acknowledges."""
    if profile is not None:
        for column in profile.signature_columns.all():
            if column.role.lower().startswith("ketua"):
                return column.role, column.name
    return _("Ketua Pokja"), ""


def _account_lines(day: dt.date) -> list[AccountLine]:
    matches = selectors.last_balance_checks(day, matched_only=True)
    return [
        AccountLine(row.account, row.balance, matches.get(row.account.pk))
        for row in selectors.account_balances(day)
        # A retired account that holds nothing is left out (it cannot hold money: see ledger.services).
        if row.balance or row.account.is_active
    ]


def build(day: dt.date, parties: Parties, *, since: dt.date | None = None) -> HandoverDocument:
    differences = Handover.objects.filter(received_on__lte=day).exclude(difference=0).select_related("handed_by")
    if since is not None:
        differences = differences.filter(received_on__gt=since)
    return HandoverDocument(
        day=day,
        kampung=KampungProfile.load(),
        parties=parties,
        since=since,
        accounts=_account_lines(day),
        held=selectors.held_outside_accounts(day),
        held_groups=held_by_patrol(on=day),
        open_months=open_months_before(next_month(month_start(day))),
        unapproved=unapproved_expenses(day),
        handover_differences=list(differences.order_by("received_on", "pk")),
        unmatched_checks=[check for check in selectors.last_balance_checks(day).values() if not check.is_matched],
        broken_checks=[check for check in selectors.broken_balance_checks() if check.check_date <= day],
    )


def previous_handover_day(handover: TreasurerHandover | None = None) -> dt.date | None:
    """The day of the serah terima before `handover` (before any new one when None)."""
    earlier = TreasurerHandover.objects.order_by("-handed_over_on", "-pk")
    if handover is not None:
        day = handover.handed_over_on
        earlier = earlier.filter(Q(handed_over_on__lt=day) | Q(handed_over_on=day, pk__lt=handover.pk))
    return earlier.values_list("handed_over_on", flat=True).first()


def build_for(handover: TreasurerHandover) -> HandoverDocument:
    """The document of a recorded serah terima."""
    parties = Parties(
        outgoing=display_name(handover.outgoing),
        incoming=display_name(handover.incoming),
        chair_title=handover.chair_title,
        chair_name=handover.chair_name,
        note=handover.note,
    )
    return build(handover.handed_over_on, parties, since=previous_handover_day(handover))
