"""The treasurer pastes a roster from Excel, reads it on a 360-px phone, and the home page names tonight's petugas."""

import re

import pytest
from playwright.sync_api import Page, expect

from jimpitan.lib.evening import evening_of
from jimpitan.lib.pasaran import pasaran_of
from tests.conftest import PASSWORD
from tests.nightly.factories import make_rt

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("roles")]


def test_paste_roster_and_read_it_on_a_phone(live_server, page: Page, bendahara, screenshot_dir):
    rt, _ = make_rt(number=4, households=2)
    page.set_viewport_size({"width": 360, "height": 740})
    page.goto(live_server.url + "/masuk/")
    page.get_by_label("Nama pengguna").fill("bendahara")
    page.locator("#id_password").fill(PASSWORD)
    page.get_by_role("button", name="Masuk").click()
    page.goto(live_server.url + "/ronda/")
    page.get_by_role("link", name="Ubah jadwal").click()
    box = page.get_by_label("Jadwal ronda")
    box.fill("Senin\tPak Slamet, Bu Sri\nRabo\tPak Salah")
    page.get_by_role("button", name="Simpan").click()
    expect(page.get_by_text("Baris 2")).to_be_visible()
    expect(box).to_have_value(re.compile("Pak Salah"))
    page.screenshot(path=f"{screenshot_dir}/roster-edit-errors-360.png", full_page=True)
    tonight = evening_of()
    box.fill(f"Senin\tPak Slamet, Bu Sri\n{pasaran_of(tonight)}; Mas Joko\n{tonight.isoformat()}\tPak Malam Ini")
    page.get_by_role("button", name="Simpan").click()
    expect(page.get_by_role("heading", name=re.compile("Jadwal ronda"))).to_be_visible()
    expect(page.get_by_text("Pak Malam Ini")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    page.screenshot(path=f"{screenshot_dir}/roster-360.png", full_page=True)
    page.goto(live_server.url + "/beranda/")
    expect(page.get_by_text(re.compile("RT 04: Pak Malam Ini"))).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    page.screenshot(path=f"{screenshot_dir}/home-roster-360.png")


def test_recap_on_a_phone(live_server, page: Page, bendahara, screenshot_dir):
    import datetime as dt

    from nightly.services import SheetRow, save_sheet

    rt, households = make_rt(number=2, households=3)
    evening = evening_of() - dt.timedelta(days=1)
    save_sheet(
        rt=rt,
        evening=evening,
        user=bendahara,
        version=0,
        counted_cash=1000,
        collectors="Pak Slamet",
        rows=[SheetRow(households[0].pk, "dibayar", 500), SheetRow(households[1].pk, "kosong", 0)],
    )
    page.set_viewport_size({"width": 360, "height": 740})
    page.goto(live_server.url + "/masuk/")
    page.get_by_label("Nama pengguna").fill("bendahara")
    page.locator("#id_password").fill(PASSWORD)
    page.get_by_role("button", name="Masuk").click()
    page.goto(f"{live_server.url}/jimpitan/lembar/?malam={evening:%Y-%m-%d}&rt={rt.pk}")
    page.get_by_role("link", name="Rekap WhatsApp").click()
    expect(page.locator("#wa-text")).to_have_value(re.compile(r"Ada 1 · Kosong 1 · Titip 0"))
    expect(page.get_by_role("link", name="Bagikan ke WhatsApp")).to_have_attribute(
        "href", re.compile("^https://wa.me/")
    )
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    page.screenshot(path=f"{screenshot_dir}/recap-360.png", full_page=True)


def test_import_roster_from_excel_on_a_phone(live_server, page: Page, bendahara, screenshot_dir, tmp_path):
    from openpyxl import Workbook

    from nightly.models import RosterAssignment

    rt, _ = make_rt(number=4, households=2)
    workbook = Workbook()
    for row in (["Hari", "Petugas"], ["Senin", "Pak Slamet, Bu Sri"], ["Rabo", "Pak Salah"]):
        workbook.active.append(row)
    bad = tmp_path / "jadwal-salah.xlsx"
    workbook.save(bad)
    workbook.active["A3"] = "Legi"
    good = tmp_path / "jadwal.xlsx"
    workbook.save(good)
    page.set_viewport_size({"width": 360, "height": 740})
    page.goto(live_server.url + "/masuk/")
    page.get_by_label("Nama pengguna").fill("bendahara")
    page.locator("#id_password").fill(PASSWORD)
    page.get_by_role("button", name="Masuk").click()
    page.goto(f"{live_server.url}/ronda/rt/{rt.pk}/ubah/")
    page.get_by_label("Berkas jadwal (.xlsx atau .csv)").set_input_files(bad)
    page.get_by_role("button", name="Impor").click()
    expect(page.locator("#roster-file-errors")).to_contain_text("Baris 3")
    expect(page.locator("#roster-file-errors")).to_contain_text("Rabo")
    assert not RosterAssignment.objects.exists()
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    page.locator("#roster-file-title").scroll_into_view_if_needed()
    page.screenshot(path=f"{screenshot_dir}/roster-import-errors-360.png", full_page=True)
    with page.expect_download() as download:
        page.get_by_role("link", name="Unduh jadwal (.xlsx)").click()
    assert download.value.suggested_filename == "jadwal-ronda-rt-04.xlsx"
    page.get_by_label("Berkas jadwal (.xlsx atau .csv)").set_input_files(good)
    page.get_by_role("button", name="Impor").click()
    expect(page.get_by_text("Jadwal ronda RT 04 disimpan.")).to_be_visible()
    assert RosterAssignment.objects.count() == 3
