"""Authorization of every object URL (a URL that names one record: a round, a household, a receipt, an
export, a household's private code...). A role without the right, or an anonymous visitor, gets a
redirect to login, 403 or 404, and never the object: the record's private marker is not in the answer.

`test_every_object_url_is_in_the_matrix` walks the URL configuration, so a new object URL fails the
suite until it is added here.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from jimpitan.lib.evening import evening_of
from ledger.models import MonthClosing
from public.views.home import receipt_token
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
    return build_world(bendahara)


def build_world(bendahara) -> World:
    """The records of the matrix, in the active kampung (tests/security/test_tenant_isolation.py builds them in
    a second kampung)."""
    from households.models import RT, Household
    from nightly.services import SheetRow, save_sheet
    from spending.models import Expense, OtherIncome, Project

    rt = RT.objects.create(number=7, name="Blok Rahasia")
    household = Household.objects.create(
        rt=rt, address="Gang Mawar 7", head_name="Rahasia Sukmawati", phone="081299887766", route_position=1
    )
    other = Household.objects.create(
        rt=rt, address="Gang Mawar 9", head_name="Tetangga Wiryono", phone="081211112222", route_position=2
    )
    result = save_sheet(
        rt=rt,
        evening=evening_of() - dt.timedelta(days=1),
        user=bendahara,
        version=0,
        rows=[SheetRow(household.pk, "dibayar", 700), SheetRow(other.pk, "dibayar", 300)],
        notes="Catatan ronda rahasia",
    )
    project = Project.objects.create(name="Ambulans Kampung Rahasia")
    project.cover_photo.save("sampul.jpg", ContentFile(b"\xff\xd8\xff SAMPUL-PROGRAM"), save=True)
    expense = Expense(
        spent_on=evening_of() - dt.timedelta(days=1),
        description="Ban ambulans rahasia",
        amount=450_000,
        project=project,
        recorded_by=bendahara,
        receipt_content_type="image/jpeg",
    )
    expense.receipt.save("nota-ban.jpg", ContentFile(b"\xff\xd8\xff RAHASIA-NOTA-BAN"), save=False)
    expense.receipt_thumbnail.save("nota-ban-kecil.jpg", ContentFile(b"\xff\xd8\xff RAHASIA-NOTA-KECIL"), save=False)
    expense.save()
    income = OtherIncome.objects.create(
        received_on=evening_of() - dt.timedelta(days=1),
        description="Donasi rahasia",
        amount=100_000,
        recorded_by=bendahara,
    )
    return World(rt, household, other, result.round, {"project": project, "expense": expense, "income": income})


@dataclass
class ObjectUrl:
    build: Callable[[World], str]
    allowed: set[str]  # roles that get the object
    marker: Callable[[World], bytes] | None = None  # what the object's answer contains
    method: str = "get"
    ok: tuple[int, ...] = (200,)  # what an allowed role gets


def _u(name: str, arg: Callable[[World], object], allowed: set[str], marker: bytes | None = None, **kw) -> ObjectUrl:
    return ObjectUrl(lambda w: reverse(name, args=[arg(w)]), allowed, (lambda w: marker) if marker else None, **kw)


def _swap(w: World):
    from django.contrib.auth import get_user_model

    from nightly.models import RosterSwap

    return RosterSwap.objects.create(
        rt=w.rt,
        evening=evening_of(),
        requested_by=get_user_model().objects.get(username="petugas"),
        replacement_name="Pak Pengganti",
        reason="Sakit",
    )


def _sealed_month(w: World) -> str:
    """A month long before the world's records, closed with a seal."""
    MonthClosing.objects.get_or_create(
        month=dt.date(2020, 1, 1),
        defaults={
            "closing_balance": 0,
            "closed_by": get_user_model().objects.get(username="bendahara"),
            "seal": "ab" * 32,
            "sealed_text": "segel-buku-jimpitan 1\nbulan 2020-01\n",
        },
    )
    return "2020-01"


def _handover(w: World):
    from ledger.models import Account
    from nightly.models import Handover, Round

    handover = Handover.objects.create(
        received_on=evening_of(),
        handed_by_name="Pak Penyetor",
        account=Account.objects.get(is_default=True),
        expected=w.round.total,
        counted=w.round.total,
        difference=0,
    )
    Round.objects.filter(pk=w.round.pk).update(handover=handover)
    return handover


