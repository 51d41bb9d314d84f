"""The crawl: every page of the URLconf, as anonymous and as each role, on a 360-px phone and a laptop, in
Indonesian and English, with seeded data (lists, details, the 500-row sheet, the books, and each create form
submitted empty to show its errors).

On every page it asserts that nothing scrolls sideways, that axe-core finds no serious or critical violation,
that the console stays free of errors and that every asset loads. axe-core comes from npm (package.json,
devDependencies) and is put into the page by the test only; the app never serves it.

`test_every_page_is_crawled` walks the resolver, so a new URL fails the suite until it is listed here as a page
or as something that is not one (a download, an image, a POST-only action), with the reason.
"""

from __future__ import annotations

import time

import pytest
from django.conf import settings
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from playwright.sync_api import Browser, Page

from tests.drills.conftest import ROLES, Site

# The data is the package's (tests/drills/conftest.py); the marker gives each test the database it reads.
pytestmark = [pytest.mark.browser, pytest.mark.crawl, pytest.mark.django_db]

AXE_SOURCE = (settings.BASE_DIR / "node_modules" / "axe-core" / "axe.min.js").read_text()
WIDTHS = {"phone": 360, "laptop": 1280}
LANGUAGES = ("id", "en")
SERIOUS = ("serious", "critical")

# name -> the path's arguments from the seeded objects (a callable), or a query string after "?"
PAGES: dict[str, object] = {
    "public_ledger": None,
    "public_year": lambda o: [o["round"].evening.year],
    "public_evening": lambda o: [o["round"].evening.isoformat()],
    "public_project": lambda o: [o["project"].pk],
    "household_page": lambda o: [o["household"].private_code],
    "city_overview": None,
    "sticker_sheet": lambda o: f"?rt={o['rt'].pk}",  # one RT: every household's QR code took 10 s to draw
    "setup": None,
    "login": None,
    "password_change": None,
    "home": None,
    "profile": None,
    "nightly:round_list": None,
    "nightly:sheet": lambda o: f"?rt={o['big_rt'].pk}",
    "nightly:total_only": None,
    "nightly:calendar": None,
    "nightly:round_history": lambda o: [o["round"].pk],
    "nightly:household_month": lambda o: [o["household"].pk],
    "households:list": None,
    "households:create": None,
    "households:detail": lambda o: [o["household"].pk],
    "households:edit": lambda o: [o["household"].pk],
    "households:move": lambda o: [o["household"].pk],
    "households:delete": lambda o: [o["household"].pk],
    "households:rt_list": None,
    "households:rt_create": None,
    "households:rt_edit": lambda o: [o["rt"].pk],
    "households:route": lambda o: [o["rt"].pk],
    "households:import": None,
    "households:away_create": lambda o: [o["household"].pk],
    "households:away_edit": lambda o: [o["away_period"].pk],
    "households:away_delete": lambda o: [o["away_period"].pk],
    "spending:expense_list": None,
    "spending:expense_create": None,
    "spending:expense_detail": lambda o: [o["expense"].pk],
    "spending:expense_edit": lambda o: [o["expense"].pk],
    "spending:expense_delete": lambda o: [o["expense"].pk],
    "spending:income_list": None,
    "spending:income_create": None,
    "spending:income_edit": lambda o: [o["income"].pk],
    "spending:income_delete": lambda o: [o["income"].pk],
    "spending:project_list": None,
    "spending:project_create": None,
    "spending:project_detail": lambda o: [o["project"].pk],
    "spending:project_edit": lambda o: [o["project"].pk],
    "books:months": None,
    "books:adjustment_create": None,
    "books:accounts": None,
    "books:close": lambda o: [o["open_month"]],
    "books:reopen": lambda o: [o["closed_month"]],
    "reports:month": lambda o: [o["closed_month"]],
    "keliling:page": lambda o: f"?rt={o['rt'].pk}",
    "nightly:recap": lambda o: f"?malam={o['round'].evening.isoformat()}",
    "roster:page": None,
    "roster:edit": lambda o: [o["rt"].pk],
    "roster:swaps": None,
    "nightly:handover_list": None,
    "nightly:handover_create": None,
    "nightly:handover_held": None,
    "reports:handover_list": None,
    "reports:handover_create": None,
    "reports:handover_preview": None,
    "reports:handover_detail": lambda o: [o["committee_handover"].pk],
    "reports:numbers": None,
    "nightly:catch_up_list": None,
    "nightly:catch_up_create": lambda o: [o["household"].pk],
    "nightly:arrears": None,  # the demo kampung bills empty nights (KampungProfile.arrears_enabled)
}

