"""Keliling's sync: taps queued on a phone, sent in batches, stored once each, with the sheet's rules."""

from __future__ import annotations

import datetime as dt
import json
import uuid

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from households.models import HouseholdStatus
from jimpitan.lib.evening import evening_of
from ledger.models import MonthClosing
from nightly.models import Contribution, PhoneTap, Round
from nightly.services import SheetRow, save_sheet, sync_phone_taps
from tests.ledger.factories import hand_over
from tests.nightly.factories import make_rt

pytestmark = pytest.mark.django_db
WIB = dt.timezone(dt.timedelta(hours=7))


def _at(evening: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    """A capture time on the night of `evening`: hours below 6 fall on the next calendar day."""
    day = evening + dt.timedelta(days=1) if hour < 6 else evening
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=WIB)


def _tap(household, state="dibayar", amount=500, at=None, tap_id=None) -> dict:
    at = at or _at(evening_of() - dt.timedelta(days=1), 22)
    return {
        "id": str(tap_id or uuid.uuid4()),
        "household": household.private_code,
        "state": state,
        "amount": amount,
        "captured_at": at.isoformat(),
    }


def _statuses(answers) -> list[str]:
    return [a["status"] for a in answers]


def _ledger_ok():
    call_command("check_ledger")


def test_a_tap_after_midnight_belongs_to_the_evening_before(bendahara):
    rt, (house, other) = make_rt(households=2)
    evening = evening_of() - dt.timedelta(days=2)
    answers = sync_phone_taps(
        user=bendahara, records=[_tap(house, at=_at(evening, 1, 10)), _tap(other, at=_at(evening, 21, 30))]
    )
    assert _statuses(answers) == ["saved", "saved"]
    rnd = Round.objects.get()
    assert rnd.evening == evening and rnd.rt == rt
    assert rnd.total == 1000 and rnd.households_paid == 2 and rnd.households_listed == 2
    assert set(Contribution.objects.values_list("evening", flat=True)) == {evening}


def test_six_in_the_morning_starts_a_new_evening(bendahara):
    _rt, (house,) = make_rt(households=1)
    evening = evening_of() - dt.timedelta(days=2)
    morning = dt.datetime.combine(evening + dt.timedelta(days=1), dt.time(6, 0), tzinfo=WIB)
    sync_phone_taps(user=bendahara, records=[_tap(house, at=morning)])
    assert Contribution.objects.get().evening == evening + dt.timedelta(days=1)


def test_the_same_batch_twice_stores_each_tap_once(bendahara, django_capture_on_commit_callbacks):
    _rt, houses = make_rt(households=3)
    batch = [_tap(h) for h in houses]
    assert _statuses(sync_phone_taps(user=bendahara, records=batch)) == ["saved"] * 3
    version = Round.objects.get().version
    assert _statuses(sync_phone_taps(user=bendahara, records=batch)) == ["duplicate"] * 3
    assert Contribution.objects.count() == 3 and PhoneTap.objects.count() == 3
    assert Round.objects.get().version == version
    # The same tap twice inside one batch, too.
    repeat = _tap(houses[0], state="kosong", amount=0, at=timezone.now())
    assert _statuses(sync_phone_taps(user=bendahara, records=[repeat, repeat])) == ["saved", "duplicate"]
    _ledger_ok()


def test_refusals_say_why(bendahara, petugas):
    rt, (house, gone, other) = make_rt(households=3)
    gone.status = HouseholdStatus.MOVED
    gone.save()
    yesterday = evening_of() - dt.timedelta(days=1)
    closed_evening = evening_of().replace(day=1) - dt.timedelta(days=3)
    MonthClosing.objects.create(month=closed_evening.replace(day=1), closing_balance=0, closed_by=bendahara)
    future = timezone.now() + dt.timedelta(hours=2)
    records = [
        {**_tap(house), "household": "bukan-kode"},
        _tap(gone),
        _tap(house, at=future),
        _tap(house, state="dibayar", amount=None),
        _tap(house, state="hilang"),
        _tap(house, amount=-5),
        _tap(house, amount=10_000_000),
        _tap(other, at=_at(closed_evening, 22)),
        {
            "id": "bukan-uuid",
            "household": house.private_code,
            "state": "dibayar",
            "amount": 500,
            "captured_at": "kemarin",
        },
    ]
    answers = sync_phone_taps(user=bendahara, records=records)
    assert _statuses(answers) == ["refused"] * len(records)
    assert all(a["message"] for a in answers)
    # A petugas may record only the running evening and the one before.
    old = _at(evening_of() - dt.timedelta(days=3), 22)
    assert _statuses(sync_phone_taps(user=petugas, records=[_tap(house, at=old)])) == ["refused"]
    assert _statuses(sync_phone_taps(user=petugas, records=[_tap(house, at=_at(yesterday, 22))])) == ["saved"]
    assert Contribution.objects.count() == 1


