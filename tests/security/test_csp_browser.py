"""In a real browser the Content Security Policy blocks nothing the app needs: every page loads with no
CSP violation, as a visitor and as the treasurer."""

import pytest
from playwright.sync_api import Error, Page

from tests.conftest import PASSWORD
from tests.security.test_headers import _plain_page_urls

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("roles")]


def test_no_csp_violation_on_any_page(live_server, page: Page, bendahara):
    from households.models import RT, Household

    rt = RT.objects.create(number=2)
    Household.objects.create(rt=rt, address="No. 1", head_name="Warga Satu", route_position=1)
    violations: list[str] = []
    page.on(
        "console",
        lambda msg: (
            violations.append(f"{page.url}: {msg.text}")
            if "Content Security Policy" in msg.text or "Content-Security-Policy" in msg.text
            else None
        ),
    )
    visited = 0

    def visit(url: str) -> int:
        try:
            return int(page.goto(live_server.url + url).ok)
        except Error:  # a POST-only address answers 405 with no page: nothing to check there
            return 0

    for url in _plain_page_urls():
        visited += visit(url)
    page.goto(live_server.url + "/masuk/")
    page.get_by_label("Nama pengguna").fill("bendahara")
    page.locator("#id_password").fill(PASSWORD)
    page.get_by_role("button", name="Masuk").click()
    page.wait_for_url("**/beranda/")
    for url in _plain_page_urls() + [f"/jimpitan/lembar/?rt={rt.pk}"]:
        visited += visit(url)
    assert visited >= 6
    assert violations == []
