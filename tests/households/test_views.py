"""The treasurer's register pages: list, create, edit, detail, export, RTs and route order."""

import csv
import datetime as dt
import io

import openpyxl
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from households.models import RT, Household, HouseholdStatus
from jimpitan.lib.exports import RUPIAH_NUMBER_FORMAT
from jimpitan.models import KampungProfile
from tests.households.factories import make_household, make_rt, record_contribution

pytestmark = pytest.mark.django_db


@pytest.fixture
def treasurer(client, bendahara):
    client.force_login(bendahara)
    return client


def _form(rt, **overrides):
    data = {
        "rt": rt.pk,
        "address": "Blok C2 No. 14",
        "head_name": "Bu Siti",
        "phone": "",
        "members": "",
        "status": "aktif",
        "moved_on": "",
        "usual_amount": "",
        "joined_on": "",
        "notes": "",
    }
    data.update(overrides)
    return data


def test_create_normalises_phone_defaults_amount_and_joins_the_end_of_the_route(treasurer, kampung):
    KampungProfile.objects.filter(pk=kampung.pk).update(usual_amount=1000)
    rt = make_rt(3)
    make_household(rt, "No. 1", position=7)
    response = treasurer.post(reverse("households:create"), _form(rt, phone="0812-3456-7890"))
    assert response.status_code == 302
    household = Household.objects.get(address="Blok C2 No. 14")
    assert household.phone == "+6281234567890"
    assert household.usual_amount == 1000
    assert household.route_position == 8


def test_create_without_any_rt_leads_to_adding_one(treasurer):
    response = treasurer.get(reverse("households:create"))
    assert response.status_code == 302 and response["Location"] == reverse("households:rt_create")


def test_create_rejects_bad_input_next_to_the_field_and_keeps_it(treasurer):
    rt = make_rt(1)
    make_household(rt, "Blok C2 No. 14")
    response = treasurer.post(
        reverse("households:create"),
        _form(rt, phone="12345", usual_amount="-500", status="pindah", head_name="=1+1"),
    )
    assert response.status_code == 200
    form = response.context["form"]
    assert "Nomor rumah ini sudah ada di RT 01." in form.errors["address"]
    assert "Nomor HP" in form.errors["phone"][0]
    assert form.errors["usual_amount"] == ["Jumlah tidak boleh negatif."]
    assert "moved_on" not in form.errors  # a moved household may keep its date unknown
    assert "Rumus" in form.errors["head_name"][0]
    assert 'value="12345"' in response.content.decode()
    assert Household.objects.count() == 1


def test_edit_changes_status_and_clears_moved_date_when_back(treasurer):
    rt = make_rt(1)
    household = make_household(rt, "No. 5", status=HouseholdStatus.MOVED, moved_on=dt.date(2026, 1, 1))
    response = treasurer.post(
        reverse("households:edit", args=[household.pk]),
        _form(rt, address="No. 5", status="dibebaskan", moved_on="2026-01-01", usual_amount="0"),
    )
    assert response.status_code == 302
    household.refresh_from_db()
    assert (household.status, household.moved_on, household.usual_amount) == ("dibebaskan", None, 0)


def test_edit_to_another_rt_moves_to_the_end_of_its_route(treasurer):
    rt1, rt2 = make_rt(1), make_rt(2)
    make_household(rt2, "No. 1", position=4)
    household = make_household(rt1, "No. 9", position=1)
    treasurer.post(reverse("households:edit", args=[household.pk]), _form(rt2, address="No. 9", usual_amount="500"))
    household.refresh_from_db()
    assert (household.rt, household.route_position) == (rt2, 5)


def _table_rows(response) -> list[str]:
    return [row.record.address for row in response.context["table"].paginated_rows]