def _committee_handover(w: World):
    """A past serah terima between two people who are not the test roles, so the roles stay as they are."""
    from jimpitan.models import TreasurerHandover

    users = get_user_model().objects
    old = users.create_user(username="bendahara-lama", first_name="Bu Lama")
    new = users.create_user(username="bendahara-baru", first_name="Pak Baru")
    return TreasurerHandover.objects.create(
        handed_over_on=evening_of(), outgoing=old, incoming=new, chair_name="Ketua Rahasia", recorded_by=old
    )


def _catch_up(w: World):
    from ledger.models import Account
    from nightly.models import CatchUp, CatchUpEvening

    catch_up = CatchUp.objects.create(
        household=w.household, paid_on=evening_of(), amount=1_500, account=Account.objects.get(is_default=True)
    )
    CatchUpEvening.objects.create(catch_up=catch_up, household=w.household, evening=evening_of() + dt.timedelta(days=3))
    return catch_up


NAME, PHONE = b"Rahasia Sukmawati", b"081299887766"
AWAY_NOTE = b"Mudik ke Klaten rahasia"


def _away(w: World):
    from households.models import AwayPeriod

    return AwayPeriod.objects.create(
        household=w.household, starts_on=dt.date(2020, 3, 1), ends_on=dt.date(2020, 3, 9), note=AWAY_NOTE.decode()
    )


EXPENSE, INCOME = b"Ban ambulans rahasia", b"Donasi rahasia"