def test_a_later_tap_updates_with_history_and_bumps_the_version(bendahara, petugas):
    _rt, (house,) = make_rt(households=1)
    evening = evening_of() - dt.timedelta(days=1)
    sync_phone_taps(user=petugas, records=[_tap(house, state="kosong", amount=0, at=_at(evening, 21))])
    version = Round.objects.get().version
    # A second phone, later the same night: the house paid after all.
    answers = sync_phone_taps(user=bendahara, records=[_tap(house, at=_at(evening, 23))])
    assert _statuses(answers) == ["saved"]
    rnd = Round.objects.get()
    assert rnd.version == version + 1 and rnd.total == 500 and rnd.households_paid == 1
    contribution = Contribution.objects.get()
    assert [h.state for h in contribution.history.order_by("history_date")] == ["kosong", "dibayar"]
    assert set(rnd.collector_users.all()) == {petugas, bendahara}
    _ledger_ok()


def test_an_older_tap_arriving_late_does_not_overwrite_a_newer_value(bendahara, petugas):
    _rt, (house,) = make_rt(households=1)
    evening = evening_of() - dt.timedelta(days=1)
    early = _at(evening, 21)
    # The treasurer's sheet stores Titip after the phone's tap was made, before the phone had signal.
    save_sheet(rt=house.rt, evening=evening, user=bendahara, version=0, rows=[SheetRow(house.pk, "titip", 700)])
    answers = sync_phone_taps(user=petugas, records=[_tap(house, state="kosong", amount=0, at=early)])
    assert _statuses(answers) == ["conflict"]
    assert "Titip" in answers[0]["message"]
    assert Contribution.objects.get().state == "titip"
    assert PhoneTap.objects.get().outcome == "conflict"
    _ledger_ok()


def test_a_sheet_opened_before_a_sync_gets_the_conflict_message(client, bendahara, petugas):
    rt, (house, other) = make_rt(households=2)
    evening = evening_of() - dt.timedelta(days=1)
    save_sheet(rt=rt, evening=evening, user=bendahara, version=0, rows=[SheetRow(house.pk, "dibayar", 500)])
    opened_at = Round.objects.get().version
    sync_phone_taps(user=petugas, records=[_tap(other, state="kosong", amount=0, at=_at(evening, 23))])
    client.force_login(bendahara)
    data = {
        "malam": evening.isoformat(),
        "rt": str(rt.pk),
        "version": str(opened_at),
        "action": "save",
        "collectors": "",
        "counted_cash": "",
        "notes": "",
        f"a-{house.pk}": "500",
        f"s-{house.pk}": "dibayar",
        f"n-{house.pk}": "",
        f"a-{other.pk}": "",
        f"s-{other.pk}": "",
        f"n-{other.pk}": "",
    }
    response = client.post(reverse("nightly:sheet") + f"?malam={evening}&rt={rt.pk}", data)
    assert response.status_code == 409 or "sudah diubah orang lain" in response.content.decode()
    assert Contribution.objects.get(household=other).state == "kosong"


def test_a_total_only_round_is_not_overwritten_by_taps(bendahara):
    from nightly.services import save_total_only_round

    rt, (house,) = make_rt(households=1)
    evening = evening_of() - dt.timedelta(days=1)
    save_total_only_round(rt=rt, evening=evening, user=bendahara, version=0, total=5000)
    assert _statuses(sync_phone_taps(user=bendahara, records=[_tap(house, at=_at(evening, 22))])) == ["refused"]
    assert Round.objects.get().total == 5000


# 500 taps in 2 RTs: first taps of the night (creating) and later taps changing every house (updating).
PINNED_QUERIES = {False: 29, True: 31}
# PostgreSQL takes the ledger lock as a row lock (one SELECT ... FOR UPDATE); SQLite's BEGIN IMMEDIATE needs none.
LEDGER_LOCK_QUERIES = 1 if connection.vendor == "postgresql" else 0


