"""A transfer between accounts is neither income nor spending: the public page's figures stay the same."""

import re

import pytest
from django.utils import timezone

from ledger import selectors
from ledger.models import Account, AccountKind, default_account_id
from ledger.services import record_transfer
from nightly.models import Round
from public.cache import invalidate_public_figures
from tests.ledger.factories import hand_over
from tests.public.factories import seed_kampung

pytestmark = pytest.mark.django_db


def _figures(client) -> list[tuple[str, str]]:
    html = client.get("/").content.decode()
    return re.findall(r'data-figure="([^"]+)">([^<]+)<', html)


def test_a_transfer_leaves_every_public_figure_unchanged(client, bendahara):
    today = timezone.localdate()
    seed_kampung(20, 2, today, rts=2, contribution_days=3)
    hand_over(Round.objects.all(), today, bendahara)  # the patrol's money reaches Kas tunai, which is banked
    bank = Account.objects.create(name="BRI Simpedes", kind=AccountKind.BANK)
    before = _figures(client)
    month = selectors.month_summary(today)
    assert before and month.closing > 0
    kas = Account.objects.get(pk=default_account_id())
    amount = min(month.closing, selectors.balance_at(today))
    record_transfer(transfer_date=today, from_account=kas, to_account=bank, amount=amount, user=bendahara)
    invalidate_public_figures()
    assert _figures(client) == before
    assert selectors.month_summary(today) == month
    balances = {row.account.name: row.balance for row in selectors.account_balances()}
    assert balances["BRI Simpedes"] == amount and sum(balances.values()) == selectors.current_balance()
