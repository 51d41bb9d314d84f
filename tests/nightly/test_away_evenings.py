"""An away household's evenings (mudik) are neither Kosong nor Tidak diambil anywhere: the sheet, Keliling, the
household's own pages, the participation figures and the meeting recap leave them out."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from households.models import AwayPeriod, AwayReason
from jimpitan.lib.evening import evening_of
from nightly.models import Contribution, Round
from nightly.selectors import EveningStatus, household_month, missed_evenings_recap, participation
from nightly.services import SheetRow, save_sheet
from tests.nightly.factories import make_rt, sheet_post

pytestmark = pytest.mark.django_db

EVENING = evening_of() - dt.timedelta(days=1)


@pytest.fixture
def street():
    """Three houses in RT 03; the middle one (index 1) is away for Lebaran around EVENING."""
    rt, houses = make_rt(households=3)
    AwayPeriod.objects.create(
        household=houses[1],
        starts_on=EVENING - dt.timedelta(days=2),
        ends_on=EVENING + dt.timedelta(days=5),
        reason=AwayReason.MUDIK,
    )
    return rt, houses


def _sheet_url(rt, evening=EVENING):
    return f"{reverse('nightly:sheet')}?malam={evening.isoformat()}&rt={rt.pk}"


# --- the sheet ----------------------------------------------------------------------------------------------


def test_the_sheet_shows_the_away_house_as_mudik_without_inputs(client_as, street):
    rt, houses = street
    response = client_as("bendahara").get(_sheet_url(rt))
    page = response.content.decode()
    assert f'data-away="{houses[1].pk}"' in page and "Mudik" in page
    assert f'name="a-{houses[1].pk}"' not in page and f'name="s-{houses[1].pk}"' not in page
    assert f'name="a-{houses[0].pk}"' in page
    assert response.context["totals"].listed == 2


def test_fill_all_leaves_the_away_house_alone(client_as, street):
    rt, houses = street
    post = sheet_post(
        EVENING, rt, houses, action="fill", amounts={h.pk: "" for h in houses}, states={h.pk: "" for h in houses}
    )
    response = client_as("bendahara").post(reverse("nightly:sheet"), post)
    rows = {line.household.pk: line for line in response.context["rows"]}
    assert rows[houses[0].pk].amount == "500" and rows[houses[2].pk].amount == "500"
    assert rows[houses[1].pk].amount == "" and rows[houses[1].pk].away == "Mudik"


def test_saving_records_nothing_for_the_away_house_and_does_not_list_it(client_as, street):
    rt, houses = street
    # Even a posted value for the away house (a stale page) records nothing for it.
    response = client_as("bendahara").post(reverse("nightly:sheet"), sheet_post(EVENING, rt, houses))
    assert response.status_code == 302
    rnd = Round.objects.get(rt=rt, evening=EVENING)
    assert set(Contribution.objects.filter(round=rnd).values_list("household_id", flat=True)) == {
        houses[0].pk,
        houses[2].pk,
    }
    assert (rnd.households_listed, rnd.households_paid, rnd.total) == (2, 2, 1_000)
    (evening,) = participation(EVENING, EVENING + dt.timedelta(days=1))
    assert (evening.listed, evening.paid, evening.percent) == (2, 2, 100)


def test_an_away_house_that_gave_anyway_keeps_its_row(client_as, bendahara, street):
    rt, houses = street
    save_sheet(rt=rt, evening=EVENING, user=bendahara, version=0, rows=[SheetRow(houses[1].pk, "titip", 500)])
    rnd = Round.objects.get(rt=rt, evening=EVENING)
    # Reopened and saved from the page: the stored row is shown with its inputs and kept.
    post = sheet_post(EVENING, rt, houses, version=rnd.version, states={houses[1].pk: "titip"})
    assert client_as("bendahara").post(reverse("nightly:sheet"), post).status_code == 302
    assert Contribution.objects.get(household=houses[1]).state == "titip"
    months = {e.evening: e for e in household_month(houses[1], EVENING, until=EVENING)}
    assert months[EVENING].status is EveningStatus.LEFT_WITH_NEIGHBOUR


def test_the_sheet_query_count_does_not_grow_with_away_houses(client_as, django_assert_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    rt, houses = make_rt(households=6)
    client = client_as("bendahara")
    client.get(_sheet_url(rt))
    with CaptureQueriesContext(connection) as before:
        client.get(_sheet_url(rt))
    for house in houses[:4]:
        AwayPeriod.objects.create(household=house, starts_on=EVENING, ends_on=EVENING)
    with django_assert_num_queries(len(before.captured_queries)):
        client.get(_sheet_url(rt))


# --- Keliling -----------------------------------------------------------------------------------------------


def test_the_keliling_route_marks_the_away_house(client_as, street):
    rt, houses = street
    response = client_as("petugas").get(reverse("keliling:route", args=[rt.pk, EVENING.isoformat()]))
    assert [h["away"] for h in response.json()["households"]] == ["", "Mudik", ""]
    after = EVENING + dt.timedelta(days=6)  # the period ended by itself
    response = client_as("petugas").get(reverse("keliling:route", args=[rt.pk, after.isoformat()]))
    assert [h["away"] for h in response.json()["households"]] == ["", "", ""]


# --- the household's pages ----------------------------------------------------------------------------------


def test_an_empty_container_while_away_is_mudik_not_kosong(bendahara, street):
    rt, houses = street
    save_sheet(
        rt=rt,
        evening=EVENING,
        user=bendahara,
        version=0,
        rows=[SheetRow(houses[0].pk, "dibayar", 500), SheetRow(houses[1].pk, "kosong", 0)],
    )
    evenings = {e.evening: e for e in household_month(houses[1], EVENING, until=EVENING)}
    assert evenings[EVENING].status is EveningStatus.AWAY and evenings[EVENING].label == "Mudik"
    assert not evenings[EVENING].status.missed
    before = EVENING - dt.timedelta(days=3)
    if before.month == EVENING.month:
        assert evenings[before].status is not EveningStatus.AWAY


def test_the_public_page_shows_mudik_and_no_whatsapp_link(client, bendahara, street):
    rt, houses = street
    save_sheet(rt=rt, evening=EVENING, user=bendahara, version=0, rows=[SheetRow(houses[0].pk, "dibayar", 500)])
    response = client.get(f"/h/{houses[1].private_code}/?bulan={EVENING:%Y-%m}", follow=True)
    page = response.content.decode()
    assert response.status_code == 200
    assert 'data-status="away"' in page and "Mudik" in page
    assert 'data-status="not_collected"' not in page
    assert "wa.me" not in page


def test_the_register_panel_counts_away_evenings_apart(client_as, bendahara, street):
    rt, houses = street
    save_sheet(rt=rt, evening=EVENING, user=bendahara, version=0, rows=[SheetRow(houses[0].pk, "dibayar", 500)])
    response = client_as("pokja").get(
        reverse("nightly:household_month", args=[houses[1].pk]) + f"?bulan={EVENING:%Y-%m}"
    )
    counts = response.context["household_month"]["counts"]
    assert counts.not_collected == 0 and counts.empty == 0 and counts.away >= 1
    assert "Sedang pergi:" in response.content.decode()


# --- the meeting recap --------------------------------------------------------------------------------------


def test_the_meeting_recap_leaves_away_evenings_out(bendahara, street):
    rt, houses = street
    save_sheet(
        rt=rt,
        evening=EVENING,
        user=bendahara,
        version=0,
        rows=[SheetRow(houses[0].pk, "dibayar", 500), SheetRow(houses[1].pk, "kosong", 0)],
    )
    recap = {r.household.pk: r for r in missed_evenings_recap(EVENING)}
    assert houses[1].pk not in recap  # empty while away: not held against it
    assert recap[houses[2].pk].not_collected == 1  # not away: still counted
    AwayPeriod.objects.all().delete()
    recap = {r.household.pk: r for r in missed_evenings_recap(EVENING)}
    assert recap[houses[1].pk].empty == 1


def test_the_nightly_whatsapp_recap_does_not_count_an_away_house_as_kosong(bendahara, street):
    from nightly.selectors import evening_recaps

    rt, houses = street
    save_sheet(
        rt=rt,
        evening=EVENING,
        user=bendahara,
        version=0,
        rows=[SheetRow(houses[0].pk, "kosong", 0), SheetRow(houses[1].pk, "kosong", 0)],
    )
    (recap,) = evening_recaps(EVENING, with_addresses=True)
    assert recap.empty == 1 and recap.empty_addresses == (houses[0].address,)
