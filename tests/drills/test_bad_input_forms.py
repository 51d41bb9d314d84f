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
from jimpitan.lib.setup_code import current_code
from tests.conftest import PASSWORD
from tests.drills.fuzz import FUZZ, Tally, amount_text, changed_tables, date_text, db_state, hostile_text

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

RIGHT_SETUP_CODE = "<the code the server printed>"


@FUZZ
@given(
    data=st.fixed_dictionaries(
        {
            "kampung-name": hostile_text(200),
            "kampung-rw": hostile_text(10),
            "kampung-kelurahan": hostile_text(),
            "kampung-kecamatan": hostile_text(),
            "kampung-city": hostile_text(),
            "user-username": st.one_of(hostile_text(160), st.sampled_from(["bendahara", "sri.w", "a b"])),
            "user-first_name": hostile_text(160),
            "user-password1": st.one_of(hostile_text(40), st.just(PASSWORD)),
            "user-password2": st.one_of(hostile_text(40), st.just(PASSWORD)),
            "setup-code": st.one_of(hostile_text(20), st.just(RIGHT_SETUP_CODE)),
        }
    )
)
def test_setup_form(db, data):
    if data["setup-code"] == RIGHT_SETUP_CODE:
        data = {**data, "setup-code": current_code()}
    with rolled_back():
        submit("setup", Client(), "/setup/", data)


# --- login -----------------------------------------------------------------------------------------


@FUZZ
@given(
    data=st.fixed_dictionaries(
        {
            "username": st.one_of(hostile_text(200), st.just("bendahara")),
            "password": st.one_of(hostile_text(200), st.just(PASSWORD)),
            "next": st.one_of(
                st.just(""),
                st.sampled_from(["/beranda/", "https://jahat.example/", "//jahat.example", "javascript:x"]),
                hostile_text(50),
            ),
        }
    )
)
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
@given(
    data=st.fixed_dictionaries(
        {
            "name": hostile_text(200),
            "rw": hostile_text(10),
            "kelurahan": hostile_text(),
            "kecamatan": hostile_text(),
            "city": hostile_text(),
            "usual_amount": amount_text(),
            "quick_amounts": hostile_text(120),
            "amount_cap": amount_text(),
            "privacy_level": st.one_of(st.sampled_from(["rt", "total", "nama", "x"]), hostile_text(12)),
            "publish_receipts": st.sampled_from(["", "on", "1", "bukan"]),
            "opening_balance": amount_text(),
            "opening_balance_date": date_text(),
            "sign_place": hostile_text(120),
            "reminder_text": st.one_of(hostile_text(), st.just("Bu {nama} {nma} {nama.__class__}")),
            "thanks_text": hostile_text(),
            "ttd-TOTAL_FORMS": st.sampled_from(["3", "4", "", "x"]),
            "ttd-INITIAL_FORMS": st.just("0"),
            "ttd-0-heading": hostile_text(80),
            "ttd-0-role": hostile_text(80),
            "ttd-0-name": hostile_text(200),
            "ttd-1-role": hostile_text(80),
            "ttd-3-role": hostile_text(80),
        }
    )
)
def test_profile_form(bendahara, data):
    with rolled_back():
        client = Client()
        client.force_login(bendahara)
        submit("profile", client, "/pengaturan/", data)


# --- the nightly sheet -----------------------------------------------------------------------------


@pytest.fixture
def small_rt(kampung):
    from tests.nightly.factories import make_rt

    return make_rt(number=4, households=4)


STATE = st.one_of(st.sampled_from(["", "dibayar", "kosong", "titip", "DIBAYAR", "lain"]), st.text(max_size=8))


@FUZZ
@given(
    rows=st.lists(st.tuples(amount_text(), STATE, hostile_text(250)), min_size=4, max_size=4),
    version=st.one_of(st.sampled_from(["0", "1", "-1", "", "x", "99999999999999999999"]), st.text(max_size=5)),
    evening_back=st.one_of(st.integers(-3, 60), st.none()),
    header=st.fixed_dictionaries(
        {
            "collectors": hostile_text(300),
            "counted_cash": amount_text(),
            "notes": hostile_text(),
            "action": st.sampled_from(["save", "fill", "", "x"]),
        }
    ),
    extra_household=st.booleans(),
    role=st.sampled_from(["bendahara", "petugas"]),
)
def test_nightly_sheet_form(users, small_rt, rows, version, evening_back, header, extra_household, role):
    rt, households = small_rt
    evening = "kemarin" if evening_back is None else (evening_of() - dt.timedelta(days=evening_back)).isoformat()
    data = {"malam": evening, "rt": str(rt.pk), "version": version, **header}
    for household, (amount, state, note) in zip(households, rows, strict=False):
        data[f"a-{household.pk}"], data[f"s-{household.pk}"], data[f"n-{household.pk}"] = amount, state, note
    if extra_household:
        data["a-999999"], data["s-999999"] = "500", "dibayar"  # a household of no RT: ignored or refused
    with rolled_back():
        client = Client()
        client.force_login(users[role])
        submit("nightly sheet", client, "/jimpitan/lembar/", data)


