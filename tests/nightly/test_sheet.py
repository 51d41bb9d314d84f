"""The nightly sheet page: open, fill, save, correct, conflict, bad input, without JavaScript."""

import datetime as dt

import pytest
from django.urls import reverse

from jimpitan.lib.evening import evening_of
from nightly.models import Contribution, Round
from tests.nightly.factories import make_rt, sheet_post

pytestmark = pytest.mark.django_db
URL = reverse("nightly:sheet")


def _url(evening, rt):
    return f"{URL}?malam={evening.isoformat()}&rt={rt.pk}"


def test_sheet_lists_active_households_in_route_order(client_as):
    rt, households = make_rt(households=3)
    households[0].route_position = 9
    households[0].save()
    moved = households[1]
    moved.status, moved.moved_on = "pindah", dt.date(2026, 1, 1)
    moved.save()
    page = client_as("bendahara").get(_url(evening_of(), rt)).content.decode()
    assert "Isi semua dengan jumlah biasa" in page
    assert moved.head_name not in page
    assert page.index(households[2].head_name) < page.index(households[0].head_name)


def test_default_evening_is_the_running_one(client_as):
    make_rt(households=1)
    response = client_as("bendahara").get(URL)
    assert response.context["evening"] == evening_of()


def test_save_redirects_and_reopening_shows_the_values(client_as):
    rt, households = make_rt(households=3)
    client = client_as("bendahara")
    data = sheet_post(
        evening_of(),
        rt,
        households,
        amounts={households[1].pk: "0"},
        states={households[1].pk: "kosong"},
        counted_cash="1.000",
        collectors="Pak Budi",
    )
    response = client.post(URL, data)
    assert response.status_code == 302
    rnd = Round.objects.get()
    assert (rnd.total, rnd.households_paid, rnd.counted_cash, rnd.collectors) == (1000, 2, 1000, "Pak Budi")
    page = client.get(response["Location"]).content.decode()
    assert "disimpan: Rp 1.000 dari 2 rumah" in page
    assert f'name="s-{households[1].pk}" id="s-{households[1].pk}-kosong" value="kosong" checked' in page
    assert 'name="version" value="1"' in page


def test_fill_without_javascript_fills_only_untouched_rows(client_as):
    rt, households = make_rt(households=3, usual_amount=300)
    data = sheet_post(
        evening_of(),
        rt,
        households,
        action="fill",
        amounts={households[0].pk: "", households[1].pk: "1000", households[2].pk: ""},
        states={households[0].pk: "", households[1].pk: "dibayar", households[2].pk: "kosong"},
    )
    response = client_as("bendahara").post(URL, data)
    assert response.status_code == 200
    rows = {row.household.pk: row for row in response.context["rows"]}
    assert (rows[households[0].pk].amount, rows[households[0].pk].state) == ("300", "dibayar")
    assert rows[households[1].pk].amount == "1000"
    assert rows[households[2].pk].state == "kosong"
    assert response.context["totals"].total == 1300
    assert not Round.objects.exists()


@pytest.mark.parametrize(
    "bad,message",
    [
        ("-500", "Jumlah tidak boleh negatif"),
        ("lima ratus", "Tulis jumlah dalam Rupiah"),
        ("500,5", "Tulis jumlah dalam Rupiah"),
        ("20.000", "batas wajar"),
    ],
)
def test_bad_amount_shows_error_beside_row_and_keeps_input(client_as, bad, message):
    rt, households = make_rt(households=3)
    client = client_as("bendahara")
    data = sheet_post(evening_of(), rt, households, amounts={households[1].pk: bad})
    response = client.post(URL, data)
    assert response.status_code == 400
    page = response.content.decode()
    assert f'id="e-{households[1].pk}"' in page and message in page
    assert f'value="{bad}"' in page
    assert not Round.objects.exists() and not Contribution.objects.exists()


def test_future_evening_is_refused(client_as):
    rt, households = make_rt(households=1)
    tomorrow = evening_of() + dt.timedelta(days=1)
    client = client_as("bendahara")
    assert "belum terjadi" in client.get(_url(tomorrow, rt)).content.decode()
    assert client.post(URL, sheet_post(tomorrow, rt, households)).status_code == 403
    assert not Round.objects.exists()


