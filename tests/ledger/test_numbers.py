"""Transaction numbers (nomor bukti): one gap-free sequence per year over every money document, taken in the
saving transaction (a failed save leaves no hole), never changed or removed, a removed document's number listed
as void (batal). The database itself refuses what would break this (raw SQL below, on the suite's database)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import DatabaseError, connection, transaction
from django.urls import reverse

from ledger.models import Account, AccountKind, Adjustment, IssuedNumber, NumberKind, Transfer, format_number
from ledger.services import close_month, record_adjustment, record_transfer
from nightly.models import Handover
from reports.numbers import number_register
from spending import services as spending
from spending.models import Expense, OtherIncome
from tests.ledger.factories import hand_over, save_round
from tests.nightly.factories import make_rt

pytestmark = pytest.mark.django_db
MAY_2 = dt.date(2026, 5, 2)


def _raw(sql: str, params=()):
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, params)


def _income(day: dt.date, amount: int, user, description: str = "Donasi") -> OtherIncome:
    return spending.save_other_income(OtherIncome(received_on=day, description=description, amount=amount), user=user)


def test_every_kind_of_document_takes_the_next_number_of_its_year(bendahara):
    rt, households = make_rt(number=1, households=2)
    first = _income(dt.date(2026, 1, 3), 100_000, bendahara)
    expense = spending.save_expense(
        Expense(spent_on=dt.date(2026, 1, 4), description="Senter", amount=20_000), user=bendahara
    )
    bank = Account.objects.create(name="BRI", kind=AccountKind.BANK)
    transfer = record_transfer(
        transfer_date=dt.date(2026, 1, 5),
        from_account=Account.objects.get(is_default=True),
        to_account=bank,
        amount=10_000,
        user=bendahara,
    )
    handover = hand_over([save_round(rt, households, dt.date(2026, 1, 5), bendahara)], dt.date(2026, 1, 6), bendahara)
    close_month(dt.date(2026, 1, 1), bendahara, today=dt.date(2026, 3, 1))
    adjustment = record_adjustment(dt.date(2026, 2, 2), -500, "Salah hitung", dt.date(2026, 1, 1), bendahara)
    last_year = _income(dt.date(2025, 12, 30), 5_000, bendahara)  # entered late: 2025's own sequence
    documents = [first, expense, transfer, handover, adjustment]
    assert [d.reference for d in documents] == ["2026-0001", "2026-0002", "2026-0003", "2026-0004", "2026-0005"]
    assert last_year.reference == "2025-0001"
    stored = {
        (model.NUMBER_KIND, year, number)
        for model in (OtherIncome, Expense, Transfer, Handover, Adjustment)
        for year, number in model.objects.values_list("number_year", "number")
    }
    assert stored == set(IssuedNumber.objects.values_list("kind", "year", "seq"))
    assert format_number(2026, 42) == "2026-0042"


def test_a_save_that_fails_after_taking_its_number_leaves_no_hole(bendahara):
    _income(MAY_2, 10_000, bendahara)
    too_much = Expense(spent_on=MAY_2, description="Tenda", amount=50_000)
    with pytest.raises(ValidationError):  # taken the number, written the row, then refused by the balance rule
        spending.save_expense(too_much, user=bendahara)
    assert list(IssuedNumber.objects.values_list("seq", flat=True)) == [1]
    # The same form, corrected and saved again, takes number 2, not a stale 3 or the lost 2.
    too_much.amount = 5_000
    spending.save_expense(too_much, user=bendahara)
    assert too_much.reference == "2026-0002"
    assert list(IssuedNumber.objects.values_list("seq", flat=True)) == [1, 2]


def test_a_removed_document_keeps_its_number_as_void(client_as, bendahara):
    kept = _income(MAY_2, 10_000, bendahara, "Donasi warga")
    removed = _income(MAY_2, 20_000, bendahara, "Salah catat")
    spending.delete_other_income(removed)
    later = _income(MAY_2, 30_000, bendahara, "Donasi RW")
    assert later.reference == "2026-0003"  # never the removed one's 2 again
    lines = number_register(2026)
    assert [(line.number, line.is_void) for line in lines] == [
        ("2026-0001", False),
        ("2026-0002", True),
        ("2026-0003", False),
    ]
    page = client_as("pokja").get(reverse("reports:numbers"), {"tahun": 2026}).content.decode()
    assert "2026-0002" in page and "batal" in page and "Donasi warga" in page and kept.reference in page
    spending.save_expense(Expense(spent_on=MAY_2, description="Senter", amount=4_000), user=bendahara)
    assert number_register(2026)[-1].amount == -4_000  # spending shows as money out


def test_the_register_takes_the_same_queries_however_many_numbers(client_as, bendahara, django_assert_num_queries):
    client = client_as("bendahara")
    _income(MAY_2, 10_000, bendahara)
    client.get(reverse("reports:numbers"))
    with django_assert_num_queries(12) as few:
        client.get(reverse("reports:numbers"))
    for n in range(10):
        _income(MAY_2, 1_000, bendahara, f"Donasi {n}")
    with django_assert_num_queries(len(few.captured_queries)):
        page = client.get(reverse("reports:numbers")).content.decode()
    assert "2026-0011" in page


# --- Beneath the ORM ---------------------------------------------------------------------------------------


def test_the_database_gives_numbers_only_in_order_and_never_takes_one_back():
    _raw("INSERT INTO ledger_issuednumber (year, seq, kind, issued_at) VALUES (2026, 1, 'pemasukan', %s)", [MAY_2])
    for sql in (
        "INSERT INTO ledger_issuednumber (year, seq, kind, issued_at) VALUES (2026, 3, 'pemasukan', '2026-05-02')",
        "INSERT INTO ledger_issuednumber (year, seq, kind, issued_at) VALUES (2026, 1, 'pemasukan', '2026-05-02')",
        "INSERT INTO ledger_issuednumber (year, seq, kind, issued_at) VALUES (2027, 2, 'pemasukan', '2026-05-02')",
        "UPDATE ledger_issuednumber SET kind = 'pengeluaran'",
        "UPDATE ledger_issuednumber SET seq = 5",
        "DELETE FROM ledger_issuednumber",
    ):
        with pytest.raises(DatabaseError):
            _raw(sql)
    _raw("INSERT INTO ledger_issuednumber (year, seq, kind, issued_at) VALUES (2026, 2, 'koreksi', '2026-05-02')")
    _raw("INSERT INTO ledger_issuednumber (year, seq, kind, issued_at) VALUES (2027, 1, 'koreksi', '2026-05-02')")
    assert sorted(IssuedNumber.objects.values_list("year", "seq")) == [(2026, 1), (2026, 2), (2027, 1)]


def _insert_income(year, number):
    _raw(
        "INSERT INTO spending_otherincome (received_on, source, source_name, description, amount, recorded_at, "
        "account_id, number_year, number) VALUES (%s, 'donasi', '', 'SQL', 1000, %s, %s, %s, %s)",
        [MAY_2, dt.datetime(2026, 5, 2, 9), Account.objects.get(is_default=True).pk, year, number],
    )


def test_the_database_refuses_a_document_without_its_own_issued_number(kampung, bendahara):
    IssuedNumber.objects.issue(kind=NumberKind.INCOME, day=MAY_2)  # 2026-0001, for an income
    IssuedNumber.objects.issue(kind=NumberKind.EXPENSE, day=MAY_2)  # 2026-0002, for an expense
    for year, number in ((None, None), (2026, 3), (2026, 2), (2025, 1)):  # none, not issued, another kind's
        with pytest.raises(DatabaseError):
            _insert_income(year, number)
    _insert_income(2026, 1)
    with pytest.raises(DatabaseError):  # one number, one document
        _insert_income(2026, 1)
    income = OtherIncome.objects.get()
    for sql in (
        "UPDATE spending_otherincome SET number = 2 WHERE id = %s",
        "UPDATE spending_otherincome SET number = NULL WHERE id = %s",
        "UPDATE spending_otherincome SET number_year = 2025 WHERE id = %s",
    ):
        with pytest.raises(DatabaseError):
            _raw(sql, [income.pk])
    _raw("UPDATE spending_otherincome SET description = 'Donasi' WHERE id = %s", [income.pk])
    assert OtherIncome.objects.get().reference == "2026-0001"