@FUZZ
@given(
    data=st.fixed_dictionaries(
        {
            "version": st.sampled_from(["0", "1", "-1", "", "abc"]),
            "total": amount_text(),
            "counted_cash": amount_text(),
            "collectors": hostile_text(300),
            "notes": hostile_text(),
            "malam": date_text(),
        }
    )
)
def test_nightly_total_only_form(bendahara, small_rt, data):
    rt, _households = small_rt
    with rolled_back():
        client = Client()
        client.force_login(bendahara)
        submit("nightly total only", client, "/jimpitan/total/", {**data, "rt": str(rt.pk)})


# --- households ------------------------------------------------------------------------------------


@pytest.fixture
def register(kampung, settings, tmp_path):
    from households.models import RT, Household

    settings.VAR_DIR = tmp_path  # the import keeps its preview file here
    settings.MEDIA_ROOT = tmp_path / "media"
    rt = RT.objects.create(number=3)
    Household.objects.create(rt=rt, address="No. 1", head_name="Warga Satu", route_position=1)
    return rt


HOUSEHOLD_FIELDS = {
    "address": hostile_text(120),
    "head_name": hostile_text(160),
    "phone": st.one_of(hostile_text(25), st.just("0812 3456 789")),
    "members": st.one_of(amount_text(), st.just("4")),
    "status": st.one_of(st.sampled_from(["aktif", "dibebaskan", "pindah", "x"]), hostile_text(12)),
    "moved_on": date_text(),
    "usual_amount": amount_text(),
    "joined_on": date_text(),
    "notes": hostile_text(),
}


@FUZZ
@given(
    data=st.fixed_dictionaries(HOUSEHOLD_FIELDS),
    rt_choice=st.sampled_from(["own", "none", "999", "x"]),
    edit=st.booleans(),
)
def test_household_form(bendahara, register, data, rt_choice, edit):
    from households.models import Household

    data = {**data, "rt": {"own": str(register.pk), "none": ""}.get(rt_choice, rt_choice)}
    with rolled_back():
        client = Client()
        client.force_login(bendahara)
        url = f"/rumah/{Household.objects.get().pk}/ubah/" if edit else "/rumah/baru/"
        submit("households", client, url, data)


@FUZZ
@given(
    data=st.fixed_dictionaries(
        {
            "starts_on": date_text(),
            "ends_on": date_text(),
            "reason": st.one_of(st.sampled_from(["mudik", "bekerja", "sakit", "lainnya", "x"]), hostile_text(12)),
            "note": hostile_text(250),
        }
    ),
    edit=st.booleans(),
)
def test_away_period_form(bendahara, register, data, edit):
    """An away period: an end before its start, an overlap with the stored one, or bad dates save nothing."""
    from households.models import AwayPeriod, Household

    household = Household.objects.get()
    period, _ = AwayPeriod.objects.get_or_create(
        household=household, starts_on=dt.date(2026, 3, 17), defaults={"ends_on": dt.date(2026, 3, 27)}
    )
    with rolled_back():
        client = Client()
        client.force_login(bendahara)
        url = f"/rumah/pergi/{period.pk}/ubah/" if edit else f"/rumah/{household.pk}/pergi/baru/"
        submit("away periods", client, url, data)


CELL = st.one_of(hostile_text(40), amount_text(), date_text(), st.sampled_from(["3", "03", "RT 3", "aktif", "pindah"]))


@FUZZ
@given(
    header=st.one_of(
        st.just("RT,Nomor rumah/alamat,Kepala keluarga,Nomor HP/WhatsApp,Status,Jumlah biasa,Tanggal pindah"),
        hostile_text(80),
    ),
    rows=st.one_of(
        st.lists(st.lists(CELL, min_size=0, max_size=8), max_size=6),
        # Rows that mostly fit the template, so that the preview and the commit are reached too.
        st.lists(
            st.tuples(
                st.sampled_from(["3", "4", "03", "x"]),
                st.one_of(st.sampled_from(["No. 9", "No. 10", "No. 1"]), hostile_text(20)),
                st.one_of(st.sampled_from(["Warga Baru", "Sri Lestari"]), hostile_text(30)),
                st.sampled_from(["", "0812 3456 789", "12"]),
                st.sampled_from(["aktif", "", "pindah", "bebas"]),
                st.one_of(st.sampled_from(["", "500", "1.000"]), amount_text()),
                st.one_of(st.just(""), date_text()),
            ).map(list),
            min_size=1,
            max_size=4,
        ),
        st.lists(
            st.tuples(
                st.sampled_from(["3", "03"]),
                st.sampled_from(["No. 9", "No. 10", "No. 1", "Blok C/2"]),
                st.sampled_from(["Warga Baru", "Sri Lestari", "<b>Budi</b>"]),
                st.sampled_from(["", "0812 3456 789"]),
                st.sampled_from(["aktif", "", "bebas"]),
                st.sampled_from(["", "500", "1.000"]),
                st.just(""),
            ).map(list),
            min_size=1,
            max_size=4,
        ),
    ),
    raw=st.sampled_from([None, None, None, b"", b"\xff\xfe\x00R\x00T", b"PK\x03\x04 not really a workbook"]),
    name=st.sampled_from(["rumah.csv", "rumah.csv", "rumah.csv", "rumah.xlsx", "rumah.txt", "../../etc/passwd.csv"]),
    commit=st.sampled_from([True, True, False]),
)
def test_household_import_upload(bendahara, register, header, rows, raw, name, commit):
    import csv
    import io
    import re

    from django.core.files.uploadedfile import SimpleUploadedFile

    if raw is None:
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow(header.split(","))
        writer.writerows(rows)
        raw = buffer.getvalue().encode("utf-8", "replace")
    with rolled_back():
        client = Client()
        client.force_login(bendahara)
        response = submit("import", client, "/rumah/impor/", {"file": SimpleUploadedFile(name, raw)}, success=())
        token = re.search(r'name="token" value="([^"]+)"', response.content.decode())
        if commit and token:
            submit("import commit", client, "/rumah/impor/simpan/", {"token": token.group(1)})


