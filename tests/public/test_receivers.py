"""The public pages are rebuilt after any committed change to what they show, wherever it was made."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import transaction
from django.utils import timezone

from households.models import RT, Household
from jimpitan.lib.evening import evening_of
from ledger.models import Account
from nightly.services import record_catch_up
from public.cache import invalidate_public_figures, public_cache_version
from public.receivers import WATCHED_MODELS
from spending.models import OtherIncome

pytestmark = pytest.mark.django_db


def _pending(callbacks) -> int:
    return sum(1 for callback in callbacks if callback is invalidate_public_figures)


def test_one_transaction_schedules_one_invalidation(kampung, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks, transaction.atomic():
        rt = RT.objects.create(number=3)
        for number in range(5):
            Household.objects.create(rt=rt, address=f"No. {number}", head_name="Warga")
        OtherIncome.objects.create(received_on=dt.date(2026, 5, 1), description="Donasi", amount=50_000)
    assert _pending(callbacks) == 1


def test_each_transaction_gets_its_own(kampung, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks:
        with transaction.atomic():
            RT.objects.create(number=4)
        with transaction.atomic():
            RT.objects.create(number=5)
    assert _pending(callbacks) == 2


def test_a_rolled_back_write_invalidates_nothing(kampung, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks, pytest.raises(RuntimeError), transaction.atomic():
        RT.objects.create(number=6)
        raise RuntimeError
    assert _pending(callbacks) == 0


def test_admin_edit_of_a_household_shows_at_once(client, superuser, kampung, django_capture_on_commit_callbacks):
    rt = RT.objects.create(number=1)
    household = Household.objects.create(rt=rt, address="No. 7", head_name="Budi")
    client.force_login(superuser)
    version = public_cache_version()
    form = client.get(f"/admin/households/household/{household.pk}/change/").context["adminform"].form
    data = {name: value for name, value in form.initial.items() if value is not None}
    data.update(rt=rt.pk, address="No. 7A", head_name="Budi", status="aktif", usual_amount="500", route_position=1)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/admin/households/household/{household.pk}/change/", data)
    assert response.status_code == 302, response.content.decode()[:3000]
    assert public_cache_version() != version


def test_every_model_a_public_page_reads_is_watched():
    labels = {model._meta.label for model in WATCHED_MODELS}
    assert labels >= {
        "jimpitan.KampungProfile",
        "households.RT",
        "households.Household",
        "nightly.Round",
        "nightly.Contribution",
        "spending.Expense",
        "spending.OtherIncome",
        "spending.Project",
        "ledger.Adjustment",
        "ledger.MonthClosing",
        "nightly.RosterAssignment",
        "ledger.Account",
        "ledger.Transfer",
        "nightly.CatchUp",
        "nightly.CatchUpEvening",
    }


def test_a_catch_up_changes_the_household_page_at_once(client, bendahara, django_capture_on_commit_callbacks):
    rt = RT.objects.create(number=2)
    household = Household.objects.create(rt=rt, address="No. 3", head_name="Sri")
    client.get(f"/h/{household.private_code}/")  # cached for visitors without a session
    with django_capture_on_commit_callbacks(execute=True):
        record_catch_up(
            household=household,
            paid_on=timezone.localdate(),
            amount=500,
            account=Account.objects.get(is_default=True),
            evenings=[evening_of()],  # the night the page opens on, at any hour
            recorded_by=bendahara,
        )
    assert 'data-status="caught_up"' in client.get(f"/h/{household.private_code}/").content.decode()
