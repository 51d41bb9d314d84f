"""Tenants, stage B: isolation is enforced below the views. Every query on a tenant model runs inside an active
kampung and sees that kampung's rows only; a query outside any kampung raises (django-scopes)."""

from __future__ import annotations

import contextvars
import datetime as dt

import pytest
from django.apps import apps
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import models
from django.http import Http404
from django.shortcuts import get_object_or_404
from django_scopes import ScopeError, scopes_disabled
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from demo import seeding
from households.models import RT, Household, ImportColumnChoice
from households.selectors import register_queryset
from jimpitan.models import Kampung, KampungProfile, Membership, TreasurerHandover
from jimpitan.tenancy import FIRST_KAMPUNG_ID, activate
from ledger.forms import AdjustmentForm
from ledger.models import Account
from nightly.models import RosterAssignment, RosterKind, Round
from spending.models import Expense
from spending.selectors import projects_with_totals
from tests.jimpitan.test_tenancy import TENANT_MODELS
from tests.public.factories import seed_kampung

DAY = dt.date(2026, 3, 2)


def tenant_models() -> list[type[models.Model]]:
    """Every model with a `kampung` key, found by scanning, so that a new tenant model is covered without
    being listed. Left out: the historical (simple-history) copies, the profile, one row per kampung (a
    OneToOne key) that `KampungProfile.load()` reads by the active kampung, and a person's roles
    (Membership): the auth backend names the active kampung in its own filter, and the superuser's user admin
    lists a person's roles in every kampung."""
    found = []
    for model in apps.get_models():
        field = next((f for f in model._meta.concrete_fields if f.name == "kampung"), None)
        if field is None or field.one_to_one or hasattr(model, "instance_type") or model is Membership:
            continue
        found.append(model)
    return found


def outside_any_kampung(query):
    """Run `query` where no kampung is active, as code outside a request or a command's `activate` would."""
    return contextvars.Context().run(query)


def test_the_scan_finds_exactly_the_tenant_models():
    assert sorted(model._meta.label for model in tenant_models()) == sorted(TENANT_MODELS)


@pytest.mark.parametrize("model", tenant_models(), ids=lambda model: model._meta.label)
def test_every_tenant_model_uses_a_scoped_manager_and_an_unscoped_base_manager(model):
    assert hasattr(model._default_manager, "with_scopes_disabled")  # django-scopes' ScopedManager
    assert model._meta.default_manager_name in (None, "objects") and model._default_manager is model.objects
    # Related-object access (`contribution.household`) and save() go through the base manager.
    assert model._meta.base_manager_name is None
    assert not hasattr(model._base_manager, "with_scopes_disabled")


QUERIES = {
    "all": lambda manager: list(manager.all()),
    "count": lambda manager: manager.count(),
    "exists": lambda manager: manager.exists(),
    "filter": lambda manager: list(manager.filter(pk=1)),
    "exclude": lambda manager: manager.exclude(pk=1).exists(),
    "get": lambda manager: manager.get(pk=1),
    "first": lambda manager: manager.first(),
    "values": lambda manager: list(manager.values_list("pk", flat=True)),
    "aggregate": lambda manager: manager.aggregate(n=models.Count("pk")),
    "update": lambda manager: manager.update(kampung_id=FIRST_KAMPUNG_ID),
    "delete": lambda manager: manager.all().delete(),
    "in_bulk": lambda manager: manager.in_bulk([1]),
    "select_related": lambda manager: list(manager.select_related()),
}


@pytest.mark.parametrize("query", QUERIES.values(), ids=QUERIES.keys())
@pytest.mark.parametrize("model", tenant_models(), ids=lambda model: model._meta.label)
def test_a_query_outside_any_kampung_raises(model, query):
    with pytest.raises(ScopeError):
        outside_any_kampung(lambda: query(model.objects))


def test_a_models_own_queryset_methods_raise_outside_any_kampung_too():
    with pytest.raises(ScopeError):
        outside_any_kampung(lambda: list(Household.objects.active()))
    with pytest.raises(ScopeError):
        outside_any_kampung(lambda: list(Round.objects.in_month(DAY.replace(day=1))))


@pytest.fixture
def kampung_b(db) -> Kampung:
    return Kampung.objects.create(slug="kampung-b", name="Kampung B")