# --- spending --------------------------------------------------------------------------------------


def _jpeg() -> bytes:
    import io

    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), (200, 10, 10)).save(buffer, "JPEG")
    return buffer.getvalue()


RECEIPT = st.one_of(
    st.none(),
    st.tuples(st.sampled_from(["nota.jpg", "nota.pdf", "nota.png", "nota.exe", "nota"]), st.binary(max_size=200)),
    st.tuples(st.just("nota.jpg"), st.just("valid")),
    st.tuples(st.just("nota.pdf"), st.just(b"%PDF-1.4\n%\xe2\xe3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF")),
)


@FUZZ
@given(
    data=st.fixed_dictionaries(
        {
            "spent_on": date_text(),
            "description": hostile_text(300),
            "payee": hostile_text(160),
            "amount": amount_text(),
            "project": st.sampled_from(["", "1", "999", "x"]),
        }
    ),
    receipt=RECEIPT,
)
def test_expense_form(bendahara, register, data, receipt):
    from django.core.files.uploadedfile import SimpleUploadedFile

    if receipt is not None:
        name, content = receipt
        data = {**data, "receipt_file": SimpleUploadedFile(name, _jpeg() if content == "valid" else content)}
    with rolled_back():
        client = Client()
        client.force_login(bendahara)
        submit("expenses", client, "/kas/pengeluaran/baru/", data)


@FUZZ
@given(
    data=st.fixed_dictionaries(
        {
            "received_on": date_text(),
            "source": st.sampled_from(["donasi", "mitra", "lain", "x", ""]),
            "source_name": hostile_text(160),
            "description": hostile_text(300),
            "amount": amount_text(),
            "project": st.sampled_from(["", "1", "999", "x"]),
        }
    )
)
def test_income_form(bendahara, register, data):
    with rolled_back():
        client = Client()
        client.force_login(bendahara)
        submit("income", client, "/kas/pemasukan-lain/baru/", data)


# --- month closing: corrections and reopening -------------------------------------------------------


@pytest.fixture
def closed_month(bendahara, small_rt):
    """Last month holds one round and is closed, so a correction can point at it."""
    from jimpitan.lib.months import month_start
    from ledger.services import close_month
    from tests.ledger.factories import save_round

    rt, households = small_rt
    month = month_start(month_start(evening_of()) - dt.timedelta(days=1))
    save_round(rt, households, month, bendahara)
    close_month(month, bendahara)
    return month


@FUZZ
@given(
    data=st.fixed_dictionaries(
        {
            "entry_date": st.one_of(date_text(), st.just("today")),
            "direction": st.sampled_from(["in", "out", "", "x"]),
            "amount": amount_text(),
            "corrects_month": st.one_of(st.sampled_from(["closed", "", "2026-13-01"]), date_text()),
            "reason": hostile_text(),
        }
    )
)
def test_adjustment_form(bendahara, closed_month, data):
    if data["entry_date"] == "today":
        data = {**data, "entry_date": evening_of().isoformat()}
    if data["corrects_month"] == "closed":
        data = {**data, "corrects_month": closed_month.isoformat()}
    with rolled_back():
        client = Client()
        client.force_login(bendahara)
        submit("correction", client, "/buku/koreksi/", data)


@FUZZ
@given(reason=hostile_text())
def test_reopen_form(superuser, closed_month, reason):
    with rolled_back():
        client = Client()
        client.force_login(superuser)
        submit("reopen", client, f"/buku/{closed_month:%Y-%m}/buka/", {"reason": reason})


def test_zz_report_fuzz_counts():
    """Prints the drill's figure: generated submissions per form (run with -s to see it)."""
    total = sum(Tally.counts.values())
    print(f"\nbad-input drill: {total} generated submissions: {Tally.counts}")