def test_list_defaults_to_rt_then_route_order_and_filters(treasurer):
    rt1, rt2 = make_rt(1), make_rt(2)
    make_household(rt2, "B-1", "Pak Budi", position=1)
    make_household(rt1, "A-2", "Bu Ani", position=2)
    make_household(rt1, "A-1", "Pak Adi", position=1, status=HouseholdStatus.EXEMPT)
    make_household(rt1, "A-3", "Bu Tini", position=3, status=HouseholdStatus.MOVED, moved_on=dt.date(2026, 2, 1))
    url = reverse("households:list")
    assert _table_rows(treasurer.get(url)) == ["A-1", "A-2", "A-3", "B-1"]
    assert _table_rows(treasurer.get(url, {"rt": rt2.pk})) == ["B-1"]
    assert _table_rows(treasurer.get(url, {"status": "dibebaskan"})) == ["A-1"]
    assert _table_rows(treasurer.get(url, {"q": "budi"})) == ["B-1"]
    assert _table_rows(treasurer.get(url, {"q": "a-2"})) == ["A-2"]
    assert _table_rows(treasurer.get(url, {"sort": "-head_name"})) == ["B-1", "A-1", "A-3", "A-2"]


def test_list_paginates(treasurer):
    rt = make_rt(1)
    Household.objects.bulk_create(
        [Household(rt=rt, address=f"No. {i:03d}", head_name="W", route_position=i) for i in range(60)]
    )
    first = treasurer.get(reverse("households:list"))
    second = treasurer.get(reverse("households:list"), {"page": 2})
    assert len(_table_rows(first)) == 50
    assert _table_rows(second)[0] == "No. 050"


@pytest.mark.parametrize("count", [10, 300])
def test_list_query_count_does_not_grow_with_households(treasurer, django_assert_num_queries, count):
    rts = [make_rt(n) for n in (1, 2, 3)]
    Household.objects.bulk_create(
        [Household(rt=rts[i % 3], address=f"No. {i}", head_name="W", route_position=i) for i in range(count)]
    )
    # setup check, session, user, 2× permissions, count, kampung, RT choices, the page of households:
    # the same nine for 10 and for 300 households.
    with django_assert_num_queries(9):
        response = treasurer.get(reverse("households:list"))
    assert response.status_code == 200


def test_csv_export_neutralises_formulas_and_follows_the_filter(treasurer):
    rt = make_rt(1)
    make_household(rt, "-Blok Z", "@Bu Ani", phone="+6281234567890", usual_amount=700)
    make_household(make_rt(2), "Other", "Pak Lain")
    response = treasurer.get(reverse("households:export", args=["csv"]), {"rt": rt.pk})
    assert response["Content-Disposition"] == 'attachment; filename="daftar-rumah.csv"'
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    header, body = rows[0], rows[1:]
    assert header[:7] == ["RT", "Urutan", "Nomor rumah/alamat", "Kepala keluarga", "Nomor HP", "Status", "Jumlah biasa"]
    assert len(body) == 1
    assert body[0][:7] == ["RT 01", "0", "'-Blok Z", "'@Bu Ani", "'+6281234567890", "Aktif", "700"]


def test_xlsx_export_keeps_amounts_as_rupiah_numbers(treasurer):
    make_household(make_rt(1), "No. 1", usual_amount=1500)
    response = treasurer.get(reverse("households:export", args=["xlsx"]))
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    assert sheet["G1"].value == "Jumlah biasa"
    assert sheet["G2"].value == 1500
    assert sheet["G2"].number_format == RUPIAH_NUMBER_FORMAT


def test_detail_shows_private_fields_recent_contributions_and_history(treasurer):
    household = make_household(make_rt(1), "No. 1", "Bu Siti", phone="+6281234567890")
    record_contribution(household, dt.date(2026, 5, 4), 700)
    page = treasurer.get(reverse("households:detail", args=[household.pk])).content.decode()
    assert household.private_code in page
    assert "+6281234567890" in page
    assert "Senin, 4 Mei 2026" in page
    assert "Rp 700" in page
    assert "Rumah ditambahkan." in page


