"""The city overview (/ringkasan/): the kampungs that opted in, their month, participation, balance and last
closed month; never a household; a fixed number of queries whatever the number of kampungs."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from households.models import RT, Household
from jimpitan.lib.money import format_rupiah
from jimpitan.models import Kampung
from jimpitan.roles import BENDAHARA, grant_role
from jimpitan.tenancy import FIRST_KAMPUNG_ID, activate
from ledger.models import MonthClosing
from nightly.services import SheetRow, save_sheet
from public.views.overview import overview_summaries

pytestmark = pytest.mark.django_db

URL = "/ringkasan/"
NOW = dt.datetime(2026, 5, 20, 12, 0, tzinfo=ZoneInfo("Asia/Jakarta"))


@pytest.fixture(autouse=True)
def _in_may():
    with time_machine.travel(NOW, tick=False):
        yield


def seed(kampung: Kampung, user, *, amounts: list[int], head: str) -> None:
    """Two households; a round in April and two in May, the first with `amounts`."""
    grant_role(user=user, role=BENDAHARA, kampung_id=kampung.pk)  # one treasurer records for every kampung here
    with activate(kampung.pk):
        rt = RT.objects.create(number=3)
        houses = [
            Household.objects.create(rt=rt, address=f"Gang {head} {n}", head_name=f"{head} {n}", route_position=n)
            for n in (1, 2)
        ]

        def sheet(evening: dt.date, paid: list[int]) -> None:
            rows = [SheetRow(h.pk, "dibayar" if a else "kosong", a) for h, a in zip(houses, paid, strict=True)]
            save_sheet(rt=rt, evening=evening, user=user, version=0, rows=rows)

        sheet(dt.date(2026, 4, 10), [1000, 1000])
        sheet(dt.date(2026, 5, 10), amounts)
        sheet(dt.date(2026, 5, 11), [500, 500])


def close_april(kampungs: list[Kampung], user) -> None:
    """After every kampung's April rounds: a closed month refuses new rows of that month."""
    for kampung in kampungs:
        with activate(kampung.pk):
            MonthClosing.objects.create(month=dt.date(2026, 4, 1), closing_balance=2000, closed_by=user)


def add_kampung(slug: str, *, publishes: bool = True, suspended: bool = False) -> Kampung:
    return Kampung.objects.create(
        slug=slug, name=f"Kampung {slug.title()}", publishes_overview=publishes, is_suspended=suspended
    )


def figures(body: str, name: str) -> str:
    start = body.index(name)
    return body[start : body.index("</section>", start)]


def test_shows_only_kampungs_that_opted_in_with_their_figures(client, bendahara, settings):
    settings.JIMPITAN_KAMPUNG_ROUTING = "path"
    sari, mekar = add_kampung("sari"), add_kampung("mekar", publishes=False)
    jaya = add_kampung("jaya", suspended=True)
    for kampung in (sari, mekar, jaya):
        seed(kampung, bendahara, amounts=[700, 0], head=f"Warga{kampung.slug}")
    close_april([sari, mekar, jaya], bendahara)
    response = client.get(URL)
    assert response.status_code == 200
    body = response.content.decode()
    assert "Kampung Sari" in body and "Kampung Mekar" not in body and "Kampung Jaya" not in body
    sari_part = figures(body, "Kampung Sari")
    assert 'href="/k/sari/"' in sari_part
    assert format_rupiah(1700) in sari_part  # May: 700 + 500 + 500
    assert "75%" in sari_part  # 3 of 4 listed households paid in May
    assert format_rupiah(3700) in sari_part  # the balance: April 2,000 + May 1,700
    assert "Apr 2026" in sari_part and format_rupiah(2000) in sari_part
    assert "Wargasari" not in body and "Gang" not in body  # no household at all


def test_query_count_does_not_grow_with_kampungs(client, bendahara):
    seed(add_kampung("satu"), bendahara, amounts=[500, 500], head="Satu")
    with CaptureQueriesContext(connection) as one:
        assert client.get(URL).status_code == 200
    for slug in ("dua", "tiga"):
        seed(add_kampung(slug), bendahara, amounts=[500, 0], head=slug)
    cache.clear()
    with CaptureQueriesContext(connection) as three:
        body = client.get(URL).content.decode()
    assert body.count("data-kampung") == 3
    assert len(three) == len(one), [q["sql"] for q in three.captured_queries]
    # Then from the shared cache: one read at most (the shared cache may be a database table).
    with CaptureQueriesContext(connection) as cached:
        client.get(URL)
    assert len(cached) <= 1 < len(one)


def test_a_page_saying_none_publishes_yet(client, bendahara):
    response = client.get(URL)
    assert response.status_code == 200
    assert "Belum ada kampung yang memilih tampil" in response.content.decode()


def test_single_kampung_install_shows_itself_once_opted_in(client, bendahara):
    Kampung.objects.filter(pk=FIRST_KAMPUNG_ID).update(publishes_overview=True)
    response = client.get(URL)
    assert response.content.decode().count("data-kampung") == 1
    assert 'href="/"' in figures(response.content.decode(), "Kampung")


def test_overview_figures_take_a_fixed_number_of_queries(bendahara, django_assert_num_queries):
    for slug in ("satu", "dua", "tiga"):
        seed(add_kampung(slug), bendahara, amounts=[500, 0], head=slug)
    # The kampungs, one grouped query per cash source (6), the two kinds of opening balance, participation and
    # the last closings: 11, for 3 kampungs as for 300.
    with django_assert_num_queries(11):
        rows = overview_summaries(NOW.date())
    assert len(rows) == 3
