"""Issue 16 §5 at 360 px: where the money is on `/` (cash, bank, the last bank match) and the monthly report page's
per-account table, on the demo's books (Kas tunai, the bank with monthly deposits and matches, the cash box)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import Page, expect

from demo.seeding import seed_demo
from jimpitan.lib.money import format_rupiah
from jimpitan.lib.months import month_start
from jimpitan.models import KampungProfile
from ledger import selectors
from ledger.models import MonthClosing
from reports import data

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("roles")]


def _no_horizontal_scroll(page: Page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_where_the_money_is_and_the_account_table_on_a_phone(live_server, page: Page, screenshot_dir):
    demo = seed_demo(households=30, months=3, seed=5)
    password = next(password for username, _role, password in demo.users if username == "bendahara")
    where = selectors.where_the_money_is(KampungProfile.load())
    assert where.bank > 0 and where.last_bank_match is not None
    try:
        page.set_viewport_size({"width": 360, "height": 740})

        page.goto(live_server.url + "/")
        block = page.locator("section[data-where]")
        expect(block.get_by_role("heading")).to_have_text("Di mana uangnya")
        expect(block.locator("[data-where=cash]")).to_have_text(format_rupiah(where.cash))
        expect(block.locator("[data-where=bank]")).to_have_text(format_rupiah(where.bank))
        expect(block.locator("[data-where-note=bank]")).to_contain_text("Cocok dengan buku bank per")
        # The demo's last evenings are still with the patrol: their own row, and the rows add up to the balance.
        held = selectors.held_outside_accounts()
        assert held > 0
        expect(block.locator("[data-where=patrol]")).to_have_text(format_rupiah(held))
        expect(page.locator("[data-figure=balance]")).to_have_text(format_rupiah(where.total + held))
        expect(page.locator("body")).not_to_contain_text("BRI Simpedes")
        assert _no_horizontal_scroll(page)
        page.locator("#balance-title").scroll_into_view_if_needed()
        page.screenshot(path=f"{screenshot_dir}/ledger-where-money-360.png")

        page.goto(live_server.url + "/masuk/")
        page.get_by_label("Nama pengguna").fill("bendahara")
        page.locator("#id_password").fill(password)
        page.get_by_role("button", name="Masuk").click()
        page.wait_for_url("**/beranda/**")
        month = month_start(month_start(timezone.localdate()) - dt.timedelta(days=1))
        page.goto(live_server.url + reverse("reports:month", args=[f"{month:%Y-%m}"]))
        table = page.locator("table.account-months")
        expect(table).to_contain_text("BRI Simpedes RW 05")
        closing = data.build(month).summary.closing
        expect(table.locator("[data-account-total=closing]")).to_contain_text(format_rupiah(closing))
        assert _no_horizontal_scroll(page)
        # The page runs long with the treasurer's recaps below: the table and its heading, as the phone shows them.
        page.locator("#accounts").scroll_into_view_if_needed()
        page.evaluate("document.getElementById('accounts').scrollIntoView()")
        page.screenshot(path=f"{screenshot_dir}/report-accounts-360.png")
        table.screenshot(path=f"{screenshot_dir}/report-accounts-table-360.png")
    finally:
        # The demo closes its old months: their triggers would refuse the flush after the test.
        MonthClosing.objects.all().delete()
