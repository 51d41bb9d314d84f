"""What a first visit downloads, assets included, on a phone with an empty cache: under 100 KB for the public
ledger, a household's own page and the treasurer's 500-row sheet.

The bytes are Chromium's own count of what came over the wire (the DevTools protocol's encodedDataLength: headers
and compressed bodies), from the package's server, which compresses pages (GZipMiddleware) and serves static files
gzipped through WhiteNoise as `make run` does.
"""

from __future__ import annotations

import pytest
from django.conf import settings
from playwright.sync_api import Browser

from tests.drills.conftest import Site

pytestmark = [pytest.mark.browser, pytest.mark.crawl, pytest.mark.django_db]

LIMIT = 100_000

PAGES = {
    "public-ledger": (None, lambda o: "/"),
    "household-page": (None, lambda o: f"/h/{o['household'].private_code}/"),
    # The heaviest page: 500 rows are about 30 KB gzipped; it loads no htmx (it makes no htmx request).
    "sheet-500-rows": ("bendahara", lambda o: f"/jimpitan/lembar/?rt={o['big_rt'].pk}"),
}


def first_visit(browser: Browser, site: Site, role: str | None, path: str) -> dict[str, int]:
    """Bytes transferred per URL while loading `path` in a fresh browser (no cache)."""
    context = browser.new_context(viewport={"width": 360, "height": 740})
    if role:
        host = site.url.split("//")[1].split(":")[0]
        context.add_cookies(
            [{"name": settings.SESSION_COOKIE_NAME, "value": site.sessions[role], "domain": host, "path": "/"}]
        )
    page = context.new_page()
    cdp = context.new_cdp_session(page)
    urls, sizes = {}, {}
    cdp.on("Network.requestWillBeSent", lambda event: urls.setdefault(event["requestId"], event["request"]["url"]))
    cdp.on("Network.loadingFinished", lambda event: sizes.__setitem__(event["requestId"], event["encodedDataLength"]))
    cdp.send("Network.enable")
    cdp.send("Network.setCacheDisabled", {"cacheDisabled": True})
    try:
        page.goto(site.url + path, wait_until="networkidle")
    finally:
        context.close()
    return {urls.get(request, request).removeprefix(site.url): size for request, size in sizes.items()}


@pytest.mark.parametrize("visit", PAGES.values(), ids=PAGES.keys())
def test_a_first_visit_stays_under_100_kb(browser: Browser, site: Site, visit):
    role, path = visit
    name = path(site.objects)
    transferred = first_visit(browser, site, role, path(site.objects))
    total = sum(transferred.values())
    breakdown = ", ".join(f"{url.split('?')[0]} {size / 1000:.1f}" for url, size in sorted(transferred.items()))
    print(f"\n{name}: {total / 1000:.1f} KB in {len(transferred)} requests ({breakdown})")
    assert total < LIMIT, f"{name}: {total} bytes ({breakdown})"
