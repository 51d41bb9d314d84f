"""Issue 14 §3: each month on `/`, on the year page and on the tutup buku list adds up as displayed, the
balance brought over from the old books included; the welcome message names the kampung once."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth import get_user_model
from django.db.models import Sum
from django.urls import reverse
from django.utils import timezone

from demo.seeding import seed_demo
from jimpitan.lib.months import month_start
from jimpitan.lib.setup_code import current_code
from jimpitan.models import KampungProfile
from jimpitan.views import welcome_message
from ledger.models import Adjustment
from nightly.models import Handover
from tests.figures_addup import check_adds_up, figures_in

pytestmark = pytest.mark.django_db

BROUGHT_OVER = 1_250_000  # the demo kampung's opening balance


@pytest.fixture
def demo_books():
    """The demo kampung over four months (its opening balance on the first evening), and a correction in the
    current month for a closed one, so that every kind of figure shows somewhere."""
    result = seed_demo(households=40, months=4, seed=3)
    today = timezone.localdate()
    Adjustment.objects.create(
        entry_date=today, amount=-15_000, reason="Salah hitung", corrects_month=month_start(result.first_evening)
    )
    return result


def _rows(html: str) -> list[tuple[str, dict[str, int]]]:
    rows = figures_in(html).rows
    assert rows, "no month rows with data-figure"
    return sorted(rows.items(), reverse=True)  # newest first


def _check_months(html: str, first_month: dt.date) -> None:
    rows = _rows(html)
    for month, figures in rows:
        check_adds_up(figures, month)
    # Each month opens with the closing balance of the month before.
    for (_newer, newer), (_older, older) in zip(rows, rows[1:], strict=False):
        assert newer["opening"] == older["closing"]
    by_month = dict(rows)
    assert by_month[first_month.strftime("%Y-%m")]["brought-over"] == BROUGHT_OVER
    assert by_month[first_month.strftime("%Y-%m")]["opening"] == 0
    assert sum(figures.get("brought-over", 0) for figures in by_month.values()) == BROUGHT_OVER


def test_each_month_block_of_home_adds_up(client, demo_books):
    html = client.get(reverse("public_ledger")).content.decode()
    _check_months(html, month_start(demo_books.first_evening))
    assert "Saldo dari buku lama" in html and "Saldo awal dicatat" not in html
    rows = dict(_rows(html))
    # The correction, and the demo's handover shortfalls of the month (explained lines counted with corrections).
    shortfalls = Handover.objects.filter(received_on__gte=month_start(timezone.localdate())).aggregate(
        total=Sum("difference")
    )["total"]
    assert rows[timezone.localdate().strftime("%Y-%m")]["adjustments"] == -15_000 + (shortfalls or 0)
    # The newest closing balance is the balance shown in large type.
    assert max(rows.items())[1]["closing"] == figures_in(html).loose["balance"]


def test_home_in_english_names_the_line(client, demo_books):
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    html = client.get(reverse("public_ledger")).content.decode()
    assert "Balance brought over from the old books" in html
    _check_months(html, month_start(demo_books.first_evening))


def test_the_year_page_adds_up(client, demo_books):
    year = demo_books.first_evening.year
    html = client.get(reverse("public_year", args=[year])).content.decode()
    if year == timezone.localdate().year:
        _check_months(html, month_start(demo_books.first_evening))
    totals = figures_in(html).loose
    check_adds_up(totals, f"year {year}")
    assert totals["brought-over"] == BROUGHT_OVER


def test_the_tutup_buku_list_and_confirmation_show_the_line(client, demo_books):
    client.force_login(get_user_model().objects.get(username="bendahara"))
    html = client.get(reverse("books:months")).content.decode()
    assert html.count("Saldo dari buku lama") >= 2  # the column and the month's card label
    assert "+Rp 1.250.000" in html


def test_a_month_without_brought_over_or_corrections_has_no_such_column(client, kampung):
    html = client.get(reverse("public_ledger")).content.decode()
    assert "Saldo dari buku lama" not in html and 'data-figure="adjustments"' not in html


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Kampung KB Batujaya", "Selamat datang! Kampung KB Batujaya siap dipakai."),
        ("kampung sukamaju", "Selamat datang! kampung sukamaju siap dipakai."),
        ("KAMPUNG Baru", "Selamat datang! KAMPUNG Baru siap dipakai."),
        ("Sukamaju", "Selamat datang! Kampung Sukamaju siap dipakai."),
        ("Kampungbaru", "Selamat datang! Kampung Kampungbaru siap dipakai."),
    ],
)
def test_welcome_message_names_the_kampung_once(name, expected):
    assert welcome_message(name) == expected


def test_setup_welcome_says_kampung_once(client):
    """Through the setup page itself: the message shown after set-up."""
    assert KampungProfile.load() is None
    form = {
        "setup-code": current_code(),
        "kampung-name": "Kampung KB Batujaya",
        "kampung-rw": "05",
        "kampung-kelurahan": "Batujaya",
        "kampung-kecamatan": "Batuceper",
        "kampung-city": "Kota Tangerang",
        "user-username": "siti",
        "user-first_name": "Siti Aminah",
        "user-password1": "kas-kampung-2026",
        "user-password2": "kas-kampung-2026",
    }
    text = client.post(reverse("setup"), form, follow=True).content.decode()
    assert "Kampung KB Batujaya siap dipakai" in text
    assert "Kampung Kampung" not in text
