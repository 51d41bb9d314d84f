"""A Pokja or Bendahara member other than the recorder approves an expense; never the recorder."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from jimpitan.roles import BENDAHARA, grant_role
from spending import services
from spending.models import Expense
from tests.spending.factories import income

pytestmark = pytest.mark.django_db


@pytest.fixture
def recorded(bendahara):
    income(dt.date(2026, 5, 1), 1_000_000)
    return services.save_expense(
        Expense(spent_on=dt.date(2026, 5, 2), description="Konsumsi rapat", amount=200_000), user=bendahara
    )


def test_pokja_approves_an_expense_recorded_by_the_treasurer(recorded, pokja):
    services.approve_expense(recorded, pokja)
    recorded.refresh_from_db()
    assert recorded.approved_by == pokja and recorded.approved_at is not None


def test_recorder_cannot_approve_their_own_entry(recorded, bendahara):
    with pytest.raises(ValidationError) as caught:
        services.approve_expense(recorded, bendahara)
    assert caught.value.code == "self_approval"
    assert Expense.objects.get().approved_by is None


def test_a_second_treasurer_may_approve(recorded, django_user_model):
    other = django_user_model.objects.create_user("bendahara2")
    grant_role(user=other, role=BENDAHARA)
    services.approve_expense(recorded, other)
    assert Expense.objects.get().approved_by == other


def test_petugas_cannot_approve(recorded, petugas):
    with pytest.raises(PermissionDenied):
        services.approve_expense(recorded, petugas)


def test_approving_twice_is_refused(recorded, pokja, django_user_model):
    services.approve_expense(recorded, pokja)
    with pytest.raises(ValidationError):
        services.approve_expense(recorded, pokja)


def test_approve_button_and_post(client_as, recorded):
    url = reverse("spending:expense_detail", args=[recorded.pk])
    assert "Setujui pengeluaran ini" not in client_as("bendahara").get(url).content.decode()
    client = client_as("pokja")
    assert "Setujui pengeluaran ini" in client.get(url).content.decode()
    assert client.get(reverse("spending:expense_approve", args=[recorded.pk])).status_code == 405
    response = client.post(reverse("spending:expense_approve", args=[recorded.pk]))
    assert response.status_code == 302
    assert Expense.objects.get().approved_by.username == "pokja"


def test_self_approval_by_post_is_refused_with_a_message(client_as, recorded):
    response = client_as("bendahara").post(reverse("spending:expense_approve", args=[recorded.pk]), follow=True)
    assert "Anda catat sendiri" in response.content.decode()
    assert Expense.objects.get().approved_by is None


def test_petugas_cannot_post_an_approval(client_as, recorded):
    assert client_as("petugas").post(reverse("spending:expense_approve", args=[recorded.pk])).status_code == 403
