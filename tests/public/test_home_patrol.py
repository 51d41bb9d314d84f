"""Tonight's patrol on the public page `/`: first names only, and only where the kampung publishes names; the
cached page follows a roster change and the evening's turn at 06:00; the roster costs one query, however big."""

from __future__ import annotations

import datetime as dt
import re
import zoneinfo

import pytest
import time_machine
from django.db import transaction
from django.utils import timezone

from households.models import RT
from jimpitan.lib.evening import evening_of
from jimpitan.models import PrivacyLevel
from jimpitan.roles import PETUGAS, grant_role
from nightly.models import RosterAssignment, RosterKind
from nightly.services import replace_roster
from public.cache import invalidate_public_figures, public_cache_version
from tests.public.factories import seed_kampung

pytestmark = pytest.mark.django_db


@pytest.fixture
def named(kampung):
    kampung.privacy_level = PrivacyLevel.NAMES
    kampung.save()
    return kampung


@pytest.fixture
def budi(django_user_model, kampung):
    user = django_user_model.objects.create_user(
        "budi_ronda", first_name="Budi Hartono", last_name="Santoso", email="budi@example.org"
    )
    grant_role(user=user, role=PETUGAS)
    return user


def _patrol(html: str) -> str:
    match = re.search(r'data-figure="patrol">(.*?)</section>', html, re.S)
    return match.group(1) if match else ""


def _roster_tonight(rt, bendahara, text_names: str) -> None:
    replace_roster(rt=rt, text=f"{evening_of().isoformat()}\t{text_names}", user=bendahara)


def test_names_level_shows_first_names_only(client, named, bendahara, budi, django_user_model):
    nameless = django_user_model.objects.create_user("tanpa_nama")
    grant_role(user=nameless, role=PETUGAS)
    rt = RT.objects.create(number=3)
    _roster_tonight(rt, bendahara, "Budi Hartono Santoso, Pak Slamet Riyadi, Siti Aminah, tanpa_nama")
    RosterAssignment.objects.create(
        rt=rt, kind=RosterKind.WEEKDAY, weekday=(evening_of().weekday() + 1) % 7, name="Besok"
    )
    invalidate_public_figures()
    html = client.get("/").content.decode()
    patrol = _patrol(html)
    assert "Petugas ronda malam ini" in html and "RT 03" in patrol
    assert "Budi, Pak Slamet, Siti dan 1 petugas lain" in " ".join(patrol.split())
    for private in ("budi_ronda", "tanpa_nama", "Hartono", "Santoso", "Riyadi", "Aminah", "budi@example.org", "Besok"):
        assert private not in html


@pytest.mark.parametrize("level", [PrivacyLevel.RT_TOTALS, PrivacyLevel.HOUSE_NUMBERS])
def test_other_levels_say_nothing_about_who(client, kampung, bendahara, budi, level):
    kampung.privacy_level = level
    kampung.save()
    _roster_tonight(RT.objects.create(number=3), bendahara, "Budi Hartono Santoso, Pak Slamet")
    invalidate_public_figures()
    html = client.get("/").content.decode()
    assert 'data-figure="patrol"' not in html and "Petugas ronda malam ini" not in html
    assert "Budi" not in html and "Slamet" not in html


def test_a_roster_change_or_a_new_first_name_shows_at_once(
    client, named, bendahara, budi, django_capture_on_commit_callbacks
):
    rt = RT.objects.create(number=3)
    _roster_tonight(rt, bendahara, "Pak Slamet")
    invalidate_public_figures()
    assert "Pak Slamet" in _patrol(client.get("/").content.decode())
    with django_capture_on_commit_callbacks(execute=True):
        _roster_tonight(rt, bendahara, "Budi Hartono Santoso")
    assert "Budi" in _patrol(client.get("/").content.decode())
    # In its own block, as the admin or a form saves it (the fixture's own save already waits at the test's level).
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        budi.first_name = "Bambang"
        budi.save()
    assert "Bambang" in _patrol(client.get("/").content.decode())
    # A sign-in stamps last_login only: the cached pages stay.
    version = public_cache_version()
    with django_capture_on_commit_callbacks(execute=True) as callbacks, transaction.atomic():
        budi.last_login = timezone.now()
        budi.save(update_fields=["last_login"])
    assert not callbacks and public_cache_version() == version


def test_an_approved_swap_shows_at_once(client, named, bendahara, budi, django_capture_on_commit_callbacks):
    from nightly.services import decide_roster_swap, request_roster_swap

    rt = RT.objects.create(number=3)
    _roster_tonight(rt, bendahara, "Budi Hartono Santoso")
    invalidate_public_figures()
    assert "Budi" in _patrol(client.get("/").content.decode())
    swap = request_roster_swap(
        rt=rt, evening=evening_of(), user=budi, reason="Sakit", replacement_name="Mas Joko Susilo"
    )
    with django_capture_on_commit_callbacks(execute=True):
        decide_roster_swap(swap=swap, user=bendahara, approve=True)
    patrol = _patrol(client.get("/").content.decode())
    assert "Mas Joko" in patrol and "Budi" not in patrol and "Susilo" not in patrol


def test_the_cached_page_turns_with_the_evening(client, named, bendahara):
    """Between midnight and 06:00 the date has turned but the evening has not: keyed on the date alone, the
    page cached at 05:59 would keep last night's patrol into the new evening."""
    rt = RT.objects.create(number=3)
    day = dt.date(2026, 12, 3)
    replace_roster(rt=rt, text="2026-12-02\tPak Rabu\n2026-12-03\tPak Kamis", user=bendahara)
    jakarta = zoneinfo.ZoneInfo("Asia/Jakarta")
    with time_machine.travel(dt.datetime.combine(day, dt.time(5, 58), jakarta), tick=False):
        invalidate_public_figures()
        assert "Pak Rabu" in _patrol(client.get("/").content.decode())
    with time_machine.travel(dt.datetime.combine(day, dt.time(6, 1), jakarta), tick=False):
        patrol = _patrol(client.get("/").content.decode())  # no write in between: nothing invalidated
    assert "Pak Kamis" in patrol and "Pak Rabu" not in patrol


@pytest.mark.parametrize(("rts", "per_rt"), [(2, 1), (8, 6)])
def test_the_patrol_costs_one_query_whatever_the_roster(
    client, named, bendahara, rts, per_rt, django_assert_num_queries
):
    seed_kampung(40, 1, timezone.localdate(), rts=rts, contribution_days=2)
    tonight = evening_of()
    for rt in RT.objects.all():
        names = ", ".join(f"Orang{rt.number}x{n}" for n in range(per_rt))
        replace_roster(rt=rt, text=f"{tonight.isoformat()}\t{names}\nSenin\tPak Senin\nLegi\tBu Legi", user=bendahara)
    client.get("/og.png")  # warms the once-per-process lookups (first-run check)
    invalidate_public_figures()
    with django_assert_num_queries(17):  # the 16 of `/` at the other levels (test_home.py), and the roster's one
        html = client.get("/").content.decode()
    assert _patrol(html).count("<li") == rts
    with django_assert_num_queries(0):
        assert client.get("/").status_code == 200
