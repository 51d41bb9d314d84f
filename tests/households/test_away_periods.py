"""Away periods (mudik): the database's rules beneath the ORM, the one-query selector, and the Bendahara's pages."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import DatabaseError, IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from households.models import AwayPeriod, AwayReason
from tests.households.factories import make_household, make_rt

pytestmark = pytest.mark.django_db

LEBARAN = dt.date(2026, 3, 20)


@pytest.fixture
def house():
    return make_household(make_rt(4), "Gg. Kenanga 3", "Sutrisno Wibowo", phone="081234567890")


def _period(household, start, end, reason=AwayReason.MUDIK, note=""):
    return AwayPeriod.objects.create(household=household, starts_on=start, ends_on=end, reason=reason, note=note)


def _raw_insert(household_id: int, start: str, end: str, reason: str = "mudik"):
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO households_awayperiod (household_id, starts_on, ends_on, reason, note) "
            "VALUES (%s, %s, %s, %s, '')",
            [household_id, start, end, reason],
        )


# --- the database's rules, in raw SQL ------------------------------------------------------------------


def test_the_database_refuses_an_end_before_the_start(house):
    with pytest.raises(IntegrityError):
        _raw_insert(house.pk, "2026-03-20", "2026-03-19")
    _raw_insert(house.pk, "2026-03-20", "2026-03-20")  # one evening is a period
    assert AwayPeriod.objects.count() == 1


@pytest.mark.parametrize(
    ("start", "end"),
    [
        ("2026-03-17", "2026-03-17"),  # the first evening
        ("2026-03-27", "2026-04-02"),  # the last evening
        ("2026-03-10", "2026-04-10"),  # around it
        ("2026-03-20", "2026-03-21"),  # inside it
    ],
)
def test_the_database_refuses_overlapping_periods_of_one_household(house, start, end):
    _raw_insert(house.pk, "2026-03-17", "2026-03-27")
    with pytest.raises(DatabaseError):
        _raw_insert(house.pk, start, end)
    assert AwayPeriod.objects.count() == 1


def test_the_database_allows_touching_periods_and_other_households(house):
    neighbour = make_household(house.rt, "Gg. Kenanga 5")
    _raw_insert(house.pk, "2026-03-17", "2026-03-27")
    _raw_insert(house.pk, "2026-03-28", "2026-04-03")  # the next evening: no overlap
    _raw_insert(neighbour.pk, "2026-03-17", "2026-03-27")
    assert AwayPeriod.objects.count() == 3


def test_the_database_refuses_an_update_into_an_overlap(house):
    first = _period(house, dt.date(2026, 3, 1), dt.date(2026, 3, 5))
    second = _period(house, dt.date(2026, 3, 10), dt.date(2026, 3, 15))
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE households_awayperiod SET ends_on = '2026-03-12' WHERE id = %s", [first.pk])
    # Changing a period's own dates is not an overlap with itself.
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE households_awayperiod SET ends_on = '2026-03-14' WHERE id = %s", [second.pk])
    first.refresh_from_db()
    assert first.ends_on == dt.date(2026, 3, 5)


def test_the_database_refuses_an_unknown_reason(house):
    with pytest.raises(IntegrityError):
        _raw_insert(house.pk, "2026-03-20", "2026-03-21", reason="liburan")


# --- the selector ---------------------------------------------------------------------------------------


def test_away_map_reads_every_away_evening_in_one_query(house, django_assert_num_queries):
    other = make_household(house.rt, "Gg. Kenanga 5")
    _period(house, LEBARAN - dt.timedelta(days=3), LEBARAN + dt.timedelta(days=2))
    _period(other, dt.date(2026, 3, 1), dt.date(2026, 3, 2), reason=AwayReason.ILL)
    for year in range(2015, 2025):  # a long history of earlier periods changes nothing
        _period(house, dt.date(year, 6, 1), dt.date(year, 6, 9))
    with django_assert_num_queries(1):
        away = AwayPeriod.objects.away_map(dt.date(2026, 3, 1), dt.date(2026, 3, 18), [house.pk, other.pk])
    assert away == {
        (other.pk, dt.date(2026, 3, 1)): "sakit",
        (other.pk, dt.date(2026, 3, 2)): "sakit",
        (house.pk, dt.date(2026, 3, 17)): "mudik",
        (house.pk, dt.date(2026, 3, 18)): "mudik",
    }


def test_is_away_on_counts_both_ends(house):
    _period(house, dt.date(2026, 3, 17), dt.date(2026, 3, 22))
    assert not house.is_away_on(dt.date(2026, 3, 16))
    assert house.is_away_on(dt.date(2026, 3, 17))
    assert house.is_away_on(dt.date(2026, 3, 22))
    assert not house.is_away_on(dt.date(2026, 3, 23))


# --- the Bendahara's pages ------------------------------------------------------------------------------


def _form(start, end, reason="mudik", note="Mudik ke Klaten"):
    return {"starts_on": start.isoformat(), "ends_on": end.isoformat(), "reason": reason, "note": note}


@pytest.mark.parametrize(("role", "status"), [("petugas", 403), ("pokja", 403), ("bendahara", 200)])
def test_only_the_bendahara_opens_the_away_form(client_as, house, role, status):
    assert client_as(role).get(reverse("households:away_create", args=[house.pk])).status_code == status


def test_the_bendahara_adds_changes_and_deletes_a_period(client_as, house):
    client = client_as("bendahara")
    today = timezone.localdate()
    response = client.post(
        reverse("households:away_create", args=[house.pk]), _form(today, today + dt.timedelta(days=6))
    )
    assert response.status_code == 302 and response["Location"] == house.get_absolute_url()
    period = AwayPeriod.objects.get()
    assert (period.household, period.reason, period.note) == (house, "mudik", "Mudik ke Klaten")
    assert period.history.count() == 1

    page = client.get(house.get_absolute_url()).content.decode()
    assert "Mudik ke Klaten" in page and "sedang pergi" in page
    listing = client.get(reverse("households:list")).content.decode()
    assert "data-away" in listing and "Mudik s.d." in listing

    end = today + dt.timedelta(days=9)
    response = client.post(reverse("households:away_edit", args=[period.pk]), _form(today, end, "bekerja", ""))
    assert response.status_code == 302
    period.refresh_from_db()
    assert (period.ends_on, period.reason) == (end, "bekerja")

    assert client.get(reverse("households:away_delete", args=[period.pk])).status_code == 200
    assert client.post(reverse("households:away_delete", args=[period.pk])).status_code == 302
    assert not AwayPeriod.objects.exists()
    assert "data-away" not in client.get(reverse("households:list")).content.decode()


def test_an_end_before_the_start_is_refused_next_to_the_field(client_as, house):
    response = client_as("bendahara").post(
        reverse("households:away_create", args=[house.pk]), _form(LEBARAN, LEBARAN - dt.timedelta(days=1))
    )
    assert response.status_code == 400
    assert response.context["form"].errors["ends_on"] == ["Tanggal selesai tidak boleh sebelum tanggal mulai."]
    assert not AwayPeriod.objects.exists()


def test_an_overlap_is_refused_and_names_the_other_period(client_as, house):
    _period(house, dt.date(2026, 3, 17), dt.date(2026, 3, 27))
    response = client_as("bendahara").post(
        reverse("households:away_create", args=[house.pk]), _form(dt.date(2026, 3, 25), dt.date(2026, 4, 2))
    )
    assert response.status_code == 400
    (message,) = response.context["form"].errors["starts_on"]
    assert "17 Maret 2026" in message and "27 Maret 2026" in message
    assert AwayPeriod.objects.count() == 1


def test_an_upcoming_period_shows_on_the_list_as_upcoming(client_as, house):
    start = timezone.localdate() + dt.timedelta(days=10)
    _period(house, start, start + dt.timedelta(days=3), reason=AwayReason.ILL)
    _period(house, dt.date(2020, 1, 1), dt.date(2020, 1, 3))  # long over: no badge for it
    listing = client_as("pokja").get(reverse("households:list")).content.decode()
    assert "Sakit mulai" in listing


def test_the_list_query_count_stays_flat_with_away_periods(client_as, house, django_assert_num_queries):
    client = client_as("bendahara")
    client.get(reverse("households:list"))
    with CaptureQueriesContext(connection) as first:
        client.get(reverse("households:list"))
    for n in range(5):
        other = make_household(house.rt, f"Gg. Kenanga {10 + n}")
        _period(other, timezone.localdate(), timezone.localdate() + dt.timedelta(days=2))
    with django_assert_num_queries(len(first.captured_queries)):
        client.get(reverse("households:list"))


def test_the_service_turns_the_database_refusal_into_a_message(house):
    """Two overlapping periods saved at once both pass the form's check; the trigger refuses the second."""
    from households.services import AwayOverlap, save_away_period

    _period(house, dt.date(2026, 3, 17), dt.date(2026, 3, 27))
    with pytest.raises(AwayOverlap):
        save_away_period(
            period=AwayPeriod(household=house, starts_on=dt.date(2026, 3, 27), ends_on=dt.date(2026, 4, 1))
        )
    assert AwayPeriod.objects.count() == 1