def _batch(rts, per_rt, evening):
    records = []
    for rt_number in range(rts):
        _rt, houses = make_rt(number=rt_number + 1, households=per_rt)
        records += [_tap(h, amount=500 + i % 3 * 100, at=_at(evening, 22, i % 60)) for i, h in enumerate(houses)]
    return records


@pytest.mark.parametrize("update", [False, True])
def test_query_count_does_not_grow_with_records(bendahara, update):
    evening = evening_of() - dt.timedelta(days=1)
    counts = []
    bendahara.has_perm("nightly.add_round")  # the user's permissions are read once and kept on the user
    for number, per_rt in ((1, 5), (2, 250)):  # 10 records in 2 RTs, then 500 in 2 RTs
        MonthClosing.objects.all().delete()
        records = _batch(2, per_rt, evening - dt.timedelta(days=number))
        if update:
            sync_phone_taps(user=bendahara, records=records)
            hour = dt.timedelta(hours=1)
            records = [
                {
                    **r,
                    "id": str(uuid.uuid4()),
                    "state": "kosong",
                    "amount": 0,
                    "captured_at": (dt.datetime.fromisoformat(r["captured_at"]) + hour).isoformat(),
                }
                for r in records
            ]
        with CaptureQueriesContext(connection) as queries:
            answers = sync_phone_taps(user=bendahara, records=records)
        assert set(_statuses(answers)) == {"saved"}
        counts.append(len(queries))
        Round.objects.all().delete()
        from households.models import RT, Household

        Household.objects.all().delete()
        RT.objects.all().delete()
    assert counts[0] == counts[1], counts
    # Per batch: savepoint, ledger lock (PostgreSQL), seen uuids, households, cap, closed months, evenings paid by
    # catch-ups; per (RT, evening):
    # savepoint in and out, round, stored rows, last-written (2), round save and its history, rows, history
    # rows, collectors, taps.
    assert counts == [PINNED_QUERIES[update] + LEDGER_LOCK_QUERIES] * 2, counts


def test_endpoint_needs_a_recorder_and_a_csrf_token(client, petugas, pokja):
    _rt, (house,) = make_rt(households=1)
    url = reverse("keliling:sync")
    body = json.dumps({"records": [_tap(house)]})
    assert client.post(url, body, content_type="application/json").status_code == 302
    client.force_login(pokja)
    assert client.post(url, body, content_type="application/json").status_code == 403
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    strict.force_login(petugas)
    assert strict.post(url, body, content_type="application/json").status_code == 403
    client.force_login(petugas)
    response = client.post(url, body, content_type="application/json")
    assert response.status_code == 200
    assert response.json()["results"][0]["status"] == "saved"
    assert client.post(url, "{bukan json", content_type="application/json").status_code == 400
    assert client.post(url, json.dumps({"records": "x"}), content_type="application/json").status_code == 400


def test_a_chosen_earlier_evening_is_kept_but_never_a_later_one(bendahara):
    _rt, (house, other) = make_rt(households=2)
    evening = evening_of() - dt.timedelta(days=3)
    # The treasurer corrects an earlier evening from the phone today: the record names it.
    late = {**_tap(house, at=timezone.now()), "evening": evening.isoformat()}
    ahead = {**_tap(other, at=_at(evening, 22)), "evening": evening_of().isoformat()}
    assert _statuses(sync_phone_taps(user=bendahara, records=[late, ahead])) == ["saved", "saved"]
    assert dict(Contribution.objects.values_list("household_id", "evening")) == {house.pk: evening, other.pk: evening}


def test_a_sync_invalidates_the_public_figures(bendahara, django_capture_on_commit_callbacks):
    from public.cache import public_cache_version

    _rt, (house,) = make_rt(households=1)
    before = public_cache_version()
    with django_capture_on_commit_callbacks(execute=True):
        sync_phone_taps(user=bendahara, records=[_tap(house)])
    assert public_cache_version() != before


def test_taps_for_a_handed_over_round_are_refused_with_the_reason(bendahara):
    rt, (house, other) = make_rt(households=2)
    evening = evening_of() - dt.timedelta(days=1)
    sync_phone_taps(user=bendahara, records=[_tap(house, at=_at(evening, 21))])
    hand_over([Round.objects.get()], evening_of(), bendahara)
    answers = sync_phone_taps(user=bendahara, records=[_tap(other, at=_at(evening, 22))])
    assert _statuses(answers) == ["refused"] and "diserahkan" in answers[0]["message"]
    assert Round.objects.get().total == 500 and Contribution.objects.count() == 1