# Pages whose form is submitted empty as well, to crawl its error state. Only forms that create something or
# check a password: an empty submit can never change the seeded data.
EMPTY_FORMS = {
    "login",
    "password_change",
    "households:create",
    "households:rt_create",
    "households:import",
    "spending:expense_create",
    "spending:income_create",
    "spending:project_create",
    "books:adjustment_create",
    "nightly:handover_create",
    "reports:handover_create",
    "nightly:catch_up_create",
}

NOT_PAGES = {
    "share_image": "the PNG shown when a link is shared",
    "public_seal_text": "a closed month's sealed text (plain text for sha256sum)",
    "public_receipt": "a receipt image",
    "regenerate_code": "POST only (a new sticker code)",
    "logout": "POST only",
    "healthz": "a plain-text health check",
    "ping": "a plain-text answer for the round's connection check",
    "set_language": "POST only (the language switcher)",
    "robots_txt": "plain text for search engines",
    "favicon": "a redirect to the icon",
    "nightly:round_export": "a CSV/XLSX download",
    "households:export": "a CSV/XLSX download",
    "households:import_commit": "POST only (the import's second step)",
    "households:import_mapping": "the import's column step: it needs a file uploaded in this session",
    "keliling:sync": "POST only (JSON from the phone)",
    "keliling:route": "JSON for the phone's offline route",
    "manifest": "the web app manifest (JSON)",
    "service_worker": "the service worker (JavaScript)",
    "roster:pdf": "a PDF download",
    "roster:download": "an XLSX download",
    "roster:swap_decide": "POST only (the treasurer's decision on a swap)",
    "households:import_template": "a CSV/XLSX download",
    "spending:expense_approve": "POST only",
    "spending:receipt": "a receipt image",
    "spending:receipt_thumbnail": "a receipt image",
    "spending:project_cover": "a project's cover image",
    "reports:download": "a PDF/CSV download",
    "reports:year_download": "the yearly report (LPJ), a PDF/XLSX download",
    "nightly:handover_delete": "POST only (removing a handover)",
    "reports:handover_download": "the serah terima's document, a PDF download",
    "reports:income_receipt": "a receipt (kuitansi) PDF",
    "reports:handover_receipt": "a receipt (kuitansi) PDF",
    "reports:catch_up_receipt": "a receipt (kuitansi) PDF",
    "nightly:catch_up_delete": "POST only (removing a catch-up payment)",
}

# (rule, page name) -> why it cannot be fixed here. Empty: every violation the crawl found was fixed.
ALLOWED: dict[tuple[str, str], str] = {}


def _url_names() -> set[str]:
    names = set()

    def walk(patterns, namespace):
        for entry in patterns:
            if isinstance(entry, URLResolver):
                if entry.app_name == "admin" or str(entry.pattern).startswith("admin/"):
                    continue  # Django's own admin, tested upstream; not a page of the app's design
                walk(entry.url_patterns, f"{namespace}{entry.namespace}:" if entry.namespace else namespace)
            elif isinstance(entry, URLPattern) and entry.name:
                names.add(namespace + entry.name)

    walk(get_resolver().url_patterns, "")
    return names


def test_every_page_is_crawled():
    names = _url_names()
    assert not names - PAGES.keys() - NOT_PAGES.keys(), "URLs neither crawled nor explained"
    assert not (PAGES.keys() | NOT_PAGES.keys()) - names, "listed names that the URLconf no longer has"


def _path(name: str, objects: dict) -> str:
    spec = PAGES[name]
    if spec is None:
        return reverse(name)
    made = spec(objects)
    return reverse(name) + made if isinstance(made, str) else reverse(name, args=made)


class Watch:
    """Console errors, uncaught exceptions and failed requests since the last reset."""

    def __init__(self, page: Page):
        self.errors: list[str] = []
        page.on("console", lambda m: m.type == "error" and self.errors.append(f"console: {m.text}"))
        page.on("pageerror", lambda e: self.errors.append(f"exception: {e}"))
        # ERR_ABORTED is a load the next navigation cut short (the icon, mostly); a missing asset answers 4xx.
        page.on(
            "requestfailed",
            lambda r: "ERR_ABORTED" not in (r.failure or "") and self.errors.append(f"failed: {r.url} {r.failure}"),
        )
        page.on(
            "response",
            lambda r: (
                r.status >= 400 and r.request.resource_type != "document" and self.errors.append(f"{r.status}: {r.url}")
            ),
        )

    def take(self) -> list[str]:
        errors, self.errors = self.errors, []
        return errors


