"""Bad input at scale: hypothesis posts generated submissions to every form. Never a 500 (the test
client re-raises any server error), and a rejected submit (anything but the success redirect) leaves
every table exactly as it was.

Each example runs inside a transaction that is rolled back, so examples do not see each other.
"""

from __future__ import annotations

import contextlib
import datetime as dt

import pytest
from django.core.cache import cache
from django.db import transaction
from django.test import Client
from hypothesis import given
from hypothesis import strategies as st

from jimpitan.lib.evening import evening_of
from tests.conftest import PASSWORD
from tests.drill_fuzz import FUZZ, Tally, amount_text, changed_tables, date_text, db_state, hostile_text

pytestmark = pytest.mark.django_db


@contextlib.contextmanager
def rolled_back():
    cache.clear()
    with transaction.atomic():
        yield
        transaction.set_rollback(True)
    cache.clear()


def submit(form: str, client: Client, url: str, data: dict, success=(302,)):
    """POST and check the drill's two rules; returns the response."""
    Tally.add(form)
    before = db_state()
    response = client.post(url, data)
    assert response.status_code < 500
    if response.status_code not in success:
        assert changed_tables(before, db_state()) == [], (form, response.status_code, data)
    return response


# --- setup (first run) -----------------------------------------------------------------------------

@FUZZ
@given(data=st.fixed_dictionaries({
    "kampung-name": hostile_text(200), "kampung-rw": hostile_text(10), "kampung-kelurahan": hostile_text(),
    "kampung-kecamatan": hostile_text(), "kampung-city": hostile_text(),
    "user-username": st.one_of(hostile_text(160), st.sampled_from(["bendahara", "sri.w", "a b"])),
    "user-first_name": hostile_text(160),
    "user-password1": st.one_of(hostile_text(40), st.just(PASSWORD)),
    "user-password2": st.one_of(hostile_text(40), st.just(PASSWORD)),
}))
def test_setup_form(db, data):
    with rolled_back():
        submit("setup", Client(), "/setup/", data)


# --- login -----------------------------------------------------------------------------------------

@FUZZ
@given(data=st.fixed_dictionaries({
    "username": st.one_of(hostile_text(200), st.just("bendahara")),
    "password": st.one_of(hostile_text(200), st.just(PASSWORD)),
    "next": st.one_of(st.just(""), st.sampled_from(["/beranda/", "https://jahat.example/", "//jahat.example", "javascript:x"]),
                      hostile_text(50)),
}))
def test_login_form(bendahara, data):
    with rolled_back():
        response = submit("login", Client(), "/masuk/", data)
        if response.status_code == 302:
            # Never sent off-site, whatever `next` said.
            from django.utils.http import url_has_allowed_host_and_scheme

            assert url_has_allowed_host_and_scheme(response["Location"], allowed_hosts={"testserver"})
            assert "jahat.example" not in response["Location"]


# --- kampung profile -------------------------------------------------------------------------------

@FUZZ
@given(data=st.fixed_dictionaries({
    "name": hostile_text(200), "rw": hostile_text(10), "kelurahan": hostile_text(), "kecamatan": hostile_text(),
    "city": hostile_text(), "usual_amount": amount_text(), "quick_amounts": hostile_text(120),
    "amount_cap": amount_text(), "privacy_level": st.one_of(st.sampled_from(["rt", "total", "nama", "x"]), hostile_text(12)),
    "publish_receipts": st.sampled_from(["", "on", "1", "bukan"]), "opening_balance": amount_text(),
    "opening_balance_date": date_text(), "chair_name": hostile_text(), "treasurer_name": hostile_text(),
}))
def test_profile_form(bendahara, data):
    with rolled_back():
        client = Client()
        client.force_login(bendahara)
        submit("profile", client, "/pengaturan/", data)


# --- the nightly sheet -----------------------------------------------------------------------------

@pytest.fixture
def small_rt(kampung):
    from tests.nightly_factories import make_rt

    return make_rt(number=4, households=4)


STATE = st.one_of(st.sampled_from(["", "dibayar", "kosong", "titip", "DIBAYAR", "lain"]), st.text(max_size=8))


@FUZZ
@given(
    rows=st.lists(st.tuples(amount_text(), STATE, hostile_text(250)), min_size=4, max_size=4),
    version=st.one_of(st.sampled_from(["0", "1", "-1", "", "x", "99999999999999999999"]), st.text(max_size=5)),
    evening_back=st.one_of(st.integers(-3, 60), st.none()),
    header=st.fixed_dictionaries({"collectors": hostile_text(300), "counted_cash": amount_text(), "notes": hostile_text(),
                                  "action": st.sampled_from(["save", "fill", "", "x"])}),
    extra_household=st.booleans(),
    role=st.sampled_from(["bendahara", "petugas"]),
)
def test_nightly_sheet_form(users, small_rt, rows, version, evening_back, header, extra_household, role):
    rt, households = small_rt
    evening = "kemarin" if evening_back is None else (evening_of() - dt.timedelta(days=evening_back)).isoformat()
    data = {"malam": evening, "rt": str(rt.pk), "version": version, **header}
    for household, (amount, state, note) in zip(households, rows):
        data[f"a-{household.pk}"], data[f"s-{household.pk}"], data[f"n-{household.pk}"] = amount, state, note
    if extra_household:
        data["a-999999"], data["s-999999"] = "500", "dibayar"  # a household of no RT: ignored or refused
    with rolled_back():
        client = Client()
        client.force_login(users[role])
        submit("nightly sheet", client, "/jimpitan/lembar/", data)


@FUZZ
@given(data=st.fixed_dictionaries({
    "version": st.sampled_from(["0", "1", "-1", "", "abc"]), "total": amount_text(), "counted_cash": amount_text(),
    "collectors": hostile_text(300), "notes": hostile_text(), "malam": date_text(),
}))
def test_nightly_total_only_form(bendahara, small_rt, data):
    rt, _households = small_rt
    with rolled_back():
        client = Client()
        client.force_login(bendahara)
        submit("nightly total only", client, "/jimpitan/total/", {**data, "rt": str(rt.pk)})


def test_zz_report_fuzz_counts():
    """Prints the drill's figure: generated submissions per form (run with -s to see it)."""
    total = sum(Tally.counts.values())
    print(f"\nbad-input drill: {total} generated submissions: {Tally.counts}")
