"""One walk on a 360-px phone: the public ledger, a project, a household's own page; the figures on
screen are the cash book's."""

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from jimpitan.lib.money import format_rupiah
from ledger import selectors
from nightly import selectors as nightly_selectors
from spending import selectors as spending_selectors
from tests.public.factories import seed_kampung

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("roles")]


def _no_horizontal_scroll(page: Page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_public_ledger_project_and_household_on_a_phone(live_server, page: Page, bendahara, screenshot_dir):
    today = timezone.localdate()
    data = seed_kampung(60, 2, today, rts=3)
    page.set_viewport_size({"width": 360, "height": 740})

    page.goto(live_server.url + "/")
    month = selectors.month_summary(today)
    expect(page.locator("[data-figure=balance]")).to_have_text(format_rupiah(selectors.current_balance()))
    expect(page.locator("[data-figure=month-jimpitan]")).to_have_text("+" + format_rupiah(month.jimpitan))
    expect(page.locator("[data-figure=month-other]")).to_have_text("+" + format_rupiah(month.other_income))
    expect(page.locator("[data-figure=month-expenses]")).to_have_text("−" + format_rupiah(month.expenses))
    assert page.locator("figure.chart svg").count() == 2
    assert _no_horizontal_scroll(page)
    page.screenshot(path=f"{screenshot_dir}/ledger-public-360.png", full_page=True)
    page.locator("figure.chart").nth(0).screenshot(path=f"{screenshot_dir}/ledger-chart-income-360.png")
    page.locator("figure.chart").nth(1).screenshot(path=f"{screenshot_dir}/ledger-chart-participation-360.png")
    page.locator(".evenings-table").first.screenshot(path=f"{screenshot_dir}/ledger-evenings-360.png")
    page.set_viewport_size({"width": 1280, "height": 800})
    page.screenshot(path=f"{screenshot_dir}/ledger-public-1280.png", full_page=True)
    page.set_viewport_size({"width": 360, "height": 740})

    project = data["projects"][0]
    page.get_by_role("link", name=project.name).first.click()
    expect(page.get_by_role("heading", name=project.name)).to_be_visible()
    progress = spending_selectors.project_progress(project.pk)[0]
    expect(page.locator("[data-figure=spent]")).to_have_text(format_rupiah(progress.spent))
    expect(page.locator("[data-figure=budget]")).to_have_text(format_rupiah(project.budget))
    assert _no_horizontal_scroll(page)
    page.screenshot(path=f"{screenshot_dir}/ledger-project-360.png", full_page=True)

    household = data["households"][0]
    page.goto(f"{live_server.url}/h/{household.private_code}/")
    year_total = sum(m.amount for m in nightly_selectors.household_year(household, today.year))
    expect(page.locator("[data-figure=year-total]")).to_have_text(format_rupiah(year_total))
    expect(page.get_by_role("heading", name=f"{household.rt} · {household.address}")).to_be_visible()
    assert _no_horizontal_scroll(page)
    page.screenshot(path=f"{screenshot_dir}/ledger-household-360.png", full_page=True)


def test_tonight_patrol_by_first_name_on_a_phone(live_server, page: Page, bendahara, kampung, screenshot_dir):
    from households.models import RT
    from jimpitan.lib.evening import evening_of
    from jimpitan.models import PrivacyLevel
    from nightly.services import replace_roster

    kampung.privacy_level = PrivacyLevel.NAMES
    kampung.save()
    seed_kampung(20, 1, timezone.localdate(), rts=2, contribution_days=2)
    tonight = evening_of().isoformat()
    for rt, names in zip(RT.objects.all(), ["Pak Slamet Riyadi, Siti Aminah", "Joko Susilo Wibowo"], strict=True):
        replace_roster(rt=rt, text=f"{tonight}\t{names}", user=bendahara)
    page.set_viewport_size({"width": 360, "height": 740})
    page.goto(live_server.url + "/")
    patrol = page.locator("[data-figure=patrol]")
    expect(patrol).to_contain_text("Petugas ronda malam ini")
    expect(patrol.locator("li").first).to_have_text("RT 01 Pak Slamet, Siti")
    expect(patrol).not_to_contain_text("Riyadi")
    assert _no_horizontal_scroll(page)
    patrol.scroll_into_view_if_needed()
    page.screenshot(path=f"{screenshot_dir}/ledger-patrol-360.png")