# axe reads the first 40 of the sheet's 500 rows: the rest repeat their markup, and reading them all took 20 s a
# visit. The width, console and asset checks cover all 500.
AXE_RUN = """async () => {
  const context = {exclude: [['.sheet-rows > li:nth-child(n+41)']]};
  const result = await axe.run(context, {resultTypes: ['violations']});
  return result.violations.filter(v => v.impact === 'serious' || v.impact === 'critical').map(v => ({
    id: v.id, impact: v.impact, count: v.nodes.length,
    first: v.nodes[0].target.join(' ') + ' ' + v.nodes[0].html.slice(0, 140)}));
}"""


# axe takes most of the crawl's time (about 2 s a page on two cores). It reads each page once per width, language
# and kind of visitor (anonymous or signed in), in the first role that sees it; the roles come in the order
# petugas, pokja, bendahara, so each one's own menu and pages are read too. Width, console and assets are
# checked on every visit.
AXED: set[tuple] = set()


def _check(page: Page, name: str, label: str, watch: Watch, found: dict, axe_key: tuple) -> list[str]:
    problems = [f"{label}: {error}" for error in watch.take()]
    width = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    if width[0] > width[1]:
        problems.append(f"{label}: {width[0]} px wide in a {width[1]}-px window")
    if axe_key in AXED:
        return problems
    AXED.add(axe_key)
    page.evaluate(AXE_SOURCE)
    for violation in page.evaluate(AXE_RUN):
        found[violation["id"]] = found.get(violation["id"], 0) + violation["count"]
        if (violation["id"], name) not in ALLOWED:
            problems.append(
                f"{label}: axe {violation['impact']} {violation['id']} ×{violation['count']}: {violation['first']}"
            )
    return problems


SUBMIT_EMPTY = """() => {
  const form = document.querySelector('#main form[method=post]');
  if (!form) return false;
  form.noValidate = true;
  form.querySelectorAll('input[type=text],input[type=number],input[type=date],input[type=password],textarea')
    .forEach(input => { input.value = ''; });
  form.requestSubmit();
  return true;
}"""


def _crawl_page(page: Page, site: Site, name: str, watch: Watch, found: dict, visit: tuple) -> tuple[bool, list[str]]:
    """(whether the role may see the page, the problems found on it and on its empty form's errors)."""
    path = _path(name, site.objects)
    response = page.goto(site.url + path)
    watch_errors = watch.take()
    if response is None or response.status != 200 or response.request.redirected_from is not None:
        return False, []  # refused or redirected to the login: the page is the role's business of another test
    watch.errors = watch_errors
    problems = _check(page, name, path, watch, found, (name, *visit))
    if name in EMPTY_FORMS:
        with page.expect_navigation():
            assert page.evaluate(SUBMIT_EMPTY), f"{path}: no form to submit"
        problems += _check(page, name, f"{path} (empty form)", watch, found, (name, "empty form", *visit))
    return True, problems


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("role", ROLES)
def test_every_page_fits_and_passes_axe(browser: Browser, site: Site, role, width, language):
    context = browser.new_context(viewport={"width": WIDTHS[width], "height": 800})
    host = site.url.split("//")[1].split(":")[0]
    cookies = [{"name": settings.LANGUAGE_COOKIE_NAME, "value": language, "domain": host, "path": "/"}]
    if role != "anonymous":
        cookies.append(
            {"name": settings.SESSION_COOKIE_NAME, "value": site.sessions[role], "domain": host, "path": "/"}
        )
    context.add_cookies(cookies)
    page = context.new_page()
    watch = Watch(page)
    started, seen, problems, found = time.perf_counter(), [], [], {}
    try:
        for name in PAGES:
            visit = (role == "anonymous", width, language)
            shown, page_problems = _crawl_page(page, site, name, watch, found, visit)
            if shown:
                seen.append(name)
            problems += page_problems
    finally:
        context.close()
    print(
        f"\n{role}/{width}/{language}: {len(seen)} pages in {time.perf_counter() - started:.1f} s; "
        f"serious/critical by rule: {found or 'none'}"
    )
    assert len(seen) >= {"anonymous": 4, "petugas": 10, "pokja": 20, "bendahara": 35}[role], seen
    assert not problems, "\n".join(problems)