def test_rt_create_and_edit(treasurer):
    response = treasurer.post(reverse("households:rt_create"), {"number": "4", "name": "Melati", "display_order": "4"})
    assert response.status_code == 302
    rt = RT.objects.get(number=4)
    assert str(rt) == "RT 04"
    duplicate = treasurer.post(reverse("households:rt_create"), {"number": "4", "name": "", "display_order": "1"})
    assert duplicate.context["form"].errors["number"] == ["Nomor RT ini sudah ada."]
    treasurer.post(reverse("households:rt_edit", args=[rt.pk]), {"number": "4", "name": "Mawar", "display_order": "2"})
    rt.refresh_from_db()
    assert (rt.name, rt.display_order) == ("Mawar", 2)


def _route(rt):
    return list(Household.objects.filter(rt=rt).on_route().order_by("route_position").values_list("address", flat=True))


def test_route_up_down_buttons_save_without_javascript(treasurer):
    rt = make_rt(1)
    a, b, c = (make_household(rt, name, position=i) for i, name in enumerate(["A", "B", "C"], start=1))
    order = [a.pk, b.pk, c.pk]
    url = reverse("households:route", args=[rt.pk])
    response = treasurer.post(url, {"household": order, "move": f"{c.pk}:up"})
    assert response.status_code == 302 and response["Location"].endswith(f"#h{c.pk}")
    assert _route(rt) == ["A", "C", "B"]
    treasurer.post(url, {"household": [a.pk, c.pk, b.pk], "move": f"{a.pk}:down"})
    assert _route(rt) == ["C", "A", "B"]


def test_route_whole_order_saved_in_one_request_and_moved_households_left_out(treasurer):
    rt = make_rt(1)
    a, b, c = (make_household(rt, name, position=i) for i, name in enumerate(["A", "B", "C"], start=1))
    make_household(rt, "Gone", position=4, status=HouseholdStatus.MOVED, moved_on=dt.date(2026, 1, 1))
    url = reverse("households:route", args=[rt.pk])
    page = treasurer.get(url).content.decode()
    assert "Gone" not in page
    assert "vendor/sortablejs/Sortable.min.js" in page
    with CaptureQueriesContext(connection) as queries:
        treasurer.post(url, {"household": [c.pk, a.pk, b.pk]})
    assert _route(rt) == ["C", "A", "B"]
    assert sum(1 for q in queries if q["sql"].startswith("UPDATE")) == 1  # one bulk UPDATE


def test_route_with_a_stale_list_changes_nothing(treasurer):
    rt = make_rt(1)
    a, b = make_household(rt, "A", position=1), make_household(rt, "B", position=2)
    other = make_household(make_rt(2), "X", position=1)
    url = reverse("households:route", args=[rt.pk])
    response = treasurer.post(url, {"household": [b.pk, other.pk]}, follow=True)
    assert "baru saja berubah" in response.content.decode()
    assert _route(rt) == ["A", "B"]
    treasurer.post(url, {"household": ["x", a.pk]})
    assert _route(rt) == ["A", "B"]


def test_rt_list_counts_households_in_display_order(treasurer):
    later, first = make_rt(1, name="Belakang"), make_rt(2, name="Depan")
    RT.objects.filter(pk=later.pk).update(display_order=9)
    make_household(first, "No. 1")
    make_household(first, "No. 2", status=HouseholdStatus.EXEMPT)
    rts = list(treasurer.get(reverse("households:rt_list")).context["rts"])
    assert [(rt.number, rt.active, rt.exempt, rt.moved) for rt in rts] == [(2, 1, 1, 0), (1, 0, 0, 0)]


def test_detail_shows_the_households_month_of_evenings(treasurer):
    from nightly.models import Round

    rt = make_rt(1)
    household = make_household(rt, "No. 1", "Bu Siti")
    record_contribution(household, dt.date(2026, 5, 4), 700)
    # A per-household round on the 5th without this household: it was not collected that evening.
    Round.objects.create(rt=rt, evening=dt.date(2026, 5, 5), households_listed=1)
    page = treasurer.get(reverse("households:detail", args=[household.pk]), {"bulan": "2026-05"}).content.decode()
    assert "Ada: 1 malam" in page
    assert "Tidak diambil: 1 malam" in page
    assert "?bulan=2026-04" in page
