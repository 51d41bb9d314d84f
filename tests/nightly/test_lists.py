"""Rounds list with participation and export, the month calendar, a household's month, round history."""

import datetime as dt
import io
import zoneinfo

import pytest
import time_machine
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.urls import reverse
from openpyxl import load_workbook

from nightly.selectors import EveningCounts, count_evenings, household_month
from nightly.services import SheetRow, save_sheet, save_total_only_round
from nightly.views.panels import household_month_context
from tests.nightly.factories import make_rt, paid_rows

pytestmark = pytest.mark.django_db
JAKARTA = zoneinfo.ZoneInfo("Asia/Jakarta")
NOW = dt.datetime(2026, 5, 10, 21, 0, tzinfo=JAKARTA)


@pytest.fixture
def month_of_rounds(bendahara):
    """RT 01 on 4 and 5 May (per household), RT 02 total-only on 4 May; the rest of May missing."""
    with time_machine.travel(NOW, tick=False):
        rt1, households = make_rt(number=1, households=4)
        rt2, _ = make_rt(number=2, households=2)
        rows = paid_rows(households[:3]) + [SheetRow(households[3].pk, "kosong", None)]
        save_sheet(rt=rt1, evening=dt.date(2026, 5, 4), user=bendahara, version=0, rows=rows, counted_cash=1400)
        save_sheet(
            rt=rt1,
            evening=dt.date(2026, 5, 5),
            user=bendahara,
            version=0,
            rows=[SheetRow(households[0].pk, "dibayar", 1000)],
        )
        save_total_only_round(rt=rt2, evening=dt.date(2026, 5, 4), user=bendahara, version=0, total=12_000)
        yield rt1, rt2, households


def test_rounds_list_shows_total_participation_and_difference(client_as, month_of_rounds):
    with time_machine.travel(NOW, tick=False):
        page = client_as("pokja").get(reverse("nightly:round_list") + "?bulan=2026-05").content.decode()
    assert "Rp 1.500" in page and "3 / 4 (75%)" in page
    assert "-Rp 100" in page  # counted 1.400 against 1.500 recorded
    assert "Rp 12.000" in page and "hanya dicatat totalnya" in page


def test_rounds_list_filters_by_rt(client_as, month_of_rounds):
    rt1, rt2, _ = month_of_rounds
    with time_machine.travel(NOW, tick=False):
        page = client_as("bendahara").get(reverse("nightly:round_list") + f"?bulan=2026-05&rt={rt2.pk}")
    assert "Rp 12.000" in page.content.decode() and "Rp 1.500" not in page.content.decode()


def test_export_csv_and_xlsx_carry_the_figures(client_as, month_of_rounds):
    client = client_as("bendahara")
    with time_machine.travel(NOW, tick=False):
        csv_response = client.get(reverse("nightly:round_export", args=["csv"]) + "?bulan=2026-05")
        xlsx_response = client.get(reverse("nightly:round_export", args=["xlsx"]) + "?bulan=2026-05")
    text = csv_response.content.decode("utf-8-sig")
    assert "2026-05-04,RT 01,1500,3 / 4 (75%),1400,-100" in text.replace("'", "")
    sheet = load_workbook(io.BytesIO(xlsx_response.content)).active
    values = [[cell.value for cell in row] for row in sheet.iter_rows(min_row=2)]
    total_only = next(row for row in values if row[1] == "RT 02")
    assert total_only[2] == 12000 and total_only[3] == "—"
    assert sheet["C2"].number_format.startswith('"Rp"')
    assert sum(row[2] for row in values) == 1500 + 1000 + 12000


def test_export_unknown_format_is_404(client_as):
    assert client_as("bendahara").get("/jimpitan/unduh/pdf/").status_code == 404


def test_month_calendar_marks_missing_evenings(client_as, month_of_rounds):
    with time_machine.travel(NOW, tick=False):
        response = client_as("petugas").get(reverse("nightly:calendar") + "?bulan=2026-05")
    page = response.content.decode()
    days = response.context["days"]
    assert len(days) == 10  # 1..10 May, nothing in the future
    assert [c.round.total if c.round else None for c in days[3].cells] == [1500, 12000]
    assert days[0].missing == 2
    assert page.count('class="amount missing"') == 20 - 3
    assert "Rp 14.500" in page  # May's jimpitan from the ledger's month summary


def test_household_month_selector_and_template(month_of_rounds):
    _rt1, _rt2, households = month_of_rounds
    with time_machine.travel(NOW, tick=False):
        paid = household_month(households[0], dt.date(2026, 5, 1))
        empty = household_month(households[3], dt.date(2026, 5, 1))
        request = RequestFactory().get("/", {"bulan": "2026-05"})
        html = render_to_string("nightly/_household_month.html", household_month_context(request, households[3]))
    assert count_evenings(paid) == EveningCounts(gave=2, empty=0, not_collected=0)
    assert count_evenings(empty) == EveningCounts(gave=0, empty=1, not_collected=1)
    assert "Kosong: 1 malam" in html and "Tidak diambil: 1 malam" in html


def test_household_month_page(client_as, month_of_rounds):
    households = month_of_rounds[2]
    with time_machine.travel(NOW, tick=False):
        page = client_as("bendahara").get(
            reverse("nightly:household_month", args=[households[0].pk]) + "?bulan=2026-05"
        )
    assert page.status_code == 200 and "Ada: 2 malam" in page.content.decode()


def test_round_history_says_who_changed_what(client_as, bendahara, superuser, month_of_rounds):
    rt1, _rt2, households = month_of_rounds
    with time_machine.travel(NOW, tick=False):
        save_sheet(
            rt=rt1,
            evening=dt.date(2026, 5, 5),
            user=superuser,
            version=1,
            rows=[SheetRow(households[0].pk, "dibayar", 700)],
        )
        from nightly.models import Round

        rnd = Round.objects.get(rt=rt1, evening=dt.date(2026, 5, 5))
        response = client_as("bendahara").get(reverse("nightly:round_history", args=[rnd.pk]))
    page = response.content.decode()
    records = response.context["contribution_records"]
    assert [(r.history_type, r.amount, r.history_user) for r in records] == [
        ("~", 700, superuser),
        ("+", 1000, bendahara),
    ]
    assert "diubah" in page and "Admin" in page and "Bendahara" in page
