"""Leak drill: crawl every public URL of a seeded kampung as an anonymous visitor and search every answer
for residents' names, phone numbers and private codes. At the default privacy level there must be none;
phones and codes never appear at any level."""

from __future__ import annotations

import datetime as dt
import re
from collections import deque
from html import unescape
from urllib.parse import urljoin, urlsplit

import pytest
from django.core.files.base import ContentFile
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from jimpitan.lib.evening import evening_of
from jimpitan.models import Kampung, KampungProfile, PrivacyLevel

pytestmark = pytest.mark.django_db

# Distinctive names and phones, so that a hit is a leak and never a coincidence.
RESIDENTS = [
    ("Sukmawati Prawiranegara", "0857 1234 9876"),
    ("Bambang Kusumohadi", "+62 812-7788-4411"),
    ("Rr. Endang Tirtowinoto", "081390017755"),
    ("Haji Mukhlisin Baedowi", "0813-3322-6655"),
    ("Ni Luh Ayu Sriwahyuni", "0878 6611 2299"),
    ("Yohanes Kristianto Ngabalin", "0821 4455 0099"),
]
SKIP_PREFIXES = ("/masuk/", "/keluar/", "/setup/", "/admin/", "/i18n/", "/static/", "/beranda/", "/pengaturan/")


@pytest.fixture
def seeded(bendahara, settings, tmp_path):
    """Two RTs, six named households with phones, a month of rounds, an expense with a payee and receipt."""
    from households.models import RT, Household
    from nightly.services import SheetRow, save_sheet
    from spending.models import Expense, Project

    settings.MEDIA_ROOT = tmp_path / "media"
    households = []
    for number in (1, 2):
        rt = RT.objects.create(number=number, display_order=number)
        for i, (name, phone) in enumerate(RESIDENTS[(number - 1) * 3 : number * 3], start=1):
            households.append(
                Household.objects.create(
                    rt=rt, address=f"Gang Kenanga {number}{i}", head_name=name, phone=phone, route_position=i
                )
            )
    today = evening_of()
    for back in range(1, 12):
        evening = today - dt.timedelta(days=back)
        for rt in RT.objects.all():
            rows = [
                SheetRow(h.pk, "dibayar" if (h.pk + back) % 4 else "kosong", 500 if (h.pk + back) % 4 else 0, note="")
                for h in households
                if h.rt_id == rt.pk
            ]
            save_sheet(
                rt=rt,
                evening=evening,
                user=bendahara,
                version=0,
                rows=rows,
                collectors=RESIDENTS[back % 6][0],
                notes=f"Dititipkan {RESIDENTS[(back + 1) % 6][0]}",
            )
    project = Project.objects.create(name="Musala Al-Ikhlas", budget=5_000_000)
    expense = Expense(
        spent_on=today - dt.timedelta(days=2),
        description="Semen 10 sak",
        amount=650_000,
        project=project,
        payee=RESIDENTS[2][0],
        recorded_by=bendahara,
        receipt_content_type="image/jpeg",
    )
    expense.receipt.save("nota.jpg", ContentFile(b"\xff\xd8\xff nota"), save=True)
    Kampung.objects.update(publishes_overview=True)  # the city overview shows this kampung's figures too
    return households


def _public_patterns(seeded_households) -> list[str]:
    """The public URL patterns, filled with real values: the crawl starts from all of them, not only '/'."""
    from spending.models import Project

    today = evening_of() - dt.timedelta(days=1)
    fill = {
        "year": str(today.year),
        "evening": today.isoformat(),
        "pk": str(Project.objects.get().pk),
        "expense_id": "1",
        "fmt": "csv",
    }
    urls = []

    def walk(patterns, prefix):
        for entry in patterns:
            route = prefix + str(entry.pattern)
            if route.startswith(tuple(p.lstrip("/") for p in SKIP_PREFIXES)):
                continue
            if isinstance(entry, URLResolver):
                walk(entry.url_patterns, route)
            elif isinstance(entry, URLPattern):
                url = "/" + re.sub(r"<(?:\w+:)?(\w+)>", lambda m: fill.get(m.group(1), "x"), route)
                urls.append(url)

    walk(get_resolver().url_patterns, "")
    return sorted(set(urls))


