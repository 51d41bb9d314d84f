"""Pages served whole from the cache to visitors without a session: `/`, project pages, household pages.

What a visitor would notice if this went wrong: a stale figure after a save, another visitor's CSRF token
(the language switch answering 403), someone's name in the navbar, or another household's record.
"""

import datetime as dt
import re

import pytest
import time_machine
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from households import services as household_services
from households.models import RT, Household
from jimpitan.lib.evening import evening_of
from jimpitan.lib.months import month_start
from ledger import services as ledger_services
from nightly import services as nightly_services
from nightly.services import SheetRow
from public.cache import CSRF_PLACEHOLDER, PUBLIC_CACHE_SECONDS, public_cache_key
from spending import services as spending_services
from spending.models import Expense, OtherIncome, Project
from tests.public.factories import seed_kampung

pytestmark = pytest.mark.django_db


def _get(client, url: str) -> tuple[str, int]:
    """The page's HTML and how many queries it took."""
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode(), len(queries)


def _balance(html: str) -> str:
    return re.search(r'data-figure="balance">([^<]+)<', html).group(1).strip()


@pytest.fixture
def world(kampung, bendahara):
    rt = RT.objects.create(number=3)
    home = Household.objects.create(rt=rt, address="Gg. Melati 12", head_name="Siti Aminah", usual_amount=500)
    other = Household.objects.create(rt=rt, address="Gg. Mawar 1", head_name="Joko Susilo", usual_amount=500)
    project = Project.objects.create(name="Musala", budget=2_000_000)
    return {
        "rt": rt,
        "home": home,
        "other": other,
        "project": project,
        "urls": ["/", f"/program/{project.pk}/", f"/h/{home.private_code}/"],
    }


@pytest.mark.parametrize("households", [20, 200])
def test_cached_pages_cost_no_query_but_the_household_code(client, bendahara, households, django_assert_num_queries):
    data = seed_kampung(households, 1, timezone.localdate(), rts=4, contribution_days=5)
    home = Household.objects.first()
    urls = {"/": 0, f"/program/{data['projects'][0].pk}/": 0, f"/h/{home.private_code}/": 1}
    for url in urls:
        client.get(url)
    for url, queries in urls.items():
        # The household page still looks its code up, so a regenerated code is refused at once.
        with django_assert_num_queries(queries):
            assert client.get(url).status_code == 200


def test_each_visitor_gets_their_own_csrf_token(world):
    first, second = Client(enforce_csrf_checks=True), Client(enforce_csrf_checks=True)
    for url in world["urls"]:
        html_first, _ = _get(first, url)
        html_second, queries = _get(second, url)
        if url != world["urls"][2]:
            assert queries == 0  # the second visitor was served the cached page
        tokens_first = set(re.findall(r'name="csrfmiddlewaretoken" value="([^"]+)"', html_first))
        tokens_second = set(re.findall(r'name="csrfmiddlewaretoken" value="([^"]+)"', html_second))
        assert len(tokens_first) == 1 and len(tokens_second) == 1 and tokens_first != tokens_second
        assert CSRF_PLACEHOLDER not in html_first + html_second
        assert f'"X-CSRFToken": "{tokens_second.pop()}"' in html_second
    # The token on a cached page works for its visitor: the language switch is a CSRF-checked POST.
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', _get(second, "/")[0]).group(1)
    response = second.post("/i18n/setlang/", {"language": "en", "next": "/", "csrfmiddlewaretoken": token})
    assert response.status_code == 302
    assert '<html lang="en">' in second.get("/").content.decode()
    # ...and a token taken from another visitor's page is refused.
    other = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', _get(first, "/")[0]).group(1)
    third = Client(enforce_csrf_checks=True)
    third.get("/")
    assert third.post("/i18n/setlang/", {"language": "en", "csrfmiddlewaretoken": other}).status_code == 403


