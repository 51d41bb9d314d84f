"""The treasurer's books pages on a 360-px phone and a laptop, in Indonesian and English: the home page's
shortcuts, the month list, closing, a correction, the monthly report (WhatsApp summary, copy button, empty-container
recap, downloads) and the refusal page. No page may scroll sideways, and the main action of each must be on screen."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from households.models import Household
from jimpitan.lib.evening import evening_of
from jimpitan.lib.money import format_rupiah
from jimpitan.services import save_signature_columns
from ledger.models import MonthClosing
from ledger.selectors import month_summary
from ledger.services import close_month, record_adjustment
from spending.models import Expense, OtherIncome
from tests.conftest import PASSWORD
from tests.ledger.factories import save_round
from tests.nightly.factories import make_rt

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("roles")]

JAN = dt.date(2026, 1, 1)
FEB = dt.date(2026, 2, 1)

# Real addresses and names are long; the pages must wrap them, not widen.
ADDRESSES = [
    "Jl. Flamboyan Raya Gg. Musala No. 12A",
    "Blok C3 No. 7",
    "Jl. Kenanga No. 101",
    "Perumahan Griya Asri Blok AA-15",
    "Gg. Buntu No. 3",
]
HEADS = ["Hj. Siti Nurhayati Kusumawardani", "Bpk. Ahmad Fauzi", "Sri Rahayu", "Drs. Bambang Sutrisno Wibowo", "Wayan"]


def _books(bendahara, kampung):
    save_signature_columns(
        profile=kampung,
        rows=[{"role": "Ketua Pokja", "name": "H. Sutrisno"}, {"role": "Bendahara", "name": "Ratna Suryani"}],
    )
    rt, households = make_rt(number=3, households=5, usual_amount=500)
    for household, address, head in zip(households, ADDRESSES, HEADS, strict=False):
        Household.objects.filter(pk=household.pk).update(address=address, head_name=head)
    save_round(rt, households, dt.date(2026, 1, 5), bendahara, amount=1000, states={households[0].pk: "kosong"})
    save_round(rt, households, dt.date(2026, 1, 6), bendahara, amount=500)
    OtherIncome.objects.create(received_on=dt.date(2026, 1, 10), description="Donasi Pak RW", amount=1_250_000)
    Expense.objects.create(
        spent_on=dt.date(2026, 1, 12), description="Senter dan baterai untuk ronda malam", amount=185_000
    )
    close_month(JAN, bendahara, today=dt.date(2026, 3, 1))
    empty = {households[0].pk: "kosong", households[3].pk: "kosong"}
    for day in (2, 3, 4):
        save_round(rt, households, dt.date(2026, 2, day), bendahara, amount=1000, states=empty)
    record_adjustment(dt.date(2026, 2, 3), -1_500, "Uang logam palsu di setoran malam 5 Januari", JAN, bendahara)


def _fits(page: Page) -> None:
    width = page.evaluate("[document.scrollingElement.scrollWidth, window.innerWidth]")
    assert width[0] <= width[1], f"{page.url} scrolls sideways: {width}"


def _shot(page: Page, screenshot_dir: str, name: str) -> None:
    _fits(page)
    page.screenshot(path=f"{screenshot_dir}/books-{name}.png", full_page=True)


def _tall_enough(locator) -> None:
    """Tap targets of at least 44 px (ui.md)."""
    heights = locator.evaluate_all("els => els.filter(e => e.offsetParent).map(e => e.getBoundingClientRect().height)")
    assert heights and min(heights) >= 44, heights


def _in_view(locator) -> None:
    expect(locator).to_be_visible()
    locator.scroll_into_view_if_needed()
    expect(locator).to_be_in_viewport()


@pytest.mark.parametrize(
    "viewport", [{"width": 1280, "height": 800}, {"width": 360, "height": 740}], ids=["laptop", "phone"]
)
def test_books_pages_fit_and_speak_the_users_language(
    live_server, page: Page, bendahara, kampung, viewport, screenshot_dir
):
    _books(bendahara, kampung)
    phone = viewport["width"] < 576
    size = str(viewport["width"])
    page.set_viewport_size(viewport)
    page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=live_server.url)
    try:
        page.goto(live_server.url + "/masuk/")
        page.get_by_label("Nama pengguna").fill("bendahara")
        page.locator("#id_password").fill(PASSWORD)
        page.get_by_role("button", name="Masuk").click()
        for lang, words in LANGUAGES.items():
            page.context.add_cookies([{"name": "django_language", "value": lang, "url": live_server.url}])
            _walk(page, live_server.url, words, phone, f"{lang}-{size}", screenshot_dir)
    finally:
        # The flush after a live-server test deletes rows one by one; the closed-month triggers would refuse
        # January's, so the closing goes first.
        MonthClosing.objects.all().delete()


LANGUAGES = {
    "id": {
        "home_books": "Tutup buku",
        "home_report": "Laporan bulanan",
        "menu": "Buka menu",
        "months": "Tutup buku",
        "numbers": "Nomor bukti",
        "close": "Tutup buku Februari 2026",
        "adjust": "Catat koreksi",
        "save": "Simpan",
        "report": "Laporan bulanan",
        "pdf": "Unduh PDF",
        "copy": "Salin teks",
        "copied": "Tersalin",
        "share": "Bagikan ke WhatsApp",
        "denied": "Tidak diizinkan",
        "recap": "Rekap kaleng kosong",
        "who_reopens": "admin utama",
        "english": ["Download", "Close the month", "Monthly report", "Balance"],
    },
    "en": {
        "home_books": "Close the month",
        "home_report": "Monthly report",
        "menu": "Open menu",
        "months": "Close the month",
        "numbers": "Reference numbers",
        "close": "Close February 2026",
        "adjust": "Record a correction",
        "save": "Save",
        "report": "Monthly report",
        "pdf": "Download PDF",
        "copy": "Copy text",
        "copied": "Copied",
        "share": "Share on WhatsApp",
        "denied": "Not allowed",
        "recap": "Empty-container recap",
        "who_reopens": "main administrator",
        "english": [],
    },
}


def _walk(page: Page, url: str, w: dict, phone: bool, name: str, screenshot_dir: str) -> None:
    page.goto(url + "/beranda/")
    # One card leads to the month list, where every month has its report.
    books = page.locator("main").get_by_role("link", name=re.compile(w["home_books"]))
    _in_view(books)
    expect(books).to_contain_text(re.compile(w["home_report"], re.IGNORECASE))
    _shot(page, screenshot_dir, f"home-{name}")
    if phone:
        page.get_by_role("button", name=w["menu"]).click()
        page.wait_for_selector("#main-nav.show")
    nav = page.get_by_role("navigation")
    expect(nav.get_by_role("link", name=w["months"])).to_be_visible()
    # The kampung's name keeps its room next to a dozen menu items.
    assert page.locator(".navbar-brand").evaluate("e => e.getBoundingClientRect().width") > 200
    page.screenshot(path=f"{screenshot_dir}/books-navbar-{name}.png")

    # The month list: February (ended, open) can be closed, and its button is on the first screen although
    # nine empty months follow it; January is closed with its stored balance.
    page.goto(url + "/buku/")
    expect(page.get_by_role("heading", name=w["months"], exact=True)).to_be_visible()
    expect(page.locator("a[href='/buku/2026-02/tutup/']")).to_be_in_viewport()
    _tall_enough(page.locator("main a.btn, main button"))
    expect(page.locator("main")).to_contain_text(format_rupiah(MonthClosing.objects.get(month=JAN).closing_balance))
    _shot(page, screenshot_dir, f"months-{name}")

    # The register of numbers: every document of the year in order, one link away from the month list.
    page.locator("main").get_by_role("link", name=w["numbers"], exact=True).click()
    expect(page.get_by_role("heading", name=f"{w['numbers']} 2026")).to_be_visible()
    for document in (OtherIncome.objects.get(), Expense.objects.get()):
        expect(page.locator("main")).to_contain_text(document.reference)
    _shot(page, screenshot_dir, f"numbers-{name}")
    page.goto(url + "/buku/")

    page.locator("a[href='/buku/2026-02/tutup/']").click()
    _in_view(page.locator("main").get_by_role("button", name=w["close"]))
    expect(page.locator("main")).to_contain_text(format_rupiah(month_summary(FEB).closing))
    _shot(page, screenshot_dir, f"close-{name}")

    page.goto(url + "/buku/koreksi/")
    _in_view(page.locator("main").get_by_role("button", name=w["save"]))
    # The date starts at today's evening (a locale-formatted value would leave the date input empty).
    assert page.locator("#id_entry_date").input_value() == evening_of(timezone.now()).isoformat()
    _tall_enough(page.locator("main .form-check"))
    page.locator("#id_entry_date").fill("")
    _shot(page, screenshot_dir, f"adjustment-{name}")
    page.get_by_role("button", name=w["save"]).click()  # empty: errors next to the fields, still fits
    expect(page.locator(".invalid-feedback").first).to_be_visible()
    _shot(page, screenshot_dir, f"adjustment-errors-{name}")

    # The report: downloads on top, the WhatsApp text in its box, and the copy button copies it.
    page.goto(url + "/buku/2026-02/laporan/")
    expect(page.get_by_role("heading", name=re.compile(w["report"]))).to_be_visible()
    _in_view(page.get_by_role("link", name=w["pdf"]))
    text = page.locator("#wa-text").input_value()
    assert format_rupiah(month_summary(FEB).closing) in text and "/buku/" not in text
    copy = page.get_by_role("button", name=w["copy"])
    _in_view(copy)
    copy.click()
    expect(page.get_by_role("button", name=w["copied"])).to_be_visible()
    assert page.evaluate("navigator.clipboard.readText()") == text
    share = page.get_by_role("link", name=w["share"])
    assert share.get_attribute("href").startswith("https://wa.me/?text=")
    expect(page.get_by_role("heading", name=w["recap"])).to_be_visible()
    expect(page.locator("main")).to_contain_text("Perumahan Griya Asri Blok AA-15")
    _tall_enough(page.locator("main a.btn, main button"))
    _shot(page, screenshot_dir, f"report-{name}")
    main = page.locator("main").inner_text()
    for word in w["english"]:
        assert word not in main, f"English {word!r} on the Indonesian report page"

    # Reopening is for a superuser: the treasurer gets the refusal page, with a way home.
    response = page.goto(url + "/buku/2026-01/buka/")
    assert response.status == 403
    expect(page.get_by_role("heading", name=w["denied"])).to_be_visible()
    expect(page.locator("main .alert")).to_contain_text(w["who_reopens"])
    _in_view(page.locator("main a[href='/beranda/']"))
    _shot(page, screenshot_dir, f"403-{name}")


def test_pokja_finds_the_monthly_reports_but_no_closing(
    live_server, page: Page, pokja, bendahara, kampung, screenshot_dir
):
    _books(bendahara, kampung)
    page.set_viewport_size({"width": 360, "height": 740})
    try:
        page.goto(live_server.url + "/masuk/")
        page.get_by_label("Nama pengguna").fill("pokja")
        page.locator("#id_password").fill(PASSWORD)
        page.get_by_role("button", name="Masuk").click()
        page.goto(live_server.url + "/beranda/")
        expect(page.locator("main").get_by_role("link", name=re.compile("Tutup buku"))).to_have_count(0)
        page.locator("main").get_by_role("link", name=re.compile("Laporan bulanan")).click()
        expect(page.locator("a[href$='/tutup/']")).to_have_count(0)
        page.locator("a[href='/buku/2026-01/laporan/']").click()
        expect(page.get_by_role("link", name="Unduh PDF")).to_be_visible()
        _shot(page, screenshot_dir, "report-pokja-360")
    finally:
        MonthClosing.objects.all().delete()