def _crawl(client: Client, start: list[str], limit: int = 400) -> dict[str, bytes]:
    """Every page reachable from `start` by following links and sources on the same site, as anonymous."""
    seen, bodies = set(), {}
    queue = deque(start)
    while queue and len(bodies) < limit:
        url = queue.popleft()
        path = urlsplit(url).path
        if url in seen or path.startswith(SKIP_PREFIXES):
            continue
        seen.add(url)
        response = client.get(url)
        if response.status_code != 200:
            continue
        body = b"".join(response) if response.streaming else response.content
        bodies[url] = body
        if "text/html" in response.get("Content-Type", "") or "svg" in response.get("Content-Type", ""):
            for link in re.findall(r'(?:href|src|action)="([^"#]+)"', body.decode("utf-8", "replace")):
                target = urljoin(url, unescape(link))
                parts = urlsplit(target)
                if parts.netloc in ("", "testserver") and parts.scheme in ("", "http"):
                    queue.append(parts.path + (f"?{parts.query}" if parts.query else ""))
    return bodies


def _digits(text: str) -> str:
    return re.sub(r"\D", "", text)


def _leaks(bodies: dict[str, bytes], households, *, names: bool) -> list[tuple[str, str]]:
    found = []
    for url, body in bodies.items():
        text = unescape(body.decode("utf-8", "replace"))
        digits = _digits(text)
        for household in households:
            if names and household.head_name in text:
                found.append((url, household.head_name))
            for probe in (household.phone, household.phone.replace(" ", ""), _digits(household.phone)[-9:]):
                if probe and (probe in text or (probe.isdigit() and probe in digits)):
                    found.append((url, household.phone))
                    break
            if household.private_code in text:
                found.append((url, f"code of {household.head_name}"))
    return found


def test_no_resident_data_on_any_public_page_at_the_default_level(seeded):
    profile = KampungProfile.load()
    assert profile.privacy_level == PrivacyLevel.RT_TOTALS  # the default
    client = Client()
    bodies = _crawl(client, ["/"] + _public_patterns(seeded))
    # The crawl really reached the public ledger and its detail pages.
    assert len(bodies) >= 5, sorted(bodies)
    assert any("/malam/" in url for url in bodies) and any("/program/" in url for url in bodies)
    assert b"data-kampung" in bodies["/ringkasan/"]
    leaks = _leaks(bodies, seeded, names=True)
    print(f"\nleak drill: {len(bodies)} public answers crawled, {len(leaks)} leaks")
    assert leaks == []


@pytest.mark.parametrize("level", [PrivacyLevel.HOUSE_NUMBERS, PrivacyLevel.NAMES])
def test_phones_and_codes_never_appear_at_any_level(seeded, level):
    profile = KampungProfile.load()
    profile.privacy_level = level
    profile.publish_receipts = True
    profile.save()
    bodies = _crawl(Client(), ["/"] + _public_patterns(seeded))
    assert len(bodies) >= 5
    assert _leaks(bodies, seeded, names=False) == []


def test_the_drill_would_see_a_leak(seeded):
    """The search itself works: a household's own page (reached only with its code) shows its address,
    and a planted phone is found in any spelling."""
    household = seeded[0]
    bodies = {"/h/": Client().get(f"/h/{household.private_code}/").content}
    assert b"Gang Kenanga 11" in bodies["/h/"]
    planted = {"/x/": f"<p>Hubungi {household.phone.replace(' ', '-')}</p>".encode()}
    assert _leaks(planted, seeded, names=True) == [("/x/", household.phone)]