def test_the_cache_holds_no_token_and_no_user(world, bendahara):
    signed_in = 'navbar-text small">Bendahara<'
    client = Client()
    client.force_login(bendahara)
    for url in world["urls"]:
        assert signed_in in client.get(url).content.decode()
    anonymous = Client()
    for url in world["urls"]:
        html, _ = _get(anonymous, url)
        assert signed_in not in html and "Keluar" not in html
    # Signed in again after the anonymous visits: never the anonymous copy.
    for url in world["urls"]:
        assert signed_in in client.get(url).content.decode()
    # `/` is shared per evening too (tonight's patrol turns at 06:00, not at midnight).
    evening = evening_of().isoformat()
    key = public_cache_key(f"page:home:{evening}:id:{timezone.localdate().isoformat()}:http://testserver")
    body = b"".join(cache.get(key)["parts"]).decode()
    assert signed_in not in body and "Keluar" not in body
    assert len(cache.get(key)["parts"]) == 3  # split at the two places the token goes


def test_household_pages_are_never_shared_between_codes(world, kampung):
    kampung.show_head_name = True  # the names tell the two pages apart
    kampung.save()
    home, other = world["home"], world["other"]
    client = Client()
    html_home, _ = _get(client, f"/h/{home.private_code}/")
    html_other, _ = _get(client, f"/h/{other.private_code}/")
    assert "Siti Aminah" in html_home and "Joko" not in html_home
    assert "Joko Susilo" in html_other and "Siti" not in html_other
    # A register edit does not bump the figures' version, yet shows at once.
    home.head_name = "Siti Rahayu"
    household_services.update_household(home, rt_changed=False)
    assert "Siti Rahayu" in _get(client, f"/h/{home.private_code}/")[0]
    # A new code: the old one is a 404 at once although its page is cached.
    old = home.private_code
    home.private_code = "kode-baru-0123456789"
    home.save(update_fields=["private_code"])
    assert client.get(f"/h/{old}/").status_code == 404
    assert "Siti Rahayu" in _get(client, "/h/kode-baru-0123456789/")[0]


def test_visitors_with_a_session_a_message_or_an_odd_query_get_a_fresh_page(world, settings):
    settings.ALLOWED_HOSTS = ["testserver", "kas.example.org"]
    client = Client()
    _get(client, "/")
    # A message waiting in its cookie: rendered, so the message shows.
    client.cookies["messages"] = "anything"
    assert _get(client, "/")[1] > 0
    del client.cookies["messages"]
    # Query strings are echoed (the language switcher's `next`): never cached, never leaked to others.
    html, queries = _get(client, "/?ref=whatsapp-grup")
    assert queries > 0 and "ref=whatsapp-grup" in html
    assert "whatsapp" not in _get(client, "/")[0]
    # Another allowed host gets its own links in the Open Graph tags.
    html = client.get("/", HTTP_HOST="kas.example.org").content.decode()
    assert '<meta property="og:url" content="http://kas.example.org/"' in html
    assert "kas.example.org" not in _get(client, "/")[0]


def _evening():
    return timezone.localdate() - dt.timedelta(days=1)


def _sheet(w, user):
    nightly_services.save_sheet(
        rt=w["rt"],
        evening=_evening(),
        user=user,
        version=0,
        rows=[SheetRow(household_id=w["home"].pk, state="dibayar", amount=7_000)],
    )
    return {"/": "Rp 7.000", "household": "Rp 7.000"}


def _total_only(w, user):
    nightly_services.save_total_only_round(rt=w["rt"], evening=_evening(), user=user, version=0, total=19_000)
    return {"/": "Rp 19.000"}


def _income(w, user):
    spending_services.save_other_income(
        OtherIncome(received_on=_evening(), project=w["project"], description="Donasi musala", amount=250_000),
        user=user,
    )
    return {"/": "Rp 250.000", "project": "Rp 250.000"}


