"""The handover pages on a 360-px phone: tick several evenings, a shortfall asks for its explanation next to the
field, the list and the patrol's held money fit without sideways scrolling."""

from __future__ import annotations

import datetime as dt

import pytest
from playwright.sync_api import Page, expect

from jimpitan.lib.evening import evening_of
from nightly.models import Handover, Round
from tests.conftest import PASSWORD
from tests.nightly.factories import make_rt

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("roles")]


def _fits(page: Page) -> None:
    width = page.evaluate("[document.scrollingElement.scrollWidth, window.innerWidth]")
    assert width[0] <= width[1], width


@pytest.mark.parametrize("lang", ["id", "en"])
def test_recording_a_handover_on_a_phone(live_server, page: Page, bendahara, kampung, lang, screenshot_dir):
    today = evening_of()
    rt, _households = make_rt(number=3, households=1)
    other, _ = make_rt(number=12, households=1)
    for days, rt_, total, who in (
        (2, rt, 41_500, "Pak Slamet Riyadi, Pak Bambang"),
        (1, rt, 38_000, "Pak Slamet Riyadi, Pak Bambang"),
        (9, other, 27_000, "Bu Sri Wahyuningsih"),
    ):
        Round.objects.create(
            rt=rt_, evening=today - dt.timedelta(days=days), total=total, is_total_only=True, collectors=who
        )
    page.set_viewport_size({"width": 360, "height": 740})
    page.goto(live_server.url + "/masuk/")
    page.get_by_label("Nama pengguna").fill("bendahara")
    page.locator("#id_password").fill(PASSWORD)
    page.get_by_role("button", name="Masuk").click()
    page.context.add_cookies([{"name": "django_language", "value": lang, "url": live_server.url}])

    page.goto(live_server.url + "/jimpitan/setoran/baru/")
    _fits(page)
    page.locator("#id_handed_by_name").fill("Pak Slamet Riyadi")
    for round_ in Round.objects.filter(rt=rt):
        page.locator(f'input[name="rounds"][value="{round_.pk}"]').check()
    page.locator("#id_counted").fill("78.500")
    page.locator("#id_explanation").fill("")
    page.locator("button.btn-success").click()
    expect(page.locator("#error_1_id_explanation")).to_be_visible()
    _fits(page)
    page.screenshot(path=f"{screenshot_dir}/handover-form-error-{lang}-360.png", full_page=True)
    assert not Handover.objects.exists()

    page.locator("#id_explanation").fill("Rp 1.000 koin hilang di jalan")
    page.locator("button.btn-success").click()
    expect(page.get_by_text("Rp 1.000 koin hilang di jalan")).to_be_visible()
    _fits(page)
    page.screenshot(path=f"{screenshot_dir}/handover-list-{lang}-360.png", full_page=True)
    assert Handover.objects.get().difference == -1_000

    page.goto(live_server.url + "/jimpitan/setoran/di-petugas/")
    expect(page.locator('[data-figure="held"]')).to_have_text("Rp 27.000")
    expect(page.get_by_text("Bu Sri Wahyuningsih · Rp 27.000")).to_be_visible()
    _fits(page)
    page.screenshot(path=f"{screenshot_dir}/handover-held-{lang}-360.png", full_page=True)
