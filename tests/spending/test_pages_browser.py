"""Record an expense with a photo receipt for the stunting kitchen, then see it on the project page."""

import datetime as dt

import pytest
from playwright.sync_api import Page, expect

from spending.models import Expense, OtherIncome, Project
from tests.browser import wait_until
from tests.conftest import PASSWORD
from tests.spending.factories import jpeg_bytes

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("roles")]


def _no_horizontal_scroll(page: Page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


@pytest.mark.parametrize(
    "viewport", [{"width": 1280, "height": 800}, {"width": 360, "height": 740}], ids=["laptop", "phone"]
)
def test_expense_with_photo_receipt_updates_the_project(
    live_server, page: Page, viewport, screenshot_dir, settings, tmp_path, bendahara
):
    settings.MEDIA_ROOT = tmp_path / "media"
    kitchen = Project.objects.create(
        name="Dapur stunting",
        budget=12_000_000,
        status="berjalan",
        description="Makanan tambahan untuk balita dan ibu hamil.",
    )
    OtherIncome.objects.create(
        received_on=dt.date.today() - dt.timedelta(days=3),
        description="Bantuan Puskesmas",
        source="mitra",
        amount=5_000_000,
        project=kitchen,
    )
    photo = tmp_path / "IMG_20260512_nota.jpg"
    photo.write_bytes(jpeg_bytes(size=(3000, 4000), gps=True))
    page.set_viewport_size(viewport)
    name = str(viewport["width"])

    page.goto(live_server.url + "/masuk/")
    page.get_by_label("Nama pengguna").fill("bendahara")
    page.locator("#id_password").fill(PASSWORD)
    page.get_by_role("button", name="Masuk").click()
    page.get_by_role("link", name="Catat pengeluaran").click()

    expect(page.get_by_role("heading", name="Catat pengeluaran")).to_be_visible()
    page.get_by_label("Tanggal").fill(dt.date.today().isoformat())
    page.get_by_label("Program").select_option(label="Dapur stunting")
    page.get_by_label("Keterangan").fill("Kompor dan tabung gas")
    page.get_by_label("Dibayar kepada").fill("Toko Makmur Jaya")
    page.get_by_label("Jumlah").fill("3.000.000")
    page.get_by_label("Nota").set_input_files(str(photo))
    assert _no_horizontal_scroll(page)
    page.screenshot(path=f"{screenshot_dir}/spending-expense-form-{name}.png", full_page=True)
    page.get_by_role("button", name="Simpan").click()

    expect(page.get_by_role("heading", name="Dapur stunting")).to_be_visible()
    expect(page.get_by_text("Pengeluaran dicatat: Kompor dan tabung gas.")).to_be_visible()
    expect(page.locator("[data-figure=spent]")).to_have_text("Rp 3.000.000")
    expect(page.locator("[data-figure=earmarked]")).to_have_text("Rp 5.000.000")
    expect(page.get_by_text("25% dari target anggaran terpakai")).to_be_visible()
    expect(page.locator("progress.project-progress")).to_have_attribute("value", "25")
    thumbnail = page.get_by_role("img", name="Nota")
    expect(thumbnail).to_be_visible()
    # Lazy-loaded: wait until the browser has actually decoded the thumbnail.
    wait_until(
        page,
        "() => { const i = document.querySelector('img.receipt-thumb'); "
        "return i && i.complete && i.naturalWidth > 0; }",
    )
    assert 0 < thumbnail.evaluate("img => img.naturalWidth") <= 320
    assert _no_horizontal_scroll(page)
    page.screenshot(path=f"{screenshot_dir}/spending-project-{name}.png", full_page=True)

    saved = Expense.objects.get()
    assert saved.amount == 3_000_000 and saved.project == kitchen and saved.receipt_content_type == "image/jpeg"