def _expense(w, user):
    OtherIncome.objects.create(received_on=_evening() - dt.timedelta(days=1), description="Kas", amount=500_000)
    spending_services.save_expense(
        Expense(spent_on=_evening(), project=w["project"], description="Karpet musala", amount=120_000), user=user
    )
    return {"/": "Rp 380.000", "project": "Karpet musala"}


def _project(w, user):
    w["project"].name = "Musala Al-Ikhlas"
    spending_services.save_project(w["project"])
    return {"/": "Musala Al-Ikhlas", "project": "Musala Al-Ikhlas"}


WRITES = [_sheet, _total_only, _income, _expense, _project]


@pytest.mark.parametrize("write", WRITES, ids=[w.__name__.strip("_") for w in WRITES])
def test_each_money_service_shows_at_once_on_the_cached_pages(
    client, world, bendahara, write, django_capture_on_commit_callbacks
):
    pages = dict(zip(["/", "project", "household"], world["urls"], strict=True))
    before = {name: _get(client, url)[0] for name, url in pages.items()}
    for url in pages.values():
        assert _get(client, url)[1] <= 1  # cached now
    with django_capture_on_commit_callbacks(execute=True):
        expected = write(world, bendahara)
    for name, text in expected.items():
        assert text not in before[name]
        assert text in _get(client, pages[name])[0], (name, text)


def test_approval_deletions_closing_and_adjustment_rebuild_the_cached_pages(
    client, world, bendahara, pokja, superuser, django_capture_on_commit_callbacks
):
    today = timezone.localdate()
    last_month = month_start(month_start(today) - dt.timedelta(days=1))
    OtherIncome.objects.create(received_on=last_month, description="Kas awal", amount=100_000)
    pages = world["urls"][:2]

    def rebuilt_after(service) -> list[str]:
        for url in pages:
            _get(client, url)
            assert _get(client, url)[1] == 0
        with django_capture_on_commit_callbacks(execute=True):
            service()
        results = [_get(client, url) for url in pages]
        assert all(queries > 0 for _html, queries in results), service
        return [html for html, _queries in results]

    expense = spending_services.save_expense(
        Expense(spent_on=today, project=world["project"], description="Sajadah", amount=10_000), user=bendahara
    )
    rebuilt_after(lambda: spending_services.approve_expense(expense, pokja))
    html = rebuilt_after(lambda: spending_services.delete_expense(Expense.objects.get(pk=expense.pk)))
    assert "Sajadah" not in html[1]
    income = OtherIncome.objects.get(description="Kas awal")
    assert _balance(rebuilt_after(lambda: spending_services.delete_other_income(income))[0]) == "Rp 0"
    spending_services.save_other_income(
        OtherIncome(received_on=last_month, description="Kas awal", amount=100_000), user=bendahara
    )
    rebuilt_after(lambda: ledger_services.close_month(last_month, bendahara, today=today))
    rebuilt_after(lambda: ledger_services.reopen_month(last_month, superuser, "Nota terlewat"))
    ledger_services.close_month(last_month, bendahara, today=today)
    html = rebuilt_after(lambda: ledger_services.record_adjustment(today, -30_000, "Uang palsu", last_month, bendahara))
    assert _balance(html[0]) == "Rp 70.000"


def test_an_edit_that_bypasses_the_services_shows_after_the_cache_time(client, world):
    """Admin edits do not invalidate; neither the shared cache nor a worker's own copy may outlive the bound."""
    assert _balance(_get(client, "/")[0]) == "Rp 0"
    OtherIncome.objects.create(received_on=_evening(), description="Lewat admin", amount=5_000)
    assert _balance(_get(client, "/")[0]) == "Rp 0"
    with time_machine.travel(timezone.now() + dt.timedelta(seconds=PUBLIC_CACHE_SECONDS + 1)):
        assert _balance(_get(client, "/")[0]) == "Rp 5.000"
