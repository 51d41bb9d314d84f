"""Catch-up payments (rapel) and paying ahead (issue 17 section 1): income of the day paid into an account, linked
to the evenings they pay (closed months' figures untouched), shown on the household's pages, the sheet and the
phone; one payment per household and evening, kept by the database too."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import DatabaseError, connection, transaction
from django.urls import reverse

from households.models import HouseholdStatus
from ledger import selectors
from ledger.models import Account, AccountKind, MonthClosing, default_account_id
from ledger.services import close_month
from ledger.sources import source_mismatches
from nightly import services
from nightly.models import CatchUp, CatchUpEvening, Contribution
from nightly.selectors import EveningStatus, household_month, missed_evenings
from nightly.services import SheetRow, record_catch_up, save_sheet
from reports import data
from tests.ledger.factories import save_round
from tests.nightly.factories import make_rt

pytestmark = pytest.mark.django_db

OCT = {d: dt.date(2026, 10, d) for d in range(1, 32)}
NOV = {d: dt.date(2026, 11, d) for d in range(1, 31)}
DEC = {d: dt.date(2026, 12, d) for d in range(1, 32)}


@pytest.fixture
def rt(kampung):
    return make_rt(number=3, households=4)


def _kas() -> Account:
    return Account.objects.get(pk=default_account_id())


def _catch_up(user, household, evenings, *, paid_on=NOV[20], amount=None, account=None, note=""):
    return record_catch_up(
        household=household,
        paid_on=paid_on,
        amount=500 * len(evenings) if amount is None else amount,
        account=account or _kas(),
        evenings=evenings,
        recorded_by=user,
        note=note,
    )


def _raw(sql: str, params=()):
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, params)


def _figures(response) -> list[tuple[str, str]]:
    """Every figure the page names (data-figure), in order."""
    return re.findall(r'data-figure="([^"]+)"[^>]*>([^<]*)<', response.content.decode())


def _missed_october(rt, user):
    """Two October rounds in which the first house was empty, then the third; October closed."""
    houses = rt[1]
    save_round(*rt, OCT[5], user, states={houses[0].pk: "kosong"})
    save_round(*rt, OCT[6], user, states={houses[0].pk: "kosong", houses[2].pk: "kosong"})


def test_a_catch_up_is_income_of_the_day_paid_on_its_own_line(bendahara, rt):
    bank = Account.objects.create(name="BRI", kind=AccountKind.BANK)
    _catch_up(bendahara, rt[1][0], [NOV[2], NOV[3]], amount=1_200, account=bank)
    november = selectors.month_summary(NOV[1])
    assert (november.catch_ups, november.jimpitan, november.income) == (1_200, 0, 1_200)
    assert {b.account.name: b.balance for b in selectors.account_balances()}["BRI"] == 1_200
    assert selectors.balance_at(NOV[19]) == 0 and selectors.balance_at(NOV[20]) == 1_200
    report = data.build(NOV[1])
    line = [line for line in data.cash_lines(report) if line.kind == "Rapel jimpitan"]
    assert [(line.day, line.amount_in) for line in line] == [(NOV[20], 1_200)]
    assert "2 malam" in line[0].description and rt[1][0].address not in line[0].description
    assert data.cash_lines(report)[-1].balance == report.summary.closing


def test_a_catch_up_into_a_closed_month_changes_none_of_its_figures(superuser, bendahara, rt, client_as):
    _missed_october(rt, bendahara)
    close_month(OCT[1], superuser, today=NOV[2])
    closing = MonthClosing.objects.get(month=OCT[1])
    before = (selectors.month_summary(OCT[1]), closing.closing_balance, closing.seal)
    october_report = _figures(client_as("pokja").get(reverse("reports:month", args=["2026-10"])))
    house = rt[1][0]
    _catch_up(bendahara, house, [OCT[5], OCT[6]], paid_on=NOV[20])
    closing = MonthClosing.objects.get(month=OCT[1])
    assert (selectors.month_summary(OCT[1]), closing.closing_balance, closing.seal) == before
    assert _figures(client_as("pokja").get(reverse("reports:month", args=["2026-10"]))) == october_report
    assert "catch-ups" not in october_report
    assert selectors.month_summary(NOV[1]).catch_ups == 1_000
    # The household's own page and the register show the evenings as caught up, with the day paid.
    october = {e.evening: e for e in household_month(house, OCT[1])}
    assert october[OCT[5]].status is EveningStatus.CAUGHT_UP and october[OCT[5]].paid_on == NOV[20]
    page = client_as("bendahara").get(reverse("households:detail", args=[house.pk]), {"bulan": "2026-10"})
    assert "Dirapel" in page.content.decode() and "20 November 2026" in page.content.decode()
    client = client_as("pokja")
    client.logout()
    public = client.get(f"/h/{house.private_code}/", {"bulan": "2026-10"}, follow=True).content.decode()
    assert public.count('data-status="caught_up"') == 2 and "dibayar 20 Nov 2026" in public
    assert "Rapel jimpitan 2 malam (Senin, 5 Oktober 2026 – Selasa, 6 Oktober 2026)" in public


def test_a_catch_up_dated_in_a_closed_month_is_refused(superuser, bendahara, rt):
    close_month(OCT[1], superuser, today=NOV[2])
    with pytest.raises(ValidationError) as refusal:
        _catch_up(bendahara, rt[1][0], [OCT[3]], paid_on=OCT[20])
    assert refusal.value.code == "month_closed"
    assert not CatchUp.objects.exists() and not CatchUpEvening.objects.exists()


def test_an_evening_is_paid_once(bendahara, rt):
    house = rt[1][0]
    save_round(*rt, NOV[2], bendahara)  # the house paid on the 2nd
    with pytest.raises(ValidationError) as refusal:
        _catch_up(bendahara, house, [NOV[1], NOV[2]])
    assert "evenings" in refusal.value.message_dict
    _catch_up(bendahara, house, [NOV[1]])
    with pytest.raises(ValidationError):
        _catch_up(bendahara, house, [NOV[1], NOV[4]])
    assert CatchUpEvening.objects.count() == 1 and CatchUp.objects.count() == 1  # nothing half-saved


def test_bad_input_is_named_by_field(bendahara, rt):
    with pytest.raises(ValidationError) as refusal:
        _catch_up(bendahara, rt[1][0], [], amount=0, paid_on=DEC[25])
    assert set(refusal.value.message_dict) == {"amount", "evenings", "paid_on"}


def test_only_the_treasurer_records_and_deletes(petugas, pokja, bendahara, rt):
    for user in (petugas, pokja):
        with pytest.raises(PermissionDenied):
            _catch_up(user, rt[1][0], [NOV[1]])
    catch_up = _catch_up(bendahara, rt[1][0], [NOV[1]])
    with pytest.raises(PermissionDenied):
        services.delete_catch_up(catch_up=catch_up, user=pokja)
    services.delete_catch_up(catch_up=catch_up, user=bendahara)
    assert not CatchUpEvening.objects.exists() and selectors.current_balance() == 0


def test_paying_ahead_on_the_sheet(bendahara, rt, client_as):
    house, other = rt[1][0], rt[1][1]
    _catch_up(bendahara, house, [NOV[28], NOV[29], DEC[1]], paid_on=NOV[25])
    url = reverse("nightly:sheet")
    page = client_as("bendahara").get(url, {"malam": "2026-11-28", "rt": rt[0].pk}).content.decode()
    assert f'data-covered="ahead" data-household="{house.pk}"' in page and "Sudah dibayar di muka" in page
    assert f'name="a-{house.pk}"' not in page and f'name="a-{other.pk}"' in page
    # "Isi semua" without JavaScript fills the others only.
    post = {"malam": "2026-11-28", "rt": rt[0].pk, "version": 0, "action": "fill"}
    filled = client_as("bendahara").post(url, post).content.decode()
    assert f'name="a-{other.pk}" value="500"' in filled and f'name="a-{house.pk}"' not in filled
    # A save that still names the house (an old page, a crafted post) records nothing for it.
    rows = [SheetRow(h.pk, "dibayar", 500) for h in rt[1]]
    result = save_sheet(rt=rt[0], evening=NOV[28], user=bendahara, version=0, rows=rows)
    assert not Contribution.objects.filter(household=house).exists()
    assert result.round.total == 1_500 and result.round.households_paid == 3


def test_paying_ahead_on_the_phone(bendahara, rt, client_as):
    house = rt[1][0]
    _catch_up(bendahara, house, [NOV[29], NOV[30]], paid_on=NOV[25])
    route = client_as("bendahara").get(reverse("keliling:route", args=[rt[0].pk, "2026-11-29"])).json()
    covered = {h["code"]: h["covered"] for h in route["households"]}
    assert covered[house.private_code] == "ahead" and set(covered.values()) == {"ahead", ""}
    answers = services.sync_phone_taps(
        user=bendahara,
        records=[
            {
                "id": "0b0e4c1e-8a3e-4f4f-9d61-2f0f0b5a7c01",
                "household": house.private_code,
                "state": "dibayar",
                "amount": 500,
                "captured_at": "2026-11-29T21:30:00+07:00",
            }
        ],
    )
    assert answers[0]["status"] == "refused" and "dibayar di muka" in answers[0]["message"]
    assert not Contribution.objects.exists()


def test_the_paid_ahead_evening_shows_on_the_household_pages(bendahara, rt, client_as):
    house = rt[1][0]
    _catch_up(bendahara, house, [NOV[28]], paid_on=NOV[25])
    evenings = {e.evening: e for e in household_month(house, NOV[1], until=NOV[30])}
    assert evenings[NOV[28]].status is EveningStatus.PAID_AHEAD and evenings[NOV[28]].paid_on == NOV[25]
    assert evenings[NOV[27]].status is EveningStatus.NO_ROUND


RAW_INSERT = "INSERT INTO nightly_catchupevening (catch_up_id, household_id, evening) VALUES (%s, %s, %s)"


def test_the_database_keeps_one_payment_per_evening(bendahara, rt):
    house, other = rt[1][0], rt[1][1]
    save_round(*rt, NOV[2], bendahara)
    catch_up = _catch_up(bendahara, house, [NOV[3]])
    for params in (
        (catch_up.pk, house.pk, NOV[3]),  # the same evening twice
        (catch_up.pk, house.pk, NOV[2]),  # an evening the house paid at the door
        (catch_up.pk, other.pk, NOV[5]),  # another household than the catch-up's
    ):
        with pytest.raises(DatabaseError):
            _raw(RAW_INSERT, params)
    _raw(RAW_INSERT, (catch_up.pk, house.pk, NOV[5]))
    round_id = Contribution.objects.filter(household=house).values_list("round_id", flat=True).first()
    insert = (
        "INSERT INTO nightly_contribution (round_id, household_id, evening, amount, state, note) "
        "VALUES (%s, %s, %s, %s, %s, '')"
    )
    # A paid contribution on an evening already paid by a catch-up; an empty container is no payment.
    with pytest.raises(DatabaseError):
        _raw(insert, (round_id, house.pk, NOV[3], 500, "dibayar"))
    with pytest.raises(DatabaseError):
        _raw(insert, (round_id, house.pk, NOV[5], 500, "titip"))
    _raw(insert, (round_id, house.pk, NOV[5], 0, "kosong"))
    with pytest.raises(DatabaseError):
        _raw(
            "UPDATE nightly_contribution SET state = 'dibayar', amount = 500 WHERE household_id = %s AND evening = %s",
            (house.pk, NOV[5]),
        )
    with pytest.raises(DatabaseError):
        _raw("UPDATE nightly_catchup SET household_id = %s WHERE id = %s", (other.pk, catch_up.pk))
    with pytest.raises(DatabaseError):
        _raw("UPDATE nightly_catchup SET amount = 0 WHERE id = %s", (catch_up.pk,))


def test_the_database_keeps_a_closed_months_catch_up(superuser, bendahara, rt):
    catch_up = _catch_up(bendahara, rt[1][0], [OCT[3]], paid_on=OCT[20])
    close_month(OCT[1], superuser, today=NOV[2])
    for sql in (
        f"UPDATE nightly_catchup SET amount = 1 WHERE id = {catch_up.pk}",
        f"DELETE FROM nightly_catchupevening WHERE catch_up_id = {catch_up.pk}",
        f"DELETE FROM nightly_catchup WHERE id = {catch_up.pk}",
    ):
        with pytest.raises(DatabaseError):
            _raw(sql)
    with pytest.raises(DatabaseError):
        _raw(RAW_INSERT, (catch_up.pk, rt[1][0].pk, OCT[4]))
    with pytest.raises(ValidationError):
        services.delete_catch_up(catch_up=catch_up, user=bendahara)
    assert CatchUpEvening.objects.count() == 1


def test_arrears_subtract_the_caught_up_evenings(bendahara, rt):
    houses = rt[1]
    _missed_october(rt, bendahara)
    houses[3].status = HouseholdStatus.EXEMPT
    houses[3].save()
    # The third house is not reached on the 7th (not collected); the exempt fourth is not expected.
    save_sheet(
        rt=rt[0], evening=OCT[7], user=bendahara, version=0, rows=[SheetRow(h.pk, "dibayar", 500) for h in houses[:2]]
    )
    rows = {r.household.pk: r for r in missed_evenings(OCT[1], NOV[1])}
    assert {pk: (r.empty, r.not_collected, r.missed) for pk, r in rows.items()} == {
        houses[0].pk: (2, 0, 2),
        houses[2].pk: (1, 1, 2),
    }
    _catch_up(bendahara, houses[0], [OCT[5]], paid_on=NOV[2])
    _catch_up(bendahara, houses[2], [OCT[6], OCT[7]], paid_on=NOV[2])
    rows = {r.household.pk: r for r in missed_evenings(OCT[1], NOV[1])}
    assert {pk: (r.missed, r.excused, r.estimate) for pk, r in rows.items()} == {houses[0].pk: (1, 1, 500)}


def test_arrears_queries_do_not_grow(bendahara, kampung, django_assert_num_queries):
    def count():
        with django_assert_num_queries(6):  # with the away periods of the window
            missed_evenings(OCT[1], NOV[1])

    rt = make_rt(number=1, households=3)
    save_round(*rt, OCT[5], bendahara, states={rt[1][0].pk: "kosong"})
    _catch_up(bendahara, rt[1][0], [OCT[5]])
    count()
    for number in (2, 4):
        more = make_rt(number=number, households=6)
        for day in (6, 7, 8):
            save_round(*more, OCT[day], bendahara, states={more[1][1].pk: "kosong"})
        _catch_up(bendahara, more[1][1], [OCT[6], OCT[7]])
    count()


def test_a_caught_up_empty_evening_keeps_its_record_when_the_sheet_is_saved_again(bendahara, rt):
    house = rt[1][0]
    first = save_round(*rt, NOV[2], bendahara, states={house.pk: "kosong"})
    _catch_up(bendahara, house, [NOV[2]], paid_on=NOV[20])
    rows = [SheetRow(h.pk, "dibayar", 500) for h in rt[1][1:]] + [SheetRow(house.pk, "", None)]
    save_sheet(rt=rt[0], evening=NOV[2], user=bendahara, version=first.version, rows=rows, notes="dibaca ulang")
    assert Contribution.objects.get(household=house, evening=NOV[2]).state == "kosong"


def test_check_ledger_names_a_catch_up_without_evenings(bendahara, rt):
    catch_up = _catch_up(bendahara, rt[1][0], [NOV[2]])
    assert source_mismatches() == []
    _raw("DELETE FROM nightly_catchupevening WHERE catch_up_id = %s", (catch_up.pk,))
    assert source_mismatches() == [f"Rapel #{catch_up.pk} tanggal 2026-11-20 tidak mencakup satu malam pun"]
