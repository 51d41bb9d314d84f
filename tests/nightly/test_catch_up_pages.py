"""The catch-up pages (issue 17 section 1): recording a rapel or paying ahead from a household's page, the list
with its delete, and the arrears view that exists only where the kampung turned it on."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from jimpitan.models import KampungProfile
from ledger.models import Account, default_account_id
from ledger.services import close_month
from nightly.models import CatchUp, CatchUpEvening
from nightly.services import record_catch_up
from tests.access import ROLES
from tests.ledger.factories import save_round
from tests.nightly.factories import make_rt

pytestmark = pytest.mark.django_db

NOV = {d: dt.date(2026, 11, d) for d in range(1, 31)}
OCT_5 = dt.date(2026, 10, 5)


@pytest.fixture
def rt(kampung):
    return make_rt(number=3, households=3)


@pytest.fixture
def missed(rt, bendahara):
    """The first house's container was empty on the 2nd and the 3rd of November."""
    for day in (2, 3, 4):
        save_round(*rt, NOV[day], bendahara, states={rt[1][0].pk: "kosong"} if day < 4 else None)
    return rt[1][0]


def _post(client, house, **data):
    base = {"paid_on": "2026-11-20", "account": default_account_id(), "amount": "1.000"}
    return client.post(reverse("nightly:catch_up_create", args=[house.pk]), {**base, **data})


def _arrears_on(on: bool = True) -> None:
    KampungProfile.objects.update(arrears_enabled=on)


@pytest.mark.parametrize("role", ROLES)
def test_status_codes_per_role(client_as, role, missed):
    _arrears_on()
    client = client_as(role)
    expected = {
        "anonymous": (302, 302, 302),
        "petugas": (403, 403, 403),
        "pokja": (403, 200, 403),
        "bendahara": (200, 200, 200),
    }[role]
    urls = (
        reverse("nightly:catch_up_create", args=[missed.pk]),
        reverse("nightly:catch_up_list"),
        reverse("nightly:arrears"),
    )
    assert tuple(client.get(url).status_code for url in urls) == expected


def test_the_form_lists_the_missed_evenings_and_saves_them(client_as, missed):
    client = client_as("bendahara")
    page = client.get(reverse("nightly:catch_up_create", args=[missed.pk])).content.decode()
    assert 'value="2026-11-02"' in page and 'value="2026-11-03"' in page and 'value="2026-11-04"' not in page
    response = _post(client, missed, evenings=["2026-11-02", "2026-11-03"])
    assert response.status_code == 302 and response.url == reverse("households:detail", args=[missed.pk])
    catch_up = CatchUp.objects.get()
    assert (catch_up.amount, catch_up.paid_on, catch_up.recorded_by.username) == (1_000, NOV[20], "bendahara")
    assert sorted(CatchUpEvening.objects.values_list("evening", flat=True)) == [NOV[2], NOV[3]]
    detail = client.get(reverse("households:detail", args=[missed.pk])).content.decode()
    assert "Rapel jimpitan 2 malam" in detail and 'data-status="caught_up"' in detail
    listing = client.get(reverse("nightly:catch_up_list")).content.decode()
    assert missed.address in listing and "Rp 1.000" in listing


def test_an_empty_amount_is_suggested_from_the_usual_amount(client_as, missed):
    response = _post(
        client_as("bendahara"),
        missed,
        evenings=["2026-11-02"],
        ahead_from="2026-12-01",
        ahead_until="2026-12-03",
        amount="",
    )
    assert response.status_code == 200 and not CatchUp.objects.exists()
    page = response.content.decode()
    assert 'value="2.000"' in page and "4 malam × Rp 500" in page  # the suggestion, to check and save


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"evenings": []}, "evenings", "Pilih malam yang dirapel"),
        ({"evenings": ["2026-11-02"], "amount": "-5"}, "amount", "Jumlah tidak boleh negatif"),
        ({"evenings": ["2026-11-02"], "paid_on": "2026-12-25"}, "paid_on", "Tanggal bayar belum terjadi"),
        ({"ahead_from": "2026-12-05", "ahead_until": "2026-12-01"}, "ahead_until", "sebelum tanggal awal"),
        ({"ahead_from": "2026-12-05"}, "ahead_until", "Isi kedua tanggal"),
        ({"evenings": ["2026-11-04"]}, "evenings", "tidak bisa dipilih lagi"),  # a paid evening is no choice
    ],
)
def test_bad_input_is_named_next_to_its_field_and_nothing_is_saved(client_as, missed, data, field, message):
    response = _post(client_as("bendahara"), missed, **data)
    assert response.status_code == 200 and not CatchUp.objects.exists()
    page = response.content.decode()
    assert message in page and f"id_{field}" in page