def test_two_editors_second_is_refused_and_input_shown_again(client, bendahara, superuser):
    rt, households = make_rt(households=2)
    evening = evening_of()
    client.force_login(bendahara)
    client.post(URL, sheet_post(evening, rt, households))
    # Both open version 1. Siti saves first; Budi's save must not silently overwrite hers.
    client.post(URL, sheet_post(evening, rt, households, version=1, amounts={households[0].pk: "1000"}))
    client.force_login(superuser)
    response = client.post(URL, sheet_post(evening, rt, households, version=1, amounts={households[1].pk: "700"}))
    assert response.status_code == 409
    page = response.content.decode()
    assert "sudah diubah orang lain sejak lembar ini dibuka" in page
    assert 'value="700"' in page  # his input is not lost
    assert "Tersimpan:" in page  # and he sees what is stored where it differs
    rnd = Round.objects.get()
    assert (rnd.version, rnd.total) == (2, 1500)
    # Saving again after seeing the difference is a deliberate overwrite (the form now carries version 2).
    assert 'name="version" value="2"' in page
    again = client.post(URL, sheet_post(evening, rt, households, version=2, amounts={households[1].pk: "700"}))
    assert again.status_code == 302
    assert Round.objects.get().total == 1200


def test_double_submit_through_the_page(client_as):
    rt, households = make_rt(households=3)
    client = client_as("bendahara")
    data = sheet_post(evening_of(), rt, households)
    assert client.post(URL, data).status_code == 302
    second = client.post(URL, data, follow=True)
    assert "sudah tersimpan" in second.content.decode()
    assert Round.objects.count() == 1 and Contribution.objects.count() == 3


def test_typed_amount_without_state_counts_as_paid(client_as):
    rt, households = make_rt(households=2)
    data = sheet_post(
        evening_of(),
        rt,
        households,
        amounts={households[0].pk: "1.000", households[1].pk: "0"},
        states={households[0].pk: "", households[1].pk: ""},
    )
    client_as("bendahara").post(URL, data)
    assert dict(Contribution.objects.values_list("household_id", "state")) == {
        households[0].pk: "dibayar",
        households[1].pk: "kosong",
    }


def test_saved_round_still_lists_a_household_that_moved_since(client_as):
    rt, households = make_rt(households=2)
    client = client_as("bendahara")
    client.post(URL, sheet_post(evening_of(), rt, households))
    households[0].status, households[0].moved_on = "pindah", dt.date(2026, 1, 1)
    households[0].save()
    page = client.get(_url(evening_of(), rt)).content.decode()
    assert households[0].head_name in page
    assert client.post(URL, sheet_post(evening_of(), rt, households, version=1)).status_code == 302


def _request(client, url, data=None):
    response = client.post(url, data) if data is not None else client.get(url)
    assert response.status_code in (200, 302), response.status_code
    return response


@pytest.mark.parametrize("scenario", ["get_new", "post_new", "get_saved", "post_correction"])
def test_query_count_does_not_grow_with_households(client_as, scenario, django_assert_num_queries):
    """GET and POST of the sheet run the same number of queries for 10 and for 500 households."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = client_as("bendahara")
    client.get(URL)  # warm up: the first request also checks that first-run setup is done
    counted = None
    for number, size in ((1, 10), (2, 500)):
        rt, households = make_rt(number=number, households=size)
        evening = evening_of()
        if scenario in ("get_saved", "post_correction"):
            client.post(URL, sheet_post(evening, rt, households))
        url, data = _url(evening, rt), None
        if scenario.startswith("post"):
            # A correction changes a few rows and removes one, so update and delete both run.
            amounts = {households[0].pk: "1000", households[1].pk: "200"}
            data = sheet_post(
                evening,
                rt,
                households,
                version=1 if scenario == "post_correction" else 0,
                amounts=amounts,
                states={households[2].pk: "kosong"},
            )
            if scenario == "post_correction":
                data[f"s-{households[3].pk}"], data[f"a-{households[3].pk}"] = "", ""
            url = URL
        if counted is None:
            with CaptureQueriesContext(connection) as captured:
                _request(client, url, data)
            counted = len(captured)
        else:
            with django_assert_num_queries(counted):
                _request(client, url, data)
    if scenario == "post_new":
        assert Round.objects.get(rt__number=2).households_listed == 500
        assert Contribution.objects.filter(round__rt__number=2).count() == 500
