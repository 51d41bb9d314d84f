"""The cash book sums the registered cash sources; the money apps register themselves."""

from __future__ import annotations

import datetime as dt

import pytest

from ledger import selectors, sources
from ledger.models import Adjustment
from nightly.models import CatchUp, Handover, Round
from spending.models import Expense, OtherIncome

pytestmark = pytest.mark.django_db


def test_the_money_apps_registered_their_sources():
    registered = {(s.model, s.flow_field) for s in sources.cash_sources()}
    assert registered == {
        (Round, "jimpitan"),
        (OtherIncome, "other_income"),
        (Expense, "expenses"),
        (Adjustment, "adjustments"),
        (Handover, "adjustments"),  # a handover's shortfall or surplus against its rounds
        (CatchUp, "catch_ups"),  # jimpitan paid later or ahead, on its own line
    }


def test_a_newly_registered_source_joins_the_cash_book(kampung, monkeypatch):
    OtherIncome.objects.create(received_on=dt.date(2026, 5, 3), description="Donasi", amount=40_000)
    assert selectors.current_balance() == 40_000
    monkeypatch.setattr(sources, "_sources", dict(sources._sources))
    # The same rows counted a second time under another name: the sum must follow the registry.
    sources.register_cash_source(
        "donations_again", sources.CashSource("other_income", OtherIncome, "received_on", "amount")
    )
    assert selectors.current_balance() == 80_000
    assert selectors.month_summary(dt.date(2026, 5, 1)).other_income == 80_000


def test_an_unknown_figure_is_refused():
    with pytest.raises(ValueError):
        sources.register_cash_source("bad", sources.CashSource("bonus", OtherIncome, "received_on", "amount"))


def test_check_ledger_runs_each_sources_own_check(kampung, monkeypatch):
    monkeypatch.setattr(sources, "_sources", dict(sources._sources))
    sources.register_cash_source(
        "always_wrong",
        sources.CashSource("other_income", OtherIncome, "received_on", "amount", verify=lambda: ["selisih X"]),
    )
    assert "selisih X" in sources.source_mismatches()
