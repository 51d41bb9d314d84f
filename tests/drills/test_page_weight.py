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


def _summary(sent: list[tuple[str, int]]) -> str:
    return (
        f"{sum(size for _path, size in sent) / 1000:.1f} KB ("
        + ", ".join(f"{path} {size / 1000:.1f}" for path, size in sent)
        + ")"
    )


def test_keliling_first_visit_and_a_visit_from_the_phones_cache(browser: Browser, site: Site):
    """The collector's phone mode: what the first visit downloads (the page, its assets, the route, and what the
    service worker keeps for offline use), and what opening it again costs once the worker holds the shell.
    Counted at the server, so the worker's own downloads are in."""
    context = browser.new_context(viewport={"width": 360, "height": 740})
    host = site.url.split("//")[1].split(":")[0]
    context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": site.sessions["petugas"], "domain": host, "path": "/"}]
    )
    page = context.new_page()
    url = f"{site.url}/keliling/?rt={site.objects['rt'].pk}"
    try:
        site.wire.take()
        page.goto(url, wait_until="networkidle")
        page.evaluate("navigator.serviceWorker.ready.then(() => true)")
        page.wait_for_load_state("networkidle")
        first = site.wire.take()
        page.goto(url, wait_until="networkidle")
        page.locator("[data-k=address]").wait_for()
        cached = site.wire.take()
    finally:
        context.close()
    print(f"\n/keliling/ first visit: {_summary(first)}")
    print(f"/keliling/ again, from the phone's cache: {_summary(cached)}")
    # The QR decoder (a script and its WebAssembly) is fetched by the worker in the background, for a scan with
    # no signal, on phones without a QR reader of their own (iPhones; this Chromium). It is not the page's.
    scanner = [(path, size) for path, size in first if "/barcode-detector/" in path or "/zxing-wasm/" in path]
    page_itself = [item for item in first if item not in scanner]
    print(f"of which the QR decoder kept for offline scans: {_summary(scanner)}")
    assert sum(size for _path, size in page_itself) < LIMIT, _summary(page_itself)
    assert len(scanner) == 2 and sum(size for _path, size in scanner) < 500_000, _summary(scanner)
    # Opened again, only the page and the route come over the wire (and the worker's update check): every
    # asset, the QR decoder included, is in the worker's cache.
    assert {path.split("/")[1] for path, _size in cached} <= {"keliling", "sw.js"}, _summary(cached)
    assert sum(size for _path, size in cached) < 20_000, _summary(cached)
