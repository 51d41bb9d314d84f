"""Odd input never gives a server error: every URL pattern's path and query parameters, driven by hypothesis,
anonymous and as each role, answer with something other than 500."""

from __future__ import annotations

import datetime as dt
import string

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from households.models import RT, Household
from tests.access import ROLES

pytestmark = pytest.mark.django_db

# Values that broke pages before: years at the ends of dt.date, ids past 64 bits, malformed months.
NASTY = [
    "0",
    "-1",
    "99999999999999999999999",
    "9223372036854775808",
    "0001-01",
    "9999-12",
    "0000-00",
    "2026-13",
    "0001-01-01",
    "9999-12-31",
    "2026-02-30",
    "",
    " ",
    "%00",
    "a" * 300,
    "../../etc/passwd",
    "１２",
    "1e9",
    "NaN",
]
QUERY_KEYS = ["bulan", "malam", "rt", "page", "sort", "unduh", "status", "q", "kode", "tahun", "next", "per_page"]
QUERY_KEYS += ["tanggal"]  # the serah terima's preview
text = st.one_of(st.sampled_from(NASTY), st.text(string.printable, max_size=40), st.integers().map(str))


def _patterns() -> list[tuple[str, dict]]:
    """(route with <converters>, converters) of every URL outside the admin and i18n."""
    found = []

    def walk(entries, prefix: str) -> None:
        for entry in entries:
            if isinstance(entry, URLResolver):
                if entry.app_name == "admin" or str(entry.pattern).startswith(("admin/", "i18n/")):
                    continue
                walk(entry.url_patterns, prefix + str(entry.pattern))
            elif isinstance(entry, URLPattern):
                found.append((prefix + str(entry.pattern), entry.pattern.converters))

    walk(get_resolver().url_patterns, "")
    return found


PATTERNS = _patterns()


def _path(route: str, values: list[str]) -> str:
    parts = route.split("<")
    path = parts[0]
    for part, value in zip(parts[1:], values, strict=False):
        path += value.replace("/", "") + part.split(">", 1)[1]
    return "/" + path


@pytest.fixture
def clients(users, kampung):
    rt = RT.objects.create(number=1)
    Household.objects.create(rt=rt, address="No. 1", head_name="Warga", joined_on=dt.date(2026, 1, 1))
    signed_in = {}
    for role, user in users.items():
        if user is None:
            continue
        signed_in[role] = Client()
        signed_in[role].force_login(user)
    return {"anonymous": Client(), **signed_in}


class Tally:
    requests = 0


@pytest.mark.parametrize("route", [route for route, _converters in PATTERNS])
@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    path_values=st.lists(text, min_size=3, max_size=3),
    query=st.dictionaries(st.sampled_from(QUERY_KEYS), text, max_size=3),
    role=st.sampled_from(ROLES),
)
def test_no_url_gives_a_server_error(clients, route, path_values, query, role):
    path = _path(route, path_values)
    Tally.requests += 1
    response = clients[role].get(path, query)
    assert response.status_code < 500, (role, path, query)


@pytest.mark.parametrize("value", NASTY)
@pytest.mark.parametrize("key", ["bulan", "malam"])
def test_each_nasty_month_or_evening_on_the_dated_pages(clients, key, value):
    for url in (
        "/",
        "/jimpitan/",
        "/jimpitan/lembar/",
        "/jimpitan/total/",
        "/jimpitan/kalender/",
        "/buku/",
        "/kas/pengeluaran/",
        "/kas/pemasukan/",
        "/rumah/",
    ):
        Tally.requests += 1
        assert clients["bendahara"].get(url, {key: value, "rt": "1"}).status_code < 500, (url, key, value)


def test_zz_report_generated_requests():
    print(f"\nno-500 drill: {Tally.requests} generated requests over {len(PATTERNS)} URL patterns")


def test_the_generator_reaches_every_pattern():
    assert len(PATTERNS) > 40