MATRIX: dict[str, ObjectUrl] = {
    # Nightly rounds: every signed-in role reads them.
    "nightly:round_history": _u("nightly:round_history", lambda w: w.round.pk, PETUGAS_UP, NAME),
    "nightly:household_month": _u("nightly:household_month", lambda w: w.household.pk, PETUGAS_UP, NAME),
    "nightly:round_export": _u("nightly:round_export", lambda w: "csv", PETUGAS_UP, b"RT 07"),
    # Keliling's route lists the RT's private codes: only for those who record (petugas, the treasurer).
    "keliling:route": ObjectUrl(
        lambda w: reverse("keliling:route", args=[w.rt.pk, w.round.evening.isoformat()]),
        {"petugas", "bendahara"},
        lambda w: b"Gang Mawar 7",
    ),
    # The duty roster: the treasurer edits an RT's roster (the page and the print are not object URLs).
    "roster:edit": _u("roster:edit", lambda w: w.rt.pk, BENDAHARA, b"RT 07"),
    "roster:download": _u("roster:download", lambda w: w.rt.pk, BENDAHARA),
    # A petugas asks for a swap; only the treasurer decides it.
    "roster:swap_decide": _u("roster:swap_decide", lambda w: _swap(w).pk, BENDAHARA, method="post", ok=(302,)),
    # Removing a handover puts its rounds back with the patrol: the treasurer's alone.
    "nightly:handover_delete": _u(
        "nightly:handover_delete", lambda w: _handover(w).pk, BENDAHARA, method="post", ok=(302,)
    ),
    # A catch-up payment (rapel) is recorded from a household's page and removed by the treasurer only.
    "nightly:catch_up_create": _u("nightly:catch_up_create", lambda w: w.household.pk, BENDAHARA, NAME),
    "nightly:catch_up_delete": _u(
        "nightly:catch_up_delete", lambda w: _catch_up(w).pk, BENDAHARA, method="post", ok=(302,)
    ),
    # The household register holds phones and private codes: Pokja reads, the treasurer edits.
    "households:detail": _u("households:detail", lambda w: w.household.pk, POKJA_UP, PHONE),
    "households:export": _u("households:export", lambda w: "csv", POKJA_UP, PHONE),
    "households:edit": _u("households:edit", lambda w: w.household.pk, BENDAHARA, PHONE),
    "households:move": _u("households:move", lambda w: w.household.pk, BENDAHARA, NAME),
    "households:delete": _u("households:delete", lambda w: w.household.pk, BENDAHARA, NAME),
    "households:rt_edit": _u("households:rt_edit", lambda w: w.rt.pk, BENDAHARA, b"Blok Rahasia"),
    "households:route": _u("households:route", lambda w: w.rt.pk, BENDAHARA, NAME),
    "households:import_template": _u("households:import_template", lambda w: "csv", BENDAHARA),
    # Away periods: the treasurer adds, changes and deletes them (Pokja reads them on the household's page).
    "households:away_create": _u("households:away_create", lambda w: w.household.pk, BENDAHARA, NAME),
    "households:away_edit": _u("households:away_edit", lambda w: _away(w).pk, BENDAHARA, AWAY_NOTE),
    "households:away_delete": _u("households:away_delete", lambda w: _away(w).pk, BENDAHARA, NAME),
    # Spending: Pokja reads and approves, the treasurer records; receipts only for them (not published).
    "spending:expense_detail": _u("spending:expense_detail", lambda w: w.objects["expense"].pk, POKJA_UP, EXPENSE),
    "spending:expense_edit": _u("spending:expense_edit", lambda w: w.objects["expense"].pk, BENDAHARA, EXPENSE),
    "spending:expense_delete": _u("spending:expense_delete", lambda w: w.objects["expense"].pk, BENDAHARA, EXPENSE),
    "spending:expense_approve": _u(
        "spending:expense_approve", lambda w: w.objects["expense"].pk, POKJA_UP, method="post", ok=(302,)
    ),
    "spending:receipt": _u("spending:receipt", lambda w: w.objects["expense"].pk, POKJA_UP, b"RAHASIA-NOTA-BAN"),
    "spending:receipt_thumbnail": _u(
        "spending:receipt_thumbnail", lambda w: w.objects["expense"].pk, POKJA_UP, b"RAHASIA-NOTA-KECIL"
    ),
    "spending:income_edit": _u("spending:income_edit", lambda w: w.objects["income"].pk, BENDAHARA, INCOME),
    "spending:income_delete": _u("spending:income_delete", lambda w: w.objects["income"].pk, BENDAHARA, INCOME),
    "spending:project_detail": _u("spending:project_detail", lambda w: w.objects["project"].pk, POKJA_UP, EXPENSE),
    "spending:project_edit": _u(
        "spending:project_edit", lambda w: w.objects["project"].pk, BENDAHARA, b"Ambulans Kampung Rahasia"
    ),
    # Month closing and reports: the treasurer closes, Pokja and the treasurer read the report, only a
    # superuser reopens (no role here is one, and an open month has nothing to reopen).
    "books:close": _u("books:close", lambda w: w.round.evening.strftime("%Y-%m"), BENDAHARA),
    "books:reopen": _u("books:reopen", lambda w: w.round.evening.strftime("%Y-%m"), NOBODY),
    "reports:month": _u("reports:month", lambda w: w.round.evening.strftime("%Y-%m"), POKJA_UP, EXPENSE),
    "reports:download": ObjectUrl(
        lambda w: reverse("reports:download", args=[w.round.evening.strftime("%Y-%m"), "csv"]),
        POKJA_UP,
        lambda w: EXPENSE,
    ),
    # The yearly report (LPJ): as the monthly one. Its files are compressed, so no marker is read in them.
    "reports:year_download": ObjectUrl(
        lambda w: reverse("reports:year_download", args=["xlsx"]) + f"?tahun={w.round.evening.year}", POKJA_UP
    ),
    # Serah terima bendahara: every role that reads the books reads its document (the PDF is compressed).
    "reports:handover_detail": _u(
        "reports:handover_detail", lambda w: _committee_handover(w).pk, POKJA_UP, b"Ketua Rahasia"
    ),
    "reports:handover_download": _u("reports:handover_download", lambda w: _committee_handover(w).pk, POKJA_UP),
    # Receipts (kuitansi) of income and handovers: the Bendahara and the Pokja print them. PDFs are compressed,
    # so no marker is read in them (tests/reports/test_receipts.py reads their text).
    "reports:income_receipt": _u("reports:income_receipt", lambda w: w.objects["income"].pk, POKJA_UP),
    "reports:handover_receipt": _u("reports:handover_receipt", lambda w: _handover(w).pk, POKJA_UP),
    "reports:catch_up_receipt": _u("reports:catch_up_receipt", lambda w: _catch_up(w).pk, POKJA_UP),
    # The public ledger: totals for everyone, by design (the leak drill checks what they contain).
    "public_year": _u("public_year", lambda w: w.round.evening.year, EVERYONE),
    "public_evening": _u("public_evening", lambda w: w.round.evening.isoformat(), EVERYONE),
    "public_project": _u("public_project", lambda w: w.objects["project"].pk, EVERYONE, b"Ambulans Kampung Rahasia"),
    # Receipts reach the public only when the kampung publishes them (it does not by default).
    "public_receipt": ObjectUrl(
        lambda w: reverse(
            "public_receipt",
            args=[w.objects["project"].pk, w.objects["expense"].pk, receipt_token(w.objects["expense"])],
        ),
        NOBODY,
        lambda w: b"RAHASIA-NOTA-BAN",
    ),
    # A household's own page: whoever holds its private code (the sticker by the door).
    "household_page": _u("household_page", lambda w: w.household.private_code, EVERYONE, b"Gang Mawar 7"),
    # The city overview spans the deployment's kampungs: public, with no household on it.
    "city_overview": ObjectUrl(lambda w: reverse("city_overview"), EVERYONE),
    "regenerate_code": _u("regenerate_code", lambda w: w.household.pk, BENDAHARA, b"Gang Mawar 7"),
    # A closed month's seal text is public on purpose: anyone may recompute the seal.
    "public_seal_text": ObjectUrl(
        lambda w: reverse("public_seal_text", args=[_sealed_month(w)]), EVERYONE, lambda w: b"segel-buku-jimpitan 1"
    ),
    # A project's cover photo is public on purpose (re-encoded, shows what the fund built).
    "spending:project_cover": _u(
        "spending:project_cover", lambda w: w.objects["project"].pk, EVERYONE, b"SAMPUL-PROGRAM"
    ),
}


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
        assert response.status_code in spec.ok, (url, role, response.status_code)
        if marker and response.status_code == 200:
            assert marker in body, (url, role)  # proves the marker check below means something
        return
    if role == "anonymous" and response.status_code == 302:
        assert response["Location"].startswith("/masuk/"), (url, response["Location"])
    else:
        assert response.status_code in (403, 404, 405), (url, role, response.status_code)
    if marker:
        assert marker not in body, (url, role)


