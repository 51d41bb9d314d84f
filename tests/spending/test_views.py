"""The treasurer's pages: lists with filters and downloads, the forms, the project page."""

import csv
import datetime as dt
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from ledger.models import number_in_bulk
from spending.models import Expense, OtherIncome, Project
from tests.spending.factories import expense, income, jpeg_bytes, stunting_kitchen, upload

pytestmark = pytest.mark.usefixtures("media")


@pytest.fixture
def books(bendahara):
    kitchen = stunting_kitchen()
    musala = Project.objects.create(name="Musala", budget=25_000_000)
    income(dt.date(2026, 4, 1), 20_000_000)
    expense(dt.date(2026, 4, 3), 1_000_000, project=kitchen, description="Kompor gas", payee="Toko Makmur")
    expense(dt.date(2026, 5, 3), 2_500_000, project=kitchen, description="Peralatan masak")
    expense(dt.date(2026, 5, 9), 4_000_000, project=musala, description="Karpet musala")
    expense(dt.date(2026, 5, 20), 150_000, description="Alat tulis", payee="=HYPERLINK(1)")
    income(dt.date(2026, 5, 2), 3_000_000, project=kitchen, description="Bantuan Puskesmas")
    return {"kitchen": kitchen, "musala": musala}


def test_expense_list_filters_and_totals(client_as, books):
    client = client_as("bendahara")
    page = client.get(
        reverse("spending:expense_list"), {"since": "2026-05-01", "until": "2026-05-31", "project": books["kitchen"].pk}
    ).content.decode()
    assert "Peralatan masak" in page and "Kompor gas" not in page and "Karpet musala" not in page
    assert "Rp 2.500.000" in page
    page = client.get(reverse("spending:expense_list"), {"q": "karpet"}).content.decode()
    assert "Karpet musala" in page and "Peralatan masak" not in page
    assert "Rp 4.000.000" in page


