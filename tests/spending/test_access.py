"""Who reaches the spending pages, the receipts and the spending admin."""

import datetime as dt

import pytest
from django.urls import reverse

from jimpitan.models import KampungProfile
from spending import services
from spending.models import Expense
from spending.uploads import process_receipt
from tests.access import FORBIDDEN, LOGIN, OK, ROLES, assert_access
from tests.spending.factories import income, jpeg_bytes, stunting_kitchen, upload

pytestmark = pytest.mark.usefixtures("media")


@pytest.fixture
def records(bendahara):
    project = stunting_kitchen()
    donation = income(dt.date(2026, 5, 1), 2_000_000)
    expense = services.save_expense(
        Expense(spent_on=dt.date(2026, 5, 3), project=project, description="Kompor gas", amount=450_000),
        user=bendahara,
        receipt=process_receipt(upload("nota.jpg", jpeg_bytes())),
    )
    return {"project": project, "income": donation, "expense": expense}


# page -> expected outcome for (anonymous, petugas, pokja, bendahara)
MATRIX = {
    ("spending:expense_list", None): (LOGIN, FORBIDDEN, OK, OK),
    ("spending:expense_create", None): (LOGIN, FORBIDDEN, FORBIDDEN, OK),
    ("spending:expense_detail", "expense"): (LOGIN, FORBIDDEN, OK, OK),
    ("spending:expense_edit", "expense"): (LOGIN, FORBIDDEN, FORBIDDEN, OK),
    ("spending:expense_delete", "expense"): (LOGIN, FORBIDDEN, FORBIDDEN, OK),
    ("spending:income_list", None): (LOGIN, FORBIDDEN, OK, OK),
    ("spending:income_create", None): (LOGIN, FORBIDDEN, FORBIDDEN, OK),
    ("spending:income_edit", "income"): (LOGIN, FORBIDDEN, FORBIDDEN, OK),
    ("spending:income_delete", "income"): (LOGIN, FORBIDDEN, FORBIDDEN, OK),
    ("spending:project_list", None): (LOGIN, FORBIDDEN, OK, OK),
    ("spending:project_create", None): (LOGIN, FORBIDDEN, FORBIDDEN, OK),
    ("spending:project_detail", "project"): (LOGIN, FORBIDDEN, OK, OK),
    ("spending:project_edit", "project"): (LOGIN, FORBIDDEN, FORBIDDEN, OK),
    ("spending:receipt", "expense"): (LOGIN, FORBIDDEN, OK, OK),
    ("spending:receipt_thumbnail", "expense"): (LOGIN, FORBIDDEN, OK, OK),
}


@pytest.mark.parametrize("target", MATRIX, ids=lambda t: t[0])
@pytest.mark.parametrize("role_index", range(len(ROLES)), ids=ROLES)
def test_access_matrix(client_as, records, target, role_index):
    name, obj = target
    url = reverse(name, args=[records[obj].pk] if obj else [])
    assert_access(client_as(ROLES[role_index]), url, MATRIX[target][role_index])


ADMIN_URLS = [
    "/admin/spending/expense/",
    "/admin/spending/otherincome/",
    "/admin/spending/project/",
    "/admin/spending/expense/{expense}/change/",
    "/admin/spending/expense/{expense}/history/",
    "/admin/spending/otherincome/{income}/change/",
    "/admin/spending/project/{project}/change/",
]


@pytest.mark.parametrize("url", ADMIN_URLS)
@pytest.mark.parametrize("role,expected", [("anonymous", 302), ("petugas", 302), ("pokja", 200), ("bendahara", 200)])
def test_admin_reachable_by_staff_roles_only(client_as, records, url, role, expected):
    response = client_as(role).get(url.format(**{name: obj.pk for name, obj in records.items()}))
    assert response.status_code == expected
    if expected == 302:
        assert "/admin/login/" in response["Location"]


def test_pokja_can_view_but_not_change_in_admin(client_as, records):
    client = client_as("pokja")
    expense = records["expense"]
    response = client.get(f"/admin/spending/expense/{expense.pk}/change/")
    assert response.status_code == 200
    page = response.content.decode()
    assert 'name="description"' not in page and "Kompor gas" in page  # a read-only view
    assert reverse("spending:receipt_thumbnail", args=[expense.pk]) in page
    response = client.post(
        f"/admin/spending/expense/{expense.pk}/change/",
        {"spent_on": "2026-05-03", "description": "Diubah", "amount": "1"},
    )
    assert response.status_code == 403
    assert client.get("/admin/spending/expense/add/").status_code == 403
    assert client.post(f"/admin/spending/expense/{expense.pk}/delete/", {"post": "yes"}).status_code == 403
    assert Expense.objects.get().description == "Kompor gas"


def test_receipt_headers(client_as, records):
    response = client_as("pokja").get(reverse("spending:receipt", args=[records["expense"].pk]))
    assert response["Content-Type"] == "image/jpeg"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Disposition"] == f'inline; filename="nota-{records["expense"].pk}.jpg"'
    assert b"".join(response.streaming_content)[:3] == b"\xff\xd8\xff"


def test_published_receipts_are_open_to_everyone(client_as, records, kampung):
    KampungProfile.objects.filter(pk=kampung.pk).update(publish_receipts=True)
    url = reverse("spending:receipt", args=[records["expense"].pk])
    assert client_as("anonymous").get(url).status_code == 200
    assert client_as("petugas").get(url).status_code == 200


def test_media_folder_is_not_served(client_as, records):
    assert client_as("bendahara").get("/media/receipts/").status_code == 404
    assert client_as("bendahara").get("/media/" + records["expense"].receipt.name).status_code == 404


def test_navbar_and_home_show_spending_only_to_its_roles(client_as, records):
    petugas = client_as("petugas").get(reverse("home")).content.decode()
    assert reverse("spending:expense_list") not in petugas
    pokja = client_as("pokja").get(reverse("home")).content.decode()
    assert reverse("spending:expense_list") in pokja and reverse("spending:expense_create") not in pokja
    bendahara = client_as("bendahara").get(reverse("home")).content.decode()
    assert reverse("spending:expense_create") in bendahara


def test_pdf_receipt_is_served_as_pdf_inline(client_as, records, bendahara):
    from tests.spending.factories import pdf_bytes

    saved = services.save_expense(
        Expense(spent_on=dt.date(2026, 5, 4), description="Servis kulkas", amount=100_000),
        user=bendahara,
        receipt=process_receipt(upload("kuitansi.jpg", pdf_bytes(), "image/jpeg")),
    )
    response = client_as("bendahara").get(reverse("spending:receipt", args=[saved.pk]))
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == f'inline; filename="nota-{saved.pk}.pdf"'
    assert response["X-Content-Type-Options"] == "nosniff"
    assert client_as("bendahara").get(reverse("spending:receipt_thumbnail", args=[saved.pk])).status_code == 404
