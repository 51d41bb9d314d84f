"""The treasurer imports a file with two bad rows, sees why, fixes it, imports it, and finds the
households of each RT in route order. Driven on a 360-px phone, with a laptop look at the end."""

import csv
import io

import pytest
from django.contrib.auth.models import User
from playwright.sync_api import Page, expect

from households.models import Household
from jimpitan.models import KampungProfile
from jimpitan.roles import BENDAHARA, grant_role

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("roles")]

PASSWORD = "kas-kampung-2026"


def _csv(rows) -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=";").writerows(rows)
    return buffer.getvalue().encode("cp1252")


# "No. KK" holds values and maps to nothing, so the mapping step asks about it before the preview.
HEADER = ["RT", "Nomor rumah/alamat", "Kepala keluarga", "Nomor HP/WhatsApp", "Status", "No. KK"]
BAD = [
    HEADER,
    ["2", "Gang Melati 3", "Bu Siti Aminah", "812 1111 2222", "", "3301010101010001"],  # lost its 0: a note
    ["2", "Gang Melati 1", "Pak Darto", "", "", "3301010101010002"],
    ["dua", "Gang Melati 2", "Bu Rina", "", "", ""],  # row 4: RT is not a number
    ["1", "Jl. Mawar 5", "Pak José", "", "dibebaskan", ""],
    ["1", "Jl. Mawar 7", "Bu Wati", "0812", "", ""],  # row 6: phone too short
]


def _no_horizontal_scroll(page: Page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_import_with_two_bad_rows_fix_and_find_route_order(live_server, page: Page, screenshot_dir):
    KampungProfile.objects.create(pk=1, name="Kampung KB Batujaya")
    user = User.objects.create_user("siti", password=PASSWORD, first_name="Siti", is_staff=True)
    grant_role(user=user, role=BENDAHARA)
    page.set_viewport_size({"width": 360, "height": 740})

    page.goto(live_server.url + "/masuk/")
    page.get_by_label("Nama pengguna").fill("siti")
    page.locator("#id_password").fill(PASSWORD)
    page.get_by_role("button", name="Masuk").click()
    page.get_by_role("link", name="Impor daftar rumah").click()

    page.get_by_label("Berkas daftar rumah (CSV atau XLSX)").set_input_files(
        files=[{"name": "rumah.csv", "mimeType": "text/csv", "buffer": _csv(BAD)}]
    )
    page.get_by_role("button", name="Periksa berkas").click()
    expect(page.locator("#import-mapping")).to_contain_text("Kolom ini berisi data")
    expect(page.locator("#import-mapping")).to_contain_text("3301010101010001")
    assert _no_horizontal_scroll(page)
    page.screenshot(path=f"{screenshot_dir}/households-import-mapping-360.png", full_page=True)
    page.get_by_label("No. KK").select_option(label="Lewati (jangan diimpor)")
    page.get_by_role("button", name="Lanjut ke pratinjau").click()
    expect(page.get_by_role("alert")).to_contain_text("Ada 2 masalah")
    errors = page.locator("#import-errors tbody tr")
    expect(errors).to_have_count(2)
    expect(errors.nth(0)).to_contain_text("4")
    expect(errors.nth(0)).to_contain_text("RT harus berupa nomor")
    expect(errors.nth(1)).to_contain_text("6")
    expect(errors.nth(1)).to_contain_text("Nomor HP/WhatsApp")
    expect(page.get_by_role("button", name="Impor sekarang")).to_have_count(0)
    assert _no_horizontal_scroll(page)
    page.screenshot(path=f"{screenshot_dir}/households-import-errors-360.png", full_page=True)
    assert Household.objects.count() == 0

    fixed = [row[:] for row in BAD]
    fixed[3][0] = "2"
    fixed[5][3] = "0812-3333-4444"
    page.get_by_label("Berkas daftar rumah (CSV atau XLSX)").set_input_files(
        files=[{"name": "rumah.csv", "mimeType": "text/csv", "buffer": _csv(fixed)}]
    )
    page.get_by_role("button", name="Periksa berkas lagi").click()
    page.set_viewport_size({"width": 1280, "height": 800})
    page.screenshot(path=f"{screenshot_dir}/households-import-mapping-1280.png", full_page=True)
    page.set_viewport_size({"width": 360, "height": 740})
    page.get_by_label("No. KK").select_option("skip")
    page.get_by_role("button", name="Lanjut ke pratinjau").click()
    expect(page.locator("#import-summary")).to_contain_text("Rumah baru")
    expect(page.locator("#import-warnings-note")).to_contain_text("1 catatan untuk diperiksa")
    expect(page.locator("#import-warnings")).to_contain_text("+6281211112222")
    expect(page.locator("#import-skipped")).to_contain_text("No. KK")
    assert _no_horizontal_scroll(page)
    expect(page.locator("#import-summary li").first).to_contain_text("5")
    expect(page.get_by_text("RT baru yang akan dibuat: RT 01, RT 02")).to_be_visible()
    page.screenshot(path=f"{screenshot_dir}/households-import-preview-360.png", full_page=True)
    page.get_by_role("button", name="Impor sekarang").click()

    expect(page.get_by_text("Impor selesai: 5 rumah baru, 0 diubah, 0 tetap.")).to_be_visible()
    page.get_by_label("RT").select_option(label="RT 02")
    page.get_by_role("button", name="Tampilkan").click()
    addresses = page.locator("table.stack tbody td[data-label='Nomor rumah/alamat']")
    expect(addresses).to_have_text(["Gang Melati 3", "Gang Melati 1", "Gang Melati 2"])
    assert _no_horizontal_scroll(page)
    page.screenshot(path=f"{screenshot_dir}/households-list-rt02-360.png", full_page=True)

    # Put Gang Melati 1 first on the route, as the collectors walk it, and save in one request.
    page.goto(live_server.url + "/rumah/rt/")
    page.get_by_role("row").filter(has_text="RT 02").get_by_role("link", name="Urutan rute").click()
    expect(page.get_by_role("heading", name="Urutan rute RT 02")).to_be_visible()
    expect(page.locator("#route-list[data-enhanced]")).to_have_count(1)  # the script is ready
    assert page.evaluate("typeof window.Sortable") == "function"  # drag-and-drop is served and loaded
    page.get_by_role("button", name="Naikkan Gang Melati 1").click()
    expect(page.locator("#route-unsaved")).to_be_visible()
    assert _no_horizontal_scroll(page)
    page.screenshot(path=f"{screenshot_dir}/households-route-360.png", full_page=True)
    page.get_by_role("button", name="Simpan urutan").click()
    expect(page.get_by_text("Urutan rute RT 02 disimpan.")).to_be_visible()
    expect(page.locator("#route-list li strong")).to_have_text(["Gang Melati 1", "Gang Melati 3", "Gang Melati 2"])

    page.set_viewport_size({"width": 1280, "height": 800})
    page.goto(live_server.url + "/rumah/")
    addresses = page.locator("table tbody td[data-label='Nomor rumah/alamat']")
    expect(addresses).to_have_text(["Jl. Mawar 5", "Jl. Mawar 7", "Gang Melati 1", "Gang Melati 3", "Gang Melati 2"])
    page.screenshot(path=f"{screenshot_dir}/households-list-1280.png", full_page=True)
