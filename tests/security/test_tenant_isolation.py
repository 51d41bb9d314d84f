"""Two kampungs on one deployment (routing by path): kampung A's people and visitors never reach kampung B.

- Every object URL of the authorization matrix, built for a record of B, answers 404 to A's Bendahara, under
  A's address (B's ids do not resolve in A) and under B's (A's Bendahara has no role there).
- A crawl of every public page of A finds no name, phone, code, description, figure or address of B, while
  the same crawl of B finds B's (so the search can fail).
"""

from __future__ import annotations

import re

import pytest
from django.utils import timezone

from households.models import RT, Household
from jimpitan.models import Kampung, KampungProfile, PrivacyLevel
from jimpitan.roles import BENDAHARA, grant_role
from jimpitan.tenancy import FIRST_KAMPUNG_ID, activate
from spending.models import Expense, OtherIncome, Project
from tests.public.factories import seed_kampung
from tests.public.test_privacy import _public_pages
from tests.security.test_authz import MATRIX, build_world

pytestmark = pytest.mark.django_db

# Matrix entries whose path parameter is not a record of B (a file format, a month, a year): under A's
# address they name A's own (empty) books, so they may answer, but never with B's marker.
NOT_A_RECORD = {
    "nightly:round_export",
    "households:export",
    "households:import_template",
    "books:close",
    "books:reopen",
    "reports:month",
    "reports:download",
    "reports:year_download",
    "public_year",
    "public_evening",
    "public_seal_text",
    "city_overview",
}
B_INCOME = 987_654


@pytest.fixture
def kampung_b(settings, kampung, tmp_path) -> Kampung:
    settings.JIMPITAN_KAMPUNG_ROUTING = "path"
    settings.MEDIA_ROOT = tmp_path / "media"
    Kampung.objects.filter(pk=FIRST_KAMPUNG_ID).update(slug="a")
    b = Kampung.objects.create(slug="b", name="Kampung Bima")
    with activate(b.id):
        KampungProfile.objects.create(kampung=b, name="Kampung Bima", privacy_level=PrivacyLevel.NAMES)
    return b


@pytest.fixture
def bendahara_b(kampung_b, django_user_model):
    """B's own treasurer, who records B's books (A's Bendahara has no role in B)."""
    user = django_user_model.objects.create_user("bendahara-bima", password="x")
    grant_role(user=user, role=BENDAHARA, kampung_id=kampung_b.pk)
    return user


def _request(client, spec, url: str):
    response = getattr(client, spec.method)(url)
    body = b"".join(response) if response.streaming else response.content
    return response.status_code, body


@pytest.mark.parametrize("name", sorted(MATRIX))
def test_b_records_are_404_for_a_bendahara_under_either_address(
    client, bendahara, petugas, pokja, kampung_b, bendahara_b, name
):
    spec = MATRIX[name]
    with activate(kampung_b.id):
        world = build_world(bendahara_b)
        path = spec.build(world)
        marker = spec.marker(world) if spec.marker else None
    client.force_login(bendahara)
    status, body = _request(client, spec, "/k/a" + path)
    if name in NOT_A_RECORD:
        assert status in (200, 302, 403, 404, 405), (path, status)
    else:
        assert status == 404, (path, status)
    if marker:
        assert marker not in body, path
    if "anonymous" not in spec.allowed:
        status, body = _request(client, spec, "/k/b" + path)
        assert status == 404, (path, status)
        if marker:
            assert marker not in body, path


def _seed_b(b: Kampung, today) -> dict:
    """B's records, with names and figures found nowhere in A."""
    with activate(b.id):
        data = seed_kampung(18, 1, today, rts=2, contribution_days=5, seed=11)
        for i, home in enumerate(data["households"]):
            home.head_name, home.phone = f"Wargabima Nama{i:04d}", f"0857{i:08d}"
        Household.objects.bulk_update(data["households"], ["head_name", "phone"])
        RT.objects.update(name="Blok Bima")
        for project in data["projects"]:
            project.name = f"Proyek Bima {project.pk}"
        Project.objects.bulk_update(data["projects"], ["name"])
        Expense.objects.update(description="Belanja Bima")
        OtherIncome.objects.create(received_on=today, description="Donasi Bima", amount=B_INCOME)
        homes = list(Household.objects.all())
    return {"households": homes}


def _markers(homes) -> list[str]:
    return [
        *(h.head_name for h in homes),
        *(h.phone for h in homes),
        *(h.private_code for h in homes),
        "Blok Bima",
        "Proyek Bima",
        "Belanja Bima",
        "Donasi Bima",
        "987.654",
        "Kampung Bima",
        "/k/b/",
    ]


def test_no_public_page_of_a_shows_anything_of_b(client, bendahara, kampung, kampung_b):
    today = timezone.localdate()
    KampungProfile.objects.filter(kampung_id=FIRST_KAMPUNG_ID).update(privacy_level=PrivacyLevel.NAMES)
    seed_kampung(24, 1, today, rts=3, contribution_days=5)
    before = {
        url: re.findall(r"Rp&nbsp;[\d.]+|Rp [\d.]+", html) for url, html in _public_pages(client, root="/k/a/").items()
    }
    b = _seed_b(kampung_b, today)
    pages_a = _public_pages(client, root="/k/a/")
    pages_b = _public_pages(client, root="/k/b/")
    needles = _markers(b["households"])
    leaks = [(url, n) for url, html in pages_a.items() for n in needles if n in html]
    assert not leaks, leaks[:5]
    # The search means something: B's own pages show B's names and its income.
    found_in_b = {n for html in pages_b.values() for n in needles if n in html}
    assert {"Wargabima Nama0000", "987.654", "Proyek Bima", "Kampung Bima"} <= found_in_b, found_in_b
    # A's figures are A's alone: every amount on every page of A is what it was before B had any record.
    after = {url: re.findall(r"Rp&nbsp;[\d.]+|Rp [\d.]+", pages_a[url]) for url in before}
    assert after == before
    assert len(pages_a) >= 5 and len(pages_b) >= 5, (len(pages_a), len(pages_b))
