import pytest
from django.conf import settings
from tests.drills.test_crawl import WIDTHS, Watch, _crawl_page

pytestmark = [pytest.mark.browser, pytest.mark.django_db]
MINE = ["reports:handover_list", "reports:handover_create", "reports:handover_preview", "reports:handover_detail", "books:months"]

@pytest.mark.parametrize("language", ["id", "en"])
@pytest.mark.parametrize("width", ["phone", "laptop"])
@pytest.mark.parametrize("role", ["pokja", "bendahara"])
def test_mine(browser, site, role, width, language):
    context = browser.new_context(viewport={"width": WIDTHS[width], "height": 800})
    host = site.url.split("//")[1].split(":")[0]
    context.add_cookies([{"name": settings.LANGUAGE_COOKIE_NAME, "value": language, "domain": host, "path": "/"},
        {"name": settings.SESSION_COOKIE_NAME, "value": site.sessions[role], "domain": host, "path": "/"}])
    page = context.new_page()
    watch = Watch(page)
    problems, seen = [], []
    for name in MINE:
        shown, p = _crawl_page(page, site, name, watch, {}, (False, width, language))
        problems += p
        if shown: seen.append(name)
    context.close()
    print(role, width, language, seen)
    assert not problems, "\n".join(problems)
