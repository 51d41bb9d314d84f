"""The treasurer's admin: totals of the filtered rows, downloads, read-only history, service rules."""

import csv
import datetime as dt
import io

import pytest
from openpyxl import load_workbook

from ledger.models import number_in_bulk
from spending.models import Expense, OtherIncome, Project
from tests.spending.factories import expense, income, jpeg_bytes, stunting_kitchen, upload

pytestmark = pytest.mark.usefixtures("media")


@pytest.fixture
def books(bendahara):
    kitchen = stunting_kitchen()
    income(dt.date(2026, 4, 1), 20_000_000)
    rows = [
        expense(dt.date(2026, 4, 3), 1_000_000, project=kitchen, description="Kompor gas"),
        expense(dt.date(2026, 5, 3), 2_500_000, project=kitchen, description="Peralatan masak"),
        expense(dt.date(2026, 5, 9), 4_000_000, description="Perbaikan pos ronda"),
        expense(dt.date(2026, 5, 20), 150_000, description="Alat tulis"),
    ]
    return {"kitchen": kitchen, "expenses": rows}


def _totals(response) -> list:
    return response.context["filtered_totals"]


@pytest.mark.parametrize(
    "query,expected",
    [
        ({}, 7_650_000),
        ({"spent_on__year": "2026", "spent_on__month": "5"}, 6_650_000),
        ({"q": "masak"}, 2_500_000),
        ({"project__id__exact": "PROJECT"}, 3_500_000),
        ({"disetujui": "belum", "spent_on__year": "2026", "spent_on__month": "4"}, 1_000_000),
    ],
    ids=["all", "may", "search", "project", "unapproved-april"],
)
def test_change_list_total_matches_the_filtered_rows(client_as, books, query, expected):
    query = {k: (str(books["kitchen"].pk) if v == "PROJECT" else v) for k, v in query.items()}
    response = client_as("pokja").get("/admin/spending/expense/", query)
    assert response.status_code == 200
    changelist = response.context["cl"]
    assert sum(e.amount for e in changelist.queryset) == expected
    from jimpitan.lib.money import format_rupiah

    assert _totals(response) == [("Jumlah", format_rupiah(expected))]
    assert format_rupiah(expected) in response.content.decode()


def test_total_covers_every_page_not_only_the_first(client_as, books, bendahara):
    income(dt.date(2026, 6, 1), 10_000_000)
    expenses = [Expense(spent_on=dt.date(2026, 6, 2), description=f"Paku {i}", amount=1_000) for i in range(150)]
    number_in_bulk(expenses)
    Expense.objects.bulk_create(expenses)
    response = client_as("bendahara").get(
        "/admin/spending/expense/", {"spent_on__month": "6", "spent_on__year": "2026"}
    )
    assert len(response.context["cl"].result_list) == 100
    assert _totals(response) == [("Jumlah", "Rp 150.000")]


def test_amounts_are_shown_as_rupiah(client_as, books):
    page = client_as("bendahara").get("/admin/spending/expense/").content.decode()
    assert "Rp 2.500.000" in page and "2500000" not in page


def test_export_actions_give_csv_and_xlsx(client_as, books):
    client = client_as("pokja")
    ids = [str(e.pk) for e in books["expenses"][1:3]]
    response = client.post("/admin/spending/expense/", {"action": "export_csv", "_selected_action": ids})
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0] == ["Tanggal", "Program", "Keterangan", "Dibayar kepada", "Jumlah", "Dicatat oleh", "Disetujui oleh"]
    assert sorted(int(r[4]) for r in rows[1:]) == [2_500_000, 4_000_000]
    response = client.post("/admin/spending/expense/", {"action": "export_xlsx", "_selected_action": ids})
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sorted(r[4] for r in sheet.iter_rows(min_row=2, values_only=True)) == [2_500_000, 4_000_000]
    assert sheet["E2"].number_format.startswith('"Rp"')


def test_history_is_readable_but_cannot_be_reverted(client_as, books, bendahara):
    from spending import services

    target = books["expenses"][3]
    target.description = "Alat tulis dan map"
    services.save_expense(target, user=bendahara)
    client = client_as("bendahara")
    history = client.get(f"/admin/spending/expense/{target.pk}/history/")
    assert history.status_code == 200
    version = target.history.earliest().history_id
    url = f"/admin/spending/expense/{target.pk}/history/{version}/"
    view = client.get(url)
    assert view.status_code == 200 and "Revert" not in view.content.decode()
    assert client.post(url, {"description": "Alat tulis"}).status_code == 403
    assert Expense.objects.get(pk=target.pk).description == "Alat tulis dan map"


def test_admin_add_goes_through_the_service(client_as, books):
    client = client_as("bendahara")
    response = client.post(
        "/admin/spending/expense/add/",
        {
            "spent_on": "2026-05-21",
            "project": books["kitchen"].pk,
            "description": "Gas elpiji",
            "payee": "Warung",
            "amount": "3.500.000",
            "receipt_file": upload("nota.jpg", jpeg_bytes()),
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    saved = Expense.objects.get(description="Gas elpiji")
    assert saved.amount == 3_500_000 and saved.recorded_by.username == "bendahara"
    assert saved.receipt_thumbnail


def test_admin_refuses_an_expense_the_cash_cannot_cover(client_as, books):
    response = client_as("bendahara").post(
        "/admin/spending/expense/add/",
        {"spent_on": "2026-03-01", "description": "Terlalu awal", "amount": "500.000"},
    )
    assert response.status_code == 200
    assert "Saldo kas tidak cukup" in response.content.decode()
    assert not Expense.objects.filter(description="Terlalu awal").exists()


def test_admin_refuses_deleting_income_that_paid_for_spending(client_as, books):
    big = OtherIncome.objects.get()
    client = client_as("bendahara")
    response = client.post(f"/admin/spending/otherincome/{big.pk}/delete/", {"post": "yes"}, follow=True)
    assert "Saldo kas tidak cukup" in response.content.decode()
    assert OtherIncome.objects.filter(pk=big.pk).exists()
    small = income(dt.date(2026, 5, 30), 10_000)
    response = client.post(
        "/admin/spending/otherincome/",
        {"action": "delete_selected", "_selected_action": [big.pk, small.pk], "post": "yes"},
        follow=True,
    )
    # The bulk delete runs each row through the service in one transaction: one refusal keeps both rows.
    assert OtherIncome.objects.count() == 2
    assert "Tidak ada yang dihapus: Saldo kas tidak cukup" in response.content.decode()
    response = client.post(f"/admin/spending/otherincome/{small.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302 and OtherIncome.objects.count() == 1


def test_pokja_approves_from_the_admin_action(client_as, books, bendahara):
    from spending import services

    recorded = services.save_expense(
        Expense(spent_on=dt.date(2026, 5, 22), description="Gas", amount=1_000), user=bendahara
    )
    response = client_as("pokja").post(
        "/admin/spending/expense/", {"action": "approve_selected", "_selected_action": [recorded.pk]}
    )
    assert response.status_code == 302
    assert Expense.objects.get(pk=recorded.pk).approved_by.username == "pokja"


def test_project_admin_shows_spent_and_earmarked(client_as, books):
    income(dt.date(2026, 5, 2), 3_000_000, project=books["kitchen"])
    page = client_as("bendahara").get("/admin/spending/project/").content.decode()
    assert "Rp 3.500.000" in page and "Rp 3.000.000" in page and "Rp 12.000.000" in page
    assert Project.objects.count() == 1
