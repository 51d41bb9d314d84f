"""The round, contribution and household admin screens: filtered totals, exports, Rupiah, read-only history."""

import csv
import datetime as dt
import io

import pytest
from openpyxl import load_workbook

from households.models import RT, Household
from nightly.models import Contribution, Round

pytestmark = pytest.mark.django_db


@pytest.fixture
def rounds(kampung):
    rt3, rt4 = RT.objects.create(number=3), RT.objects.create(number=4)
    house = Household.objects.create(rt=rt3, address="Blok C2 No. 14", head_name="Bu Siti", usual_amount=500)
    Household.objects.create(rt=rt4, address="No. 1", head_name="Pak Budi", usual_amount=1000)
    may4 = Round.objects.create(rt=rt3, evening=dt.date(2026, 5, 4), total=500, households_listed=1, households_paid=1)
    Contribution.objects.create(round=may4, household=house, evening=may4.evening, amount=500, state="dibayar")
    Round.objects.create(rt=rt4, evening=dt.date(2026, 5, 4), total=42_000, is_total_only=True)
    Round.objects.create(rt=rt3, evening=dt.date(2026, 6, 1), total=30_000, is_total_only=True)
    return rt3, rt4


@pytest.mark.parametrize(
    "query,expected", [({}, "Rp 72.500"), ({"evening__month": "5", "evening__year": "2026"}, "Rp 42.500")]
)
def test_round_admin_totals_the_filtered_rows(client_as, rounds, query, expected):
    response = client_as("pokja").get("/admin/nightly/round/", query)
    assert response.status_code == 200
    assert response.context["filtered_totals"][0][1] == expected
    assert expected in response.content.decode()


def test_round_admin_filters_by_rt(client_as, rounds):
    rt3, _rt4 = rounds
    response = client_as("bendahara").get("/admin/nightly/round/", {"rt__id__exact": rt3.pk})
    assert response.context["filtered_totals"][0][1] == "Rp 30.500"


def test_round_admin_is_read_only_and_exports(client_as, rounds):
    client = client_as("bendahara")
    assert client.get("/admin/nightly/round/add/").status_code == 403
    ids = [str(pk) for pk in Round.objects.values_list("pk", flat=True)]
    response = client.post("/admin/nightly/round/", {"action": "export_xlsx", "_selected_action": ids})
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sorted(r[2] for r in sheet.iter_rows(min_row=2, values_only=True)) == [500, 30_000, 42_000]


def test_contribution_admin_total_and_csv(client_as, rounds):
    client = client_as("pokja")
    response = client.get("/admin/nightly/contribution/")
    assert response.context["filtered_totals"][0][1] == "Rp 500"
    ids = [str(pk) for pk in Contribution.objects.values_list("pk", flat=True)]
    response = client.post("/admin/nightly/contribution/", {"action": "export_csv", "_selected_action": ids})
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[1][2] == "Blok C2 No. 14" and rows[1][4] == "500"


def test_household_admin_totals_usual_amounts_and_never_exports_phones(client_as, rounds):
    Household.objects.filter(head_name="Bu Siti").update(phone="+6281234567890")
    client = client_as("bendahara")
    response = client.get("/admin/households/household/")
    assert response.context["filtered_totals"][0][1] == "Rp 1.500"
    ids = [str(pk) for pk in Household.objects.values_list("pk", flat=True)]
    response = client.post("/admin/households/household/", {"action": "export_csv", "_selected_action": ids})
    assert "+6281234567890" not in response.content.decode("utf-8-sig")


def test_petugas_cannot_reach_the_admin(client_as, rounds):
    assert client_as("petugas").get("/admin/nightly/round/").status_code == 302
