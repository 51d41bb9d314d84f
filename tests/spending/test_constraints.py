"""The rules that matter are database constraints too: raw SQL cannot break them."""

import datetime as dt

import pytest
from django.db import IntegrityError, connection, transaction

from ledger.models import NumberKind, default_account_id
from spending.models import Expense, OtherIncome, Project
from tests.ledger.factories import numbered

pytestmark = pytest.mark.django_db


def _insert_expense(amount: int, recorded_by, approved_by):
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {Expense._meta.db_table} (spent_on, description, payee, amount, receipt, "
            "receipt_content_type, receipt_thumbnail, recorded_by_id, recorded_at, approved_by_id, account_id, "
            "number_year, number) VALUES (%s, %s, '', %s, '', '', '', %s, %s, %s, %s, %s, %s)",
            [
                dt.date(2026, 5, 1),
                "SQL",
                amount,
                recorded_by,
                dt.datetime(2026, 5, 1, 12, 0),
                approved_by,
                default_account_id(),
                *numbered(NumberKind.EXPENSE, dt.date(2026, 5, 1)),
            ],
        )


@pytest.mark.parametrize("amount", [0, -500])
def test_expense_amount_must_be_positive(bendahara, amount):
    with pytest.raises(IntegrityError), transaction.atomic():
        _insert_expense(amount, bendahara.pk, None)


def test_approver_cannot_be_the_recorder(bendahara, pokja):
    with pytest.raises(IntegrityError), transaction.atomic():
        _insert_expense(1000, bendahara.pk, bendahara.pk)
    _insert_expense(1000, bendahara.pk, pokja.pk)
    assert Expense.objects.get().approved_by == pokja


@pytest.mark.parametrize("amount", [0, -1])
def test_other_income_amount_must_be_positive(amount):
    with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {OtherIncome._meta.db_table} (received_on, source, source_name, description, amount, "
            "recorded_at, account_id, number_year, number) VALUES (%s, 'donasi', '', 'SQL', %s, %s, %s, %s, %s)",
            [
                dt.date(2026, 5, 1),
                amount,
                dt.datetime(2026, 5, 1, 12, 0),
                default_account_id(),
                *numbered(NumberKind.INCOME, dt.date(2026, 5, 1)),
            ],
        )


def test_project_budget_must_be_positive():
    with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {Project._meta.db_table} (name, description, status, budget, cover_photo, display_order) "
            "VALUES ('Musala', '', 'rencana', 0, '', 0)"
        )
