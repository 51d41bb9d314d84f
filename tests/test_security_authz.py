"""Authorization of every object URL (a URL that names one record: a round, a household, a receipt, an
export, a household's private code...). A role without the right, or an anonymous visitor, gets a
redirect to login, 403 or 404, and never the object: the record's private marker is not in the answer.

`test_every_object_url_is_in_the_matrix` walks the URL configuration, so a new object URL fails the
suite until it is added here.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Callable

import pytest
from django.core.files.base import ContentFile
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from jimpitan.lib.evening import evening_of
from tests.access import ROLES

pytestmark = pytest.mark.django_db

PETUGAS_UP = {"petugas", "pokja", "bendahara"}
POKJA_UP = {"pokja", "bendahara"}
BENDAHARA = {"bendahara"}
NOBODY: set[str] = set()
EVERYONE = {"anonymous", *PETUGAS_UP}


@dataclass
class World:
    """One of each record, with markers that only an authorised answer may contain."""

    rt: object
    household: object
    other_household: object
    round: object
    objects: dict


@pytest.fixture
def world(bendahara, petugas, pokja, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    from households.models import RT, Household
    from nightly.services import SheetRow, save_sheet

    rt = RT.objects.create(number=7)
    household = Household.objects.create(rt=rt, address="Gang Mawar 7", head_name="Rahasia Sukmawati",
                                         phone="081299887766", route_position=1)
    other = Household.objects.create(rt=rt, address="Gang Mawar 9", head_name="Tetangga Wiryono",
                                     phone="081211112222", route_position=2)
    result = save_sheet(rt=rt, evening=evening_of() - dt.timedelta(days=1), user=bendahara, version=0,
                        rows=[SheetRow(household.pk, "dibayar", 700), SheetRow(other.pk, "dibayar", 300)],
                        notes="Catatan ronda rahasia")
    objects = {}
    try:
        from spending.models import Expense, OtherIncome, Project

        project = Project.objects.create(name="Ambulans Kampung")
        expense = Expense(spent_on=evening_of() - dt.timedelta(days=1), description="Ban ambulans rahasia",
                          amount=450_000, project=project, recorded_by=bendahara, receipt_content_type="image/jpeg")
        expense.receipt.save("nota-ban.jpg", ContentFile(b"\xff\xd8\xff RAHASIA-NOTA-BAN"), save=True)
        income = OtherIncome.objects.create(received_on=evening_of() - dt.timedelta(days=1), description="Donasi rahasia",
                                            amount=100_000, recorded_by=bendahara)
        objects.update(project=project, expense=expense, income=income)
    except ImportError:
        pass
    return World(rt, household, other, result.round, objects)


@dataclass
class ObjectUrl:
    build: Callable[[World], str]
    allowed: set[str]  # roles that get the object
    marker: Callable[[World], bytes] | None = None  # what the object's answer contains
    method: str = "get"


def _nightly_urls() -> dict[str, ObjectUrl]:
    return {
        "nightly:round_history": ObjectUrl(lambda w: reverse("nightly:round_history", args=[w.round.pk]), PETUGAS_UP,
                                           lambda w: b"Rahasia Sukmawati"),
        "nightly:household_month": ObjectUrl(lambda w: reverse("nightly:household_month", args=[w.household.pk]),
                                             PETUGAS_UP, lambda w: b"Rahasia Sukmawati"),
        "nightly:round_export": ObjectUrl(lambda w: reverse("nightly:round_export", args=["csv"]), PETUGAS_UP,
                                          lambda w: b"RT 07"),
    }


MATRIX: dict[str, ObjectUrl] = {**_nightly_urls()}


def _object_url_names() -> set[str]:
    """Named URL patterns with a path parameter, outside the admin (Django's own, tested upstream)."""
    names = set()

    def walk(patterns, namespace):
        for entry in patterns:
            if isinstance(entry, URLResolver):
                if entry.app_name == "admin" or str(entry.pattern).startswith(("admin/", "i18n/")):
                    continue
                ns = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
                walk(entry.url_patterns, ns)
            elif isinstance(entry, URLPattern) and entry.name and entry.pattern.converters:
                names.add(namespace + entry.name)

    walk(get_resolver().url_patterns, "")
    return names


def test_every_object_url_is_in_the_matrix():
    missing = _object_url_names() - MATRIX.keys()
    assert not missing, f"object URLs without an authorization check here: {sorted(missing)}"


@pytest.mark.parametrize("name", sorted(MATRIX))
@pytest.mark.parametrize("role", ROLES)
def test_object_url_is_only_for_its_roles(client_as, world, name, role):
    spec = MATRIX[name]
    client = client_as(role)
    url = spec.build(world)
    response = getattr(client, spec.method)(url)
    body = b"".join(response) if response.streaming else response.content
    marker = spec.marker(world) if spec.marker else None
    if role in spec.allowed:
        assert response.status_code in (200, 302), (url, role, response.status_code)
        if marker and response.status_code == 200:
            assert marker in body, (url, role)  # proves the marker check below means something
        return
    if role == "anonymous" and response.status_code == 302:
        assert response["Location"].startswith("/masuk/"), (url, response["Location"])
    else:
        assert response.status_code in (403, 404, 405), (url, role, response.status_code)
    if marker:
        assert marker not in body, (url, role)
