"""The yearly report (LPJ) from the books page on a 360-px phone: a year's PDF and a term's XLSX download, and
the page does not scroll sideways."""

from __future__ import annotations

import datetime as dt

import pytest
from playwright.sync_api import Page, expect

from spending.models import Expense, OtherIncome
from tests.conftest import PASSWORD
from tests.ledger.factories import save_round
from tests.nightly.factories import make_rt

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("roles")]


def test_lpj_downloads_from_the_books_page_on_a_phone(live_server, page: Page, bendahara, pokja, screenshot_dir):
    rt, houses = make_rt(3, households=3)
    save_round(rt, houses, dt.date(2025, 12, 5), bendahara, amount=1000)
    save_round(rt, houses, dt.date(2026, 1, 5), bendahara, amount=1000)
    OtherIncome.objects.create(received_on=dt.date(2026, 1, 10), description="Donasi", amount=50_000)
    Expense.objects.create(spent_on=dt.date(2026, 1, 12), description="Senter", amount=20_000)
    page.set_viewport_size({"width": 360, "height": 740})
    page.goto(live_server.url + "/masuk/")
    page.get_by_label("Nama pengguna").fill("pokja")
    page.locator("#id_password").fill(PASSWORD)
    page.get_by_role("button", name="Masuk").click()
    page.goto(live_server.url + "/buku/")
    page.get_by_text("Laporan tahunan (LPJ)").click()
    year = page.locator(".year-reports li", has_text="Tahun 2026")
    expect(year).to_be_visible()
    width = page.evaluate("[document.scrollingElement.scrollWidth, window.innerWidth]")
    assert width[0] <= width[1], width
    page.screenshot(path=f"{screenshot_dir}/lpj-books-360.png", full_page=True)
    with page.expect_download() as pdf:
        year.get_by_role("link", name="PDF").click()
    assert pdf.value.suggested_filename == "lpj-jimpitan-2026-sementara.pdf"
    page.get_by_label("Periode dari").fill("2025-12-01")
    page.get_by_label("Sampai", exact=True).fill("2026-01-31")
    with page.expect_download() as xlsx:
        page.locator(".year-reports form").get_by_role("button", name="XLSX").click()
    assert xlsx.value.suggested_filename == "lpj-jimpitan-2025-12-01_2026-01-31-sementara.xlsx"
