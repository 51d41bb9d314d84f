"""Every public page of a seeded kampung, at each privacy level, searched for every resident's name,
house number, phone and private code."""

import re

import pytest
from django.utils import timezone

from jimpitan.models import KampungProfile, PrivacyLevel
from tests.public.factories import seed_kampung

pytestmark = pytest.mark.django_db


@pytest.fixture
def seeded(bendahara, kampung):
    today = timezone.localdate()
    data = seed_kampung(24, 1, today, rts=3, contribution_days=5)
    kampung.publish_receipts = False
    kampung.save()
    return data


def _public_pages(client, root: str = "/") -> dict[str, str]:
    """Start at the kampung's public page (`root`: "/", or "/k/<slug>/" by path) and follow every link a visitor
    can reach within the public pages."""
    seen, queue, pages = set(), [root], {}
    link = re.compile(rf'href="({re.escape(root)}(?:tahun|malam|program)/[^"]*)"')
    while queue:
        url = queue.pop()
        if url in seen:
            continue
        seen.add(url)
        response = client.get(url)
        assert response.status_code == 200, url
        pages[url] = response.content.decode()
        queue.extend(link.findall(pages[url]))
    for kind in ("malam/", "program/", "tahun/"):
        assert any(u.startswith(root + kind) for u in pages), kind
    return pages


def _found(pages, needles) -> list[tuple[str, str]]:
    return [(url, n) for url, html in pages.items() for n in needles if n in html]


@pytest.mark.parametrize("level", PrivacyLevel.values)
def test_public_pages_never_show_phones_or_codes_and_names_only_when_allowed(client, seeded, level):
    KampungProfile.objects.filter(pk=1).update(privacy_level=level)
    homes = seeded["households"]
    pages = _public_pages(client)
    assert not _found(pages, [h.phone for h in homes])
    assert not _found(pages, [h.private_code for h in homes])
    assert not any("/h/" in html for html in pages.values())  # household pages are never linked
    names = _found(pages, [h.head_name for h in homes])
    # "Blok Q1" is a prefix of "Blok Q10": search with the separator the evening page uses.
    addresses = _found(pages, [f"{h.address}," for h in homes] + [f"{h.address}<" for h in homes])
    if level == PrivacyLevel.RT_TOTALS:
        assert not names and not addresses
    elif level == PrivacyLevel.HOUSE_NUMBERS:
        assert not names and addresses
    else:
        assert names
