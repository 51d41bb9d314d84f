"""A household's own page through its private code, and the treasurer's QR stickers and new codes."""

import datetime as dt

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from households.models import RT, Household
from nightly.models import Contribution, Round

pytestmark = pytest.mark.django_db


@pytest.fixture
def home(kampung, bendahara):
    rt = RT.objects.create(number=3)
    other_rt = RT.objects.create(number=4)
    home = Household.objects.create(rt=rt, address="Gg. Melati 12", head_name="Siti Aminah", phone="081234567890")
    Household.objects.create(rt=other_rt, address="Gg. Mawar 1", head_name="Joko", phone="081298765432")
    for day, state, amount in [(1, "dibayar", 500), (2, "kosong", 0), (3, "titip", 1000)]:
        r = Round.objects.create(
            rt=rt, evening=dt.date(2026, 5, day), total=amount, households_listed=1, households_paid=int(amount > 0)
        )
        Contribution.objects.create(round=r, household=home, evening=r.evening, amount=amount, state=state)
    Round.objects.create(rt=rt, evening=dt.date(2026, 5, 4), total=0, households_listed=1)
    r = Round.objects.create(rt=rt, evening=dt.date(2026, 4, 10), total=700, households_listed=1, households_paid=1)
    Contribution.objects.create(round=r, household=home, evening=r.evening, amount=700, state="dibayar")
    return home


@time_machine.travel(dt.datetime(2026, 5, 6, 12, 0, tzinfo=dt.UTC))
def test_household_page_shows_its_month_and_year(client, home):
    response = client.get(f"/h/{home.private_code}/")
    assert response.status_code == 200
    assert response["X-Robots-Tag"].startswith("noindex")
    assert response["Referrer-Policy"] == "no-referrer"
    html = response.content.decode()
    assert "RT 03 · Gg. Melati 12" in html
    assert (
        "Ada" in html and "Kosong" in html and "Titip" in html and "Tidak diambil" in html and "Tidak ada ronda" in html
    )
    assert 'data-figure="year-total">Rp 2.200<' in html
    assert "Rp 1.500" in html  # May so far
    assert "081234567890" not in html and "Joko" not in html
    assert "?bulan=2026-04" in html and "?bulan=2026-06" not in html  # no future month


@time_machine.travel(dt.datetime(2026, 5, 6, 12, 0, tzinfo=dt.UTC))
def test_month_navigation(client, home):
    page = f"/h/{home.private_code}/"
    html = client.get(f"{page}?bulan=2026-04").content.decode()
    assert "April 2026" in html and "Rp 700" in html and f'href="{page}"' in html  # May is the page itself
    assert "?bulan=2026-03" not in html  # nothing recorded before April
    # Nonsense, a future month or one before the first record goes to the nearest month that has one.
    assert client.get(f"{page}?bulan=abc")["Location"] == page
    assert client.get(f"{page}?bulan=2030-01")["Location"] == page
    assert client.get(f"{page}?bulan=2026-05")["Location"] == page
    assert client.get(f"{page}?bulan=0001-01")["Location"] == page
    assert client.get(f"{page}?bulan=1990-01")["Location"] == f"{page}?bulan=2026-04"
    assert client.get(f"{page}?bulan=2026-4")["Location"] == page
    assert client.get(f"{page}?bulan=2026-04&x=1")["Location"] == f"{page}?bulan=2026-04"


@time_machine.travel(dt.datetime(2026, 5, 6, 12, 0, tzinfo=dt.UTC))
def test_a_flood_of_month_spellings_makes_no_more_pages_than_months(client, home, monkeypatch):
    """Anyone with the code could once make ~24,000 cached variants with ?bulan=; now only real months."""
    from public import cache as public_cache

    stored = set()
    real_set = public_cache.cache.set

    def recording_set(key, *args, **kwargs):
        stored.add(key)
        return real_set(key, *args, **kwargs)

    monkeypatch.setattr(public_cache.cache, "set", recording_set)
    page = f"/h/{home.private_code}/"
    spellings = [f"{year:04d}-{month:02d}" for year in range(1990, 2041) for month in range(0, 14)]
    for bulan in spellings:
        client.get(page, {"bulan": bulan}, follow=True)
    pages = {key for key in stored if ":page:" in key}
    assert len(spellings) == 714 and len(pages) == 2  # April and May 2026, the household's months


def test_wrong_code_is_a_plain_404(client, home):
    response = client.get("/h/bukan-kode-yang-benar/")
    assert response.status_code == 404
    html = response.content.decode()
    assert "Siti" not in html and "RT 03" not in html and "kode" not in html.lower()
    assert client.get(f"/h/{home.private_code[:-1]}/").status_code == 404


@pytest.mark.parametrize("code", ["%00", "abc%00def", "kode%20spasi", "x" * 33, "%F0%9F%8F%A0"])
def test_a_code_no_household_could_have_is_a_404_without_a_lookup(client, home, code):
    """PostgreSQL refuses a NUL byte in a query outright: such a code must not reach it."""
    with CaptureQueriesContext(connection) as queries:
        assert client.get(f"/h/{code}/").status_code == 404
    assert not [q["sql"] for q in queries if "households_household" in q["sql"]]


def test_sticker_sheet_links_each_household_and_filters_by_rt(client, home, bendahara):
    client.force_login(bendahara)
    html = client.get(reverse("sticker_sheet")).content.decode()
    assert html.count('class="sticker"') == 2
    assert "<svg" in html and "Gg. Melati 12" in html and "RT 04" in html
    html = client.get(reverse("sticker_sheet"), {"rt": home.rt_id}).content.decode()
    assert html.count('class="sticker"') == 1 and "Gg. Mawar 1" not in html
    assert "@media print" not in html  # print rules live in the static CSS
    # The QR encodes the absolute URL of the household page.
    import segno

    expected = segno.make(f"http://testserver/h/{home.private_code}/", error="m").svg_inline(
        scale=3, border=2, omitsize=True
    )
    assert expected in html


def test_regenerate_code_asks_then_old_code_is_gone(client, home, bendahara):
    old = home.private_code
    client.force_login(bendahara)
    url = reverse("regenerate_code", args=[home.pk])
    page = client.get(url)
    assert page.status_code == 200 and "stiker QR lama rumah ini tidak berlaku lagi" in page.content.decode()
    home.refresh_from_db()
    assert home.private_code == old  # GET changes nothing
    response = client.post(url)
    assert response.status_code == 302
    home.refresh_from_db()
    assert home.private_code != old and len(home.private_code) >= 16
    client.logout()
    assert client.get(f"/h/{old}/").status_code == 404
    assert client.get(f"/h/{home.private_code}/").status_code == 200
