"""Who reaches the tutup-buku pages, the monthly report and its downloads."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from ledger.models import MonthClosing
from ledger.services import close_month
from tests.access import FORBIDDEN, LOGIN, OK, ROLES, assert_access
from tests.ledger.factories import hand_over, save_round
from tests.nightly.factories import make_rt

pytestmark = pytest.mark.django_db


@pytest.fixture
def books(bendahara):
    rt, households = make_rt(households=3)
    rnd = save_round(rt, households, dt.date(2026, 1, 5), bendahara)
    hand_over([rnd], dt.date(2026, 1, 6), bendahara)  # on Kas tunai: a correction may take from it
    close_month(dt.date(2026, 1, 1), bendahara, today=dt.date(2026, 3, 1))


# page -> expected outcome for (anonymous, petugas, pokja, bendahara)
MATRIX = {
    ("books:months", ()): (LOGIN, FORBIDDEN, OK, OK),
    ("books:adjustment_create", ()): (LOGIN, FORBIDDEN, FORBIDDEN, OK),
    ("books:accounts", ()): (LOGIN, FORBIDDEN, OK, OK),
    ("reports:numbers", ()): (LOGIN, FORBIDDEN, OK, OK),
    ("books:close", ("2026-02",)): (LOGIN, FORBIDDEN, FORBIDDEN, OK),
    ("books:reopen", ("2026-01",)): (LOGIN, FORBIDDEN, FORBIDDEN, FORBIDDEN),
    ("reports:month", ("2026-01",)): (LOGIN, FORBIDDEN, OK, OK),
    ("reports:download", ("2026-01", "csv")): (LOGIN, FORBIDDEN, OK, OK),
    ("reports:download", ("2026-01", "xlsx")): (LOGIN, FORBIDDEN, OK, OK),
}


@pytest.mark.parametrize("target", MATRIX, ids=lambda t: f"{t[0]}{t[1]}")
@pytest.mark.parametrize("role_index", range(len(ROLES)), ids=ROLES)
def test_access_matrix(client_as, books, target, role_index):
    name, args = target
    assert_access(client_as(ROLES[role_index]), reverse(name, args=args), MATRIX[target][role_index])


def test_superuser_reopens_through_the_page(client, books, superuser):
    client.force_login(superuser)
    url = reverse("books:reopen", args=["2026-01"])
    assert client.get(url).status_code == 200
    response = client.post(url, {"reason": ""})
    assert response.status_code == 200 and "Alasan wajib diisi." in response.content.decode()
    assert MonthClosing.objects.exists()
    assert client.post(url, {"reason": "Setoran tertukar"}).status_code == 302
    assert not MonthClosing.objects.exists()


def test_bendahara_closes_through_the_page(client, bendahara):
    rt, households = make_rt(households=2)
    save_round(rt, households, dt.date(2026, 1, 5), bendahara)
    client.force_login(bendahara)
    months = client.get(reverse("books:months")).content.decode()
    assert reverse("books:close", args=["2026-01"]) in months
    confirm = client.get(reverse("books:close", args=["2026-01"])).content.decode()
    assert "tidak bisa ditambah, diubah atau dihapus" in confirm
    client.post(reverse("books:close", args=["2026-01"]))
    assert MonthClosing.objects.get().closing_balance == 1000


def test_adjustment_page(client, books, bendahara):
    client.force_login(bendahara)
    today = dt.date.today()
    response = client.post(
        reverse("books:adjustment_create"),
        {
            "entry_date": today.isoformat(),
            "direction": "out",
            "amount": "1.500",
            "corrects_month": "2026-01-01",
            "reason": "Uang palsu",
        },
    )
    assert response.status_code == 302
    from ledger.models import Adjustment

    assert Adjustment.objects.get().amount == -1500
    response = client.post(
        reverse("books:adjustment_create"),
        {
            "entry_date": today.isoformat(),
            "direction": "out",
            "amount": "1.500",
            "corrects_month": "2026-01-01",
            "reason": "",
        },
    )
    assert "Alasan wajib diisi." in response.content.decode()
    assert Adjustment.objects.count() == 1
    # An empty form says what each field needs, not Django's generic "this field is required".
    page = client.post(reverse("books:adjustment_create"), {}).content.decode()
    for message in (
        "Isi tanggal koreksi dicatat.",
        "Pilih: menambah atau mengurangi kas.",
        "Isi jumlah koreksi dalam Rupiah.",
        "Pilih bulan yang dikoreksi.",
    ):
        assert message in page
    assert "Bidang ini" not in page and Adjustment.objects.count() == 1


def test_report_page_has_whatsapp_and_recap(client, books, pokja):
    client.force_login(pokja)
    html = client.get(reverse("reports:month", args=["2026-01"])).content.decode()
    assert "https://wa.me/?text=" in html and "copy_text.js" in html
    assert "Rekap kaleng kosong" in html
    assert "<script>" not in html


@pytest.mark.parametrize(
    "url", ["/admin/ledger/monthclosing/", "/admin/ledger/monthreopening/", "/admin/ledger/adjustment/"]
)
def test_ledger_admin_is_read_only(client, books, bendahara, url):
    client.force_login(bendahara)
    assert client.get(url).status_code == 200
    assert client.get(url + "add/").status_code == 403
