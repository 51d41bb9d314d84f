"""The nightly WhatsApp recap: counts, total, counted cash and difference, petugas; addresses of empty houses only
where the privacy level allows; a constant number of queries for one RT or a whole evening."""

from __future__ import annotations

import datetime as dt
from urllib.parse import unquote

import pytest
from django.urls import reverse

from jimpitan.lib.evening import evening_of
from jimpitan.lib.pasaran import pasaran_of
from jimpitan.models import KampungProfile, PrivacyLevel
from nightly.services import SheetRow, save_sheet
from tests.nightly.factories import make_rt

pytestmark = pytest.mark.django_db


def _record(rt, households, user, evening):
    rows = [
        SheetRow(households[0].pk, "dibayar", 500),
        SheetRow(households[1].pk, "kosong", 0),
        SheetRow(households[2].pk, "titip", 1000, "Bu Sri"),
        SheetRow(households[3].pk, "dibayar", 500),
    ]
    return save_sheet(
        rt=rt, evening=evening, user=user, version=0, rows=rows, counted_cash=1500, collectors="Pak Slamet, Mas Joko"
    )


def test_recap_of_one_round_gives_counts_only_by_default(client_as, bendahara):
    rt, households = make_rt(number=3, households=5)
    evening = evening_of() - dt.timedelta(days=1)
    _record(rt, households, bendahara, evening)
    response = client_as("petugas").get(reverse("nightly:recap") + f"?malam={evening:%Y-%m-%d}&rt={rt.pk}")
    assert response.status_code == 200
    text = response.context["text"]
    assert pasaran_of(evening) in text.splitlines()[0]
    assert "*RT 03*" in text
    assert "Ada 2 · Kosong 1 · Titip 1" in text
    assert "Total: Rp 2.000" in text
    assert "Uang dihitung: Rp 1.500 (selisih -Rp 500)" in text
    assert "Pak Slamet, Mas Joko" in text
    assert households[1].address not in text  # counts only at the default privacy level
    page = response.content.decode()
    assert "https://wa.me/?text=" in page and "copy_text.js" in page
    assert unquote(page.split("https://wa.me/?text=")[1].split('"')[0]).startswith("*Jimpitan malam")


@pytest.mark.parametrize("level", [PrivacyLevel.HOUSE_NUMBERS, PrivacyLevel.NAMES])
def test_empty_houses_by_address_where_privacy_allows(client_as, bendahara, level):
    KampungProfile.objects.update(privacy_level=level)
    rt, households = make_rt(number=3, households=5)
    evening = evening_of() - dt.timedelta(days=1)
    _record(rt, households, bendahara, evening)
    text = client_as("bendahara").get(reverse("nightly:recap") + f"?malam={evening:%Y-%m-%d}").context["text"]
    assert f"Kosong: {households[1].address}" in text
    assert households[1].head_name not in text  # addresses only, never names


def test_whole_evening_across_rts_in_constant_queries(client_as, bendahara, django_assert_num_queries):
    KampungProfile.objects.update(privacy_level=PrivacyLevel.HOUSE_NUMBERS)
    evening = evening_of() - dt.timedelta(days=1)
    client = client_as("pokja")
    url = reverse("nightly:recap") + f"?malam={evening:%Y-%m-%d}"
    client.get(url)
    rt, households = make_rt(number=1, households=5)
    _record(rt, households, bendahara, evening)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as small:
        client.get(url)
    for number in range(2, 6):
        more, houses = make_rt(number=number, households=8)
        _record(more, houses, bendahara, evening)
    with django_assert_num_queries(len(small)):
        response = client.get(url)
    text = response.context["text"]
    assert text.count("Ada 2 · Kosong 1 · Titip 1") == 5
    assert "Total semua RT: Rp 10.000" in text


def test_recap_needs_sign_in(client):
    assert client.get(reverse("nightly:recap")).status_code == 302