@pytest.mark.django_db
def test_inside_a_kampung_the_rows_of_another_are_invisible_for_every_tenant_model(
    kampung_b, kampung, bendahara, pokja
):
    """Kampung B gets a demo kampung's worth of rows (most tenant models); the first kampung a few of its own."""
    with activate(kampung_b.pk):
        seeding.seed_demo(households=20, months=4, seed=3, today_evening=dt.date(2026, 5, 10))
        ImportColumnChoice.objects.create(header="nama kk", field="head_name")
        RosterAssignment.objects.create(rt=RT.objects.first(), kind=RosterKind.WEEKDAY, weekday=0, name="Pak Budi")
        TreasurerHandover.objects.create(
            handed_over_on=DAY, outgoing=bendahara, incoming=pokja, chair_name="Pak Ketua", recorded_by=bendahara
        )
    rt = RT.objects.create(number=1)
    Household.objects.create(rt=rt, address="Blok A1", head_name="Bu Ani")
    with scopes_disabled():
        in_b = {model: model.objects.filter(kampung=kampung_b).count() for model in tenant_models()}
        in_a = {model: model.objects.filter(kampung_id=FIRST_KAMPUNG_ID).count() for model in tenant_models()}
    assert sum(1 for count in in_b.values() if count) >= 20, [m._meta.label for m, c in in_b.items() if not c]
    for model in tenant_models():
        assert set(model.objects.values_list("kampung_id", flat=True)) <= {FIRST_KAMPUNG_ID}, model
        assert model.objects.count() == in_a[model], model
        with activate(kampung_b.pk):
            assert model.objects.count() == in_b[model], model
            assert set(model.objects.values_list("kampung_id", flat=True)) <= {kampung_b.pk}, model
    with activate(kampung_b.pk):
        assert KampungProfile.load().kampung_id == kampung_b.pk  # B's own profile, beside the first kampung's
    assert KampungProfile.load().kampung_id == FIRST_KAMPUNG_ID


@pytest.fixture
def rows_of_b(kampung_b, kampung) -> dict:
    """B's households (with their public codes), rounds, expenses, accounts and projects; A keeps its own."""
    seed_kampung(households=4, years=1, today=DAY, rts=2, contribution_days=2)
    own_code = Household.objects.values_list("private_code", flat=True).first()
    with activate(kampung_b.pk):
        seeded = seed_kampung(households=6, years=1, today=DAY, rts=2, contribution_days=2, seed=11)
        Account.objects.create(name="Bank B", kind="bank")
        return {
            "kampung": kampung_b.pk,
            "own_code": own_code,
            "household": [home.pk for home in seeded["households"]],
            "code": list(Household.objects.values_list("private_code", flat=True)),
            "round": list(Round.objects.values_list("pk", flat=True)),
            "expense": list(Expense.objects.values_list("pk", flat=True)),
            "account": list(Account.objects.values_list("pk", flat=True)),
            "project": [project.pk for project in seeded["projects"]],
        }


def _account_choice_accepted(pk: int) -> bool:
    form = AdjustmentForm(closed_months=[])
    return form.fields["account"].queryset.filter(pk=pk).exists()


# The lookups the views make by a URL's id (get_object_or_404 on the view's queryset) or a posted choice.
LOOKUPS = {
    "household": lambda pk: get_object_or_404(register_queryset(), pk=pk),
    "round": lambda pk: get_object_or_404(Round.objects.select_related("rt"), pk=pk),
    "expense": lambda pk: get_object_or_404(Expense.objects.select_related("project", "recorded_by"), pk=pk),
    "project": lambda pk: get_object_or_404(projects_with_totals(), pk=pk),
}


@pytest.mark.django_db
@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_ids_and_codes_of_another_kampung_never_resolve_in_this_one(rows_of_b, bendahara, client, data):
    kind = data.draw(st.sampled_from([*LOOKUPS, "account", "code"]))
    key = data.draw(st.sampled_from(rows_of_b[kind]))
    if kind == "code":
        # The sticker's page, through the public view: a request of a single-kampung install runs in the first.
        assert client.get(f"/h/{key}/").status_code == 404
    elif kind == "account":
        assert not _account_choice_accepted(key)
        with activate(rows_of_b["kampung"]):
            assert _account_choice_accepted(key)
    else:
        with pytest.raises(Http404):
            LOOKUPS[kind](key)
        with activate(rows_of_b["kampung"]):
            assert LOOKUPS[kind](key).pk == key


@pytest.mark.django_db
def test_the_public_household_page_finds_its_own_kampungs_code(rows_of_b, bendahara, client):
    assert rows_of_b["own_code"] not in rows_of_b["code"]
    assert client.get(f"/h/{rows_of_b['own_code']}/").status_code == 200


@pytest.mark.django_db
def test_a_command_names_its_kampung_and_check_ledger_checks_every_kampung(kampung_b, capsys):
    with activate(kampung_b.pk):
        seeding.seed_demo(households=8, months=2, seed=5, today_evening=DAY)
    call_command("check_ledger")
    assert "Buku kas cocok." in capsys.readouterr().out
    call_command("account_balances", "--kampung", "kampung-b", "--date", DAY.isoformat())
    assert "Total" in capsys.readouterr().out
    with pytest.raises(CommandError, match="--kampung"):
        call_command("account_balances")  # two kampungs: the command will not guess
    with pytest.raises(CommandError, match="tidak-ada"):
        call_command("account_balances", "--kampung", "tidak-ada")
