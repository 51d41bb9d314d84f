"""End to end: a write through each real service shows on the cached public page at once."""

import datetime as dt
import re

import pytest
from django.utils import timezone

from households.models import RT, Household
from nightly import services as nightly_services
from nightly.services import SheetRow
from spending import services as spending_services
from spending.models import Expense, OtherIncome

pytestmark = pytest.mark.django_db(transaction=True)


def _balance(client) -> str:
    html = client.get("/").content.decode()
    return re.search(r'data-figure="balance">([^<]+)<', html).group(1).strip()


@pytest.fixture
def setting(roles, bendahara):
    rt = RT.objects.create(number=3)
    household = Household.objects.create(rt=rt, address="No. 1", head_name="Bu Siti", usual_amount=500)
    return rt, household


def test_round_expense_and_income_services_invalidate_the_cached_page(client, setting, bendahara):
    rt, household = setting
    evening = timezone.localdate() - dt.timedelta(days=1)
    assert _balance(client) == "Rp 0"  # now cached

    nightly_services.save_total_only_round(
        rt=rt, evening=evening - dt.timedelta(days=1), user=bendahara, version=0, total=10_000
    )
    assert _balance(client) == "Rp 10.000"

    nightly_services.save_sheet(
        rt=rt,
        evening=evening,
        user=bendahara,
        version=0,
        rows=[SheetRow(household_id=household.pk, state="dibayar", amount=1_000)],
    )
    assert _balance(client) == "Rp 11.000"

    spending_services.save_other_income(
        OtherIncome(received_on=evening, description="Donasi", amount=50_000), user=bendahara
    )
    assert _balance(client) == "Rp 61.000"

    spending_services.save_expense(Expense(spent_on=evening, description="Lampu pos", amount=21_000), user=bendahara)
    assert _balance(client) == "Rp 40.000"
