"""An approval vouches for one version of an expense: any change to what was approved clears it."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from spending import services
from spending.models import Expense, Project
from spending.uploads import process_receipt
from tests.spending.factories import income, png_bytes

pytestmark = pytest.mark.django_db


@pytest.fixture
def approved(bendahara, pokja, media):
    income(dt.date(2026, 5, 1), 1_000_000)
    expense = services.save_expense(
        Expense(spent_on=dt.date(2026, 5, 2), description="Konsumsi rapat", payee="Warung Bu Sri", amount=200_000),
        user=bendahara,
    )
    return services.approve_expense(expense, pokja)


@pytest.mark.parametrize(
    "field, value",
    [
        ("payee", "Toko lain"),
        ("description", "Konsumsi rapat RW"),
        ("amount", 250_000),
        ("spent_on", dt.date(2026, 5, 3)),
    ],
)
def test_a_changed_field_clears_the_approval(approved, bendahara, field, value):
    setattr(approved, field, value)
    services.save_expense(approved, user=bendahara)
    stored = Expense.objects.get(pk=approved.pk)
    assert (stored.approved_by, stored.approved_at) == (None, None)


def test_a_new_programme_clears_the_approval(approved, bendahara):
    approved.project = Project.objects.create(name="Musala")
    services.save_expense(approved, user=bendahara)
    assert Expense.objects.get(pk=approved.pk).approved_by is None


def test_a_replaced_receipt_clears_the_approval(approved, bendahara):
    receipt = process_receipt(SimpleUploadedFile("nota.png", png_bytes(), content_type="image/png"))
    services.save_expense(approved, user=bendahara, receipt=receipt)
    assert Expense.objects.get(pk=approved.pk).approved_by is None


def test_saving_unchanged_keeps_the_approval(approved, bendahara, pokja):
    services.save_expense(Expense.objects.get(pk=approved.pk), user=bendahara)
    assert Expense.objects.get(pk=approved.pk).approved_by == pokja


def test_history_shows_who_approved_which_version(approved, bendahara, pokja):
    approved.payee = "Toko lain"
    services.save_expense(approved, user=bendahara)
    versions = list(approved.history.order_by("history_date", "history_id"))
    assert [(v.payee, v.approved_by_id, v.history_user_id) for v in versions] == [
        ("Warung Bu Sri", None, bendahara.pk),
        ("Warung Bu Sri", pokja.pk, pokja.pk),
        ("Toko lain", None, bendahara.pk),
    ]