def test_expense_csv_and_xlsx_downloads_hold_the_filtered_rows(client_as, books):
    client = client_as("pokja")
    response = client.get(reverse("spending:expense_list"), {"since": "2026-05-01", "unduh": "csv"})
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][:6] == ["No. bukti", "Tanggal", "Keterangan", "Program", "Dibayar kepada", "Jumlah"]
    assert sorted(int(r[5]) for r in rows[1:]) == [150_000, 2_500_000, 4_000_000]
    assert "'=HYPERLINK(1)" in [r[4] for r in rows]  # neutralised formula
    assert {r[0] for r in rows[1:]} == {e.reference for e in Expense.objects.filter(spent_on__gte=dt.date(2026, 5, 1))}
    response = client.get(reverse("spending:expense_list"), {"since": "2026-05-01", "unduh": "xlsx"})
    sheet = load_workbook(io.BytesIO(response.content)).active
    amounts = [row[5] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert sorted(amounts) == [150_000, 2_500_000, 4_000_000]
    assert client.get(reverse("spending:expense_list"), {"unduh": "pdf"}).status_code == 404


def test_income_and_project_lists_download(client_as, books):
    client = client_as("bendahara")
    response = client.get(reverse("spending:income_list"), {"source": "donasi", "unduh": "csv"})
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert sorted(int(r[6]) for r in rows[1:]) == [3_000_000, 20_000_000]
    response = client.get(reverse("spending:project_list"), {"unduh": "xlsx"})
    sheet = load_workbook(io.BytesIO(response.content)).active
    figures = {row[0]: row[2:5] for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert figures["Dapur stunting"] == (12_000_000, 3_500_000, 3_000_000)
    assert figures["Musala"] == (25_000_000, 4_000_000, 0)


def test_record_expense_with_dotted_amount(client_as, books):
    response = client_as("bendahara").post(
        reverse("spending:expense_create"),
        {
            "spent_on": "2026-05-21",
            "project": books["kitchen"].pk,
            "description": "Susu dan telur",
            "payee": "Warung Bu Sri",
            "amount": "3.500.000",
            "receipt_file": upload("nota.jpg", jpeg_bytes()),
        },
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("spending:project_detail", args=[books["kitchen"].pk])
    saved = Expense.objects.get(description="Susu dan telur")
    assert saved.amount == 3_500_000 and saved.recorded_by.username == "bendahara"


@pytest.mark.parametrize(
    "amount,message",
    [("-5000", "Jumlah tidak boleh negatif"), ("0", "Jumlah harus lebih dari nol"), ("3,5 juta", "tanpa sen")],
)
def test_bad_amounts_are_explained(client_as, books, amount, message):
    response = client_as("bendahara").post(
        reverse("spending:expense_create"), {"spent_on": "2026-05-21", "description": "Gas", "amount": amount}
    )
    assert response.status_code == 200 and message in response.content.decode()


def test_expense_above_the_balance_is_refused_next_to_the_amount(client_as, books):
    response = client_as("bendahara").post(
        reverse("spending:expense_create"),
        {"spent_on": "2026-03-15", "description": "Rangka atap", "amount": "1.000.000"},
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "Saldo kas tidak cukup" in page and "Rp 0" in page
    assert 'value="Rangka atap"' in page and 'value="1.000.000"' in page
    assert not Expense.objects.filter(description="Rangka atap").exists()


def test_record_and_delete_other_income(client_as, books):
    client = client_as("bendahara")
    response = client.post(
        reverse("spending:income_create"),
        {
            "received_on": "2026-05-25",
            "source": "kwt",
            "source_name": "KWT Melati",
            "description": "Penjualan sayur",
            "amount": "450.000",
            "project": "",
        },
    )
    assert response.status_code == 302
    saved = OtherIncome.objects.get(description="Penjualan sayur")
    assert saved.amount == 450_000 and saved.recorded_by.username == "bendahara"
    assert client.post(reverse("spending:income_delete", args=[saved.pk])).status_code == 302
    assert not OtherIncome.objects.filter(pk=saved.pk).exists()


def test_deleting_income_that_paid_for_spending_is_refused_with_a_message(client_as, books):
    big = OtherIncome.objects.get(amount=20_000_000)
    response = client_as("bendahara").post(reverse("spending:income_delete", args=[big.pk]))
    assert response.status_code == 200 and "Saldo kas tidak cukup" in response.content.decode()
    assert OtherIncome.objects.filter(pk=big.pk).exists()


def test_project_page_shows_budget_spent_earmarked_and_progress(client_as, books, django_assert_num_queries):
    client = client_as("pokja")
    url = reverse("spending:project_detail", args=[books["kitchen"].pk])
    client.get(url)
    with django_assert_num_queries(8):
        page = client.get(url).content.decode()
    assert "Rp 12.000.000" in page and "Rp 3.500.000" in page and "Rp 3.000.000" in page
    assert 'value="29"' in page and "29% dari target anggaran terpakai" in page
    assert "Peralatan masak" in page and "Karpet musala" not in page


def test_project_list_queries_do_not_grow_with_projects(client_as, books, django_assert_max_num_queries):
    client = client_as("bendahara")
    client.get(reverse("spending:project_list"))
    for number in range(20):
        Project.objects.create(name=f"Program {number}", budget=1_000_000)
    with django_assert_max_num_queries(9):
        page = client.get(reverse("spending:project_list")).content.decode()
    assert "Program 19" in page


def test_create_project_with_a_cover_photo(client_as, media):
    response = client_as("bendahara").post(
        reverse("spending:project_create"),
        {
            "name": "Ambulans",
            "status": "rencana",
            "budget": "35.000.000",
            "display_order": "0",
            "cover_file": upload("ambulans.jpg", jpeg_bytes(gps=True)),
        },
    )
    assert response.status_code == 302
    project = Project.objects.get(name="Ambulans")
    assert project.budget == 35_000_000 and project.cover_photo.name.startswith("projects/")
    cover = client_as("anonymous").get(reverse("spending:project_cover", args=[project.pk]))
    assert cover["Content-Type"] == "image/jpeg" and cover["X-Content-Type-Options"] == "nosniff"


def test_project_form_refuses_a_renamed_html_cover(client_as):
    response = client_as("bendahara").post(
        reverse("spending:project_create"),
        {
            "name": "Musala",
            "status": "rencana",
            "display_order": "0",
            "cover_file": upload("foto.jpg", b"<html></html>"),
        },
    )
    assert response.status_code == 200 and "bukan foto" in response.content.decode()
    assert not Project.objects.exists()


def test_expense_list_queries_do_not_grow_with_rows(client_as, books, django_assert_max_num_queries):
    client = client_as("bendahara")
    client.get(reverse("spending:expense_list"))
    expenses = [
        Expense(spent_on=dt.date(2026, 4, 5), project=books["kitchen"], description=f"Sayur {n}", amount=1_000)
        for n in range(60)
    ]
    number_in_bulk(expenses)
    Expense.objects.bulk_create(expenses)
    with django_assert_max_num_queries(9):
        page = client.get(reverse("spending:expense_list")).content.decode()
    # Newest first, and among same-day rows the one recorded last.
    assert "Sayur 59" in page
    assert "Sayur 0<" not in page
