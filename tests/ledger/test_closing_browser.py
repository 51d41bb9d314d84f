"""Close January in the browser, try to save a round in it (refused at every step), then download the
PDF and the XLSX and find the cash book's totals in them; on a laptop and a 360-px phone."""

from __future__ import annotations

import datetime as dt
import io
import re

import pytest
from openpyxl import load_workbook
from playwright.sync_api import Page, expect
from pypdf import PdfReader

from jimpitan.lib.money import format_rupiah
from ledger.models import MonthClosing
from ledger.selectors import month_summary
from nightly.links import sheet_url
from nightly.models import Round
from tests.conftest import PASSWORD
from tests.ledger.factories import save_round
from tests.nightly.factories import make_rt

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("roles")]

JAN = dt.date(2026, 1, 1)


def _login(page: Page, url: str) -> None:
    page.goto(url + "/masuk/")
    page.get_by_label("Nama pengguna").fill("bendahara")
    page.locator("#id_password").fill(PASSWORD)
    page.get_by_role("button", name="Masuk").click()


@pytest.mark.parametrize(
    "viewport", [{"width": 1280, "height": 800}, {"width": 360, "height": 740}], ids=["laptop", "phone"]
)
def test_close_month_then_refuse_round_and_download_reports(
    live_server, page: Page, bendahara, viewport, screenshot_dir
):
    rt, households = make_rt(number=3, households=4, usual_amount=500)
    save_round(rt, households, dt.date(2026, 1, 5), bendahara, amount=1000)
    save_round(rt, households, dt.date(2026, 1, 6), bendahara, amount=500)
    name = str(viewport["width"])
    page.set_viewport_size(viewport)
    try:
        _login(page, live_server.url)
        # The sheet of 7 January is opened while January is still open ...
        page.goto(live_server.url + sheet_url(dt.date(2026, 1, 7), rt))
        page.get_by_role("button", name="Isi semua dengan jumlah biasa").click()

        # ... and January is closed meanwhile in another tab, through the tutup-buku page.
        other = page.context.new_page()
        other.set_viewport_size(viewport)
        other.goto(live_server.url + "/beranda/")
        other.locator("main").get_by_role("link", name=re.compile("Tutup buku")).first.click()
        other.locator("a[href='/buku/2026-01/tutup/']").click()
        expect(other.get_by_text("tidak bisa ditambah, diubah atau dihapus")).to_be_visible()
        other.screenshot(path=f"{screenshot_dir}/ledger-close-confirm-{name}.png", full_page=True)
        other.get_by_role("button", name="Tutup buku").click()
        expect(other.get_by_text("ditutup dengan saldo akhir Rp 6.000")).to_be_visible()
        assert other.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
        other.screenshot(path=f"{screenshot_dir}/ledger-months-{name}.png", full_page=True)
        assert MonthClosing.objects.get(month=JAN).closing_balance == 6000

        # Saving the already open sheet is refused by the service; nothing is written.
        page.get_by_role("button", name="Simpan").click()
        expect(page.get_by_text("sudah ditutup").first).to_be_visible()
        assert not Round.objects.filter(evening=dt.date(2026, 1, 7)).exists()
        # Reopened, the sheet is read-only.
        page.goto(live_server.url + sheet_url(dt.date(2026, 1, 5), rt))
        expect(page.get_by_text("Buku bulan ini sudah ditutup, jadi lembar ini hanya bisa dibaca.")).to_be_visible()
        expect(page.get_by_role("button", name="Simpan")).to_have_count(0)

        # The report page: PDF and XLSX downloads carry the cash book's totals.
        summary = month_summary(JAN)
        page.goto(live_server.url + "/buku/2026-01/laporan/")
        page.screenshot(path=f"{screenshot_dir}/ledger-report-{name}.png", full_page=True)
        with page.expect_download() as info:
            page.get_by_role("link", name="Unduh PDF").click()
        text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(info.value.path().read_bytes())).pages)
        assert format_rupiah(summary.jimpitan) in text and format_rupiah(summary.closing) in text
        with page.expect_download() as info:
            page.get_by_role("link", name="Unduh XLSX").click()
        assert info.value.suggested_filename == "laporan-jimpitan-2026-01.xlsx"
        workbook = load_workbook(io.BytesIO(info.value.path().read_bytes()))
        values = {row[0]: row[1] for row in workbook["Ringkasan"].iter_rows(min_row=2, values_only=True)}
        assert values["Jimpitan"] == summary.jimpitan == 6000
        assert values["Saldo akhir"] == summary.closing
    finally:
        # The test database is flushed row by row after a live-server test; the closed-month triggers
        # would refuse deleting January's rounds, so the month is reopened (the closing row removed) first.
        MonthClosing.objects.all().delete()