def test_paying_ahead_over_an_evening_already_paid_is_refused_whole(client_as, missed, bendahara):
    record_catch_up(
        household=missed,
        paid_on=NOV[20],
        amount=500,
        account=_kas(),
        evenings=[dt.date(2026, 12, 2)],
        recorded_by=bendahara,
    )
    response = _post(client_as("bendahara"), missed, ahead_from="2026-12-01", ahead_until="2026-12-03")
    assert response.status_code == 200 and "2 Desember 2026 sudah dibayar" in response.content.decode()
    assert CatchUp.objects.count() == 1 and CatchUpEvening.objects.count() == 1


def test_a_closed_month_is_named_next_to_the_date(client_as, missed, superuser):
    save_round(missed.rt, [missed], OCT_5, superuser)
    close_month(dt.date(2026, 10, 1), superuser, today=NOV[2])
    response = _post(client_as("bendahara"), missed, evenings=["2026-11-02"], paid_on="2026-10-20")
    assert response.status_code == 200 and "sudah ditutup" in response.content.decode()
    assert not CatchUp.objects.exists()


def test_delete_from_the_list(client_as, missed, bendahara):
    catch_up = record_catch_up(
        household=missed, paid_on=NOV[20], amount=500, account=_kas(), evenings=[NOV[2]], recorded_by=bendahara
    )
    client = client_as("pokja")
    assert client.post(reverse("nightly:catch_up_delete", args=[catch_up.pk])).status_code == 403
    client = client_as("bendahara")
    assert client.post(reverse("nightly:catch_up_delete", args=[catch_up.pk])).status_code == 302
    assert not CatchUp.objects.exists() and not CatchUpEvening.objects.exists()


def test_arrears_are_hidden_until_the_kampung_turns_them_on(client_as, missed, bendahara):
    client = client_as("bendahara")
    assert client.get(reverse("nightly:arrears")).status_code == 404
    report = client.get(reverse("reports:month", args=["2026-11"])).content.decode()
    assert 'data-arrears="month"' not in report
    profile = client.get(reverse("profile")).content.decode()
    assert 'name="arrears_enabled"' in profile
    _arrears_on()
    page = client.get(reverse("nightly:arrears"), {"dari": "2026-11"}).content.decode()
    assert f'data-household="{missed.pk}"' in page and 'data-figure="arrears-evenings">2<' in page
    assert 'data-figure="arrears-estimate">Rp 1.000<' in page
    record_catch_up(
        household=missed, paid_on=NOV[20], amount=500, account=_kas(), evenings=[NOV[2]], recorded_by=bendahara
    )
    page = client.get(reverse("nightly:arrears"), {"dari": "2026-11"}).content.decode()
    assert 'data-figure="arrears-evenings">1<' in page
    report = client.get(reverse("reports:month", args=["2026-11"])).content.decode()
    assert "Tunggakan bulan ini: 1 malam dari 1 rumah (perkiraan Rp 500)" in report


def _kas() -> Account:
    return Account.objects.get(pk=default_account_id())


# Measured with one RT and with two (more households, more evenings, more catch-ups): the same; six of them are
# nightly.selectors.missed_evenings (the away periods among them).
ARREARS_PAGE_QUERIES = 12


def test_the_arrears_page_costs_the_same_whatever_the_households_and_history(client_as, bendahara):
    _arrears_on()
    client = client_as("bendahara")
    url = reverse("nightly:arrears")
    counts = []
    for number in (1, 2):
        rt = make_rt(number=number, households=3 * number)
        for day in range(2, 2 + 5 * number):
            save_round(*rt, NOV[day], bendahara, states={rt[1][0].pk: "kosong"})
        record_catch_up(
            household=rt[1][0], paid_on=NOV[20], amount=500, account=_kas(), evenings=[NOV[2]], recorded_by=bendahara
        )
        client.get(url)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        counts.append(len(queries))
    assert counts == [ARREARS_PAGE_QUERIES] * 2, counts