def test_a_wrong_or_replaced_household_code_shows_nothing(client, world, bendahara):
    code = world.household.private_code
    for wrong in (
        code[:-1],
        code.upper() if code.upper() != code else code.lower(),
        "x" * 16,
        world.other_household.pk,
    ):
        response = client.get(f"/h/{wrong}/")
        assert response.status_code == 404
        assert b"Gang Mawar 7" not in response.content and b"Rahasia Sukmawati" not in response.content
    # The treasurer replaces a lost sticker's code: the old link stops working at once.
    client.force_login(bendahara)
    assert client.post(reverse("regenerate_code", args=[world.household.pk])).status_code == 302
    client.logout()
    assert client.get(f"/h/{code}/").status_code == 404
    world.household.refresh_from_db()
    assert client.get(f"/h/{world.household.private_code}/").status_code == 200


def test_the_household_page_shows_only_its_own_household(client, world):
    body = client.get(f"/h/{world.household.private_code}/").content
    assert b"Gang Mawar 7" in body
    assert b"Gang Mawar 9" not in body and b"Tetangga Wiryono" not in body and b"081211112222" not in body


def test_published_receipts_are_public_only_for_project_expenses(client, world, kampung):
    kampung.publish_receipts = True
    kampung.save()
    expense, project = world.objects["expense"], world.objects["project"]
    token = receipt_token(expense)
    response = client.get(reverse("public_receipt", args=[project.pk, expense.pk, token]))
    assert response.status_code == 200 and b"RAHASIA-NOTA-BAN" in b"".join(response)
    # Another project's id in the path does not open this expense's receipt.
    assert client.get(reverse("public_receipt", args=[project.pk + 1, expense.pk, token])).status_code == 404


def test_published_receipts_cannot_be_enumerated(client, world, kampung):
    """Counting ids finds nothing: the address holds a token that only the project page shows."""
    kampung.publish_receipts = True
    kampung.save()
    expense, project = world.objects["expense"], world.objects["project"]
    for guess in ("0" * 32, receipt_token(expense)[:-1] + "x", "1"):
        assert client.get(reverse("public_receipt", args=[project.pk, expense.pk, guess])).status_code == 404
    page = client.get(reverse("public_project", args=[project.pk])).content.decode()
    assert reverse("public_receipt", args=[project.pk, expense.pk, receipt_token(expense)]) in page
