"""The duty roster: paste parsing, constraints, the month page and its query count, the print, the home page,
the "only tonight's petugas" rule in the savers' common path, and the duty audit."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from jimpitan.lib.evening import evening_of
from jimpitan.models import KampungProfile
from jimpitan.roles import PETUGAS, grant_role
from nightly.models import RosterAssignment, RosterKind, RosterSwap, SwapStatus
from nightly.roster import parse_roster
from nightly.selectors import duty_audit, on_duty_user_ids, roster_month
from nightly.services import RosterPasteError, SheetRow, replace_roster, save_sheet, save_total_only_round
from tests.nightly.factories import make_rt

pytestmark = pytest.mark.django_db

# 29 November 2026 is Minggu Kliwon; 30 November is Senin Legi.
SUNDAY_KLIWON = dt.date(2026, 11, 29)


def test_parse_every_kind_of_rule():
    lines, errors = parse_roster(
        "Senin\tPak Slamet, Bu Sri\nLegi; Pak Darto\n\nKamis Pahing\tMas Joko\tMbak Ani\n2026-12-24;Pak RT\n"
        "24/12/2026; Bu RT\n"
    )
    assert errors == {}
    kinds = [(line.rule.kind, line.names) for line in lines]
    assert kinds == [
        (RosterKind.WEEKDAY, ("Pak Slamet", "Bu Sri")),
        (RosterKind.PASARAN, ("Pak Darto",)),
        (RosterKind.WETON, ("Mas Joko", "Mbak Ani")),
        (RosterKind.DATE, ("Pak RT",)),
        (RosterKind.DATE, ("Bu RT",)),
    ]
    assert lines[2].rule.weekday == 3 and lines[2].rule.pasaran == 1


def test_parse_errors_by_line_number():
    _, errors = parse_roster("Senin\tPak Slamet\nSenen Pahing\tPak X\nLegi\n2026-02-30;Pak Y")
    assert set(errors) == {2, 3, 4}
    assert "Senen Pahing" in errors[2]
    assert "nama petugas" in errors[3]


def test_replace_roster_links_accounts_keeps_history_and_saves_nothing_on_error(bendahara, petugas):
    rt, _ = make_rt()
    replace_roster(rt=rt, text="Senin\tPetugas, Pak Slamet\nKliwon; Bu Sri", user=bendahara)
    rows = list(RosterAssignment.objects.filter(rt=rt).order_by("kind", "position"))
    assert [(r.kind, r.user_id, r.name) for r in rows] == [
        (RosterKind.WEEKDAY, petugas.pk, ""),
        (RosterKind.WEEKDAY, None, "Pak Slamet"),
        (RosterKind.PASARAN, None, "Bu Sri"),
    ]
    with pytest.raises(RosterPasteError) as caught:
        replace_roster(rt=rt, text="Selasa\tBaru\nBukan hari\tX", user=bendahara)
    assert set(caught.value.line_errors) == {2}
    assert RosterAssignment.objects.filter(rt=rt).count() == 3  # nothing half-saved
    replace_roster(rt=rt, text="Senin\tPetugas", user=bendahara)
    assert RosterAssignment.objects.filter(rt=rt).count() == 1
    history = RosterAssignment.history.filter(rt=rt)
    assert history.filter(history_type="-").count() == 2
    assert history.filter(history_type="+").count() == 3
    assert set(history.values_list("history_user", flat=True)) == {bendahara.pk}


@pytest.mark.parametrize(
    "fields",
    [
        {"kind": RosterKind.WEEKDAY, "weekday": 1, "date": dt.date(2026, 1, 1), "name": "X"},  # two rules at once
        {"kind": RosterKind.WETON, "weekday": 1, "name": "X"},  # weton without its pasaran
        {"kind": RosterKind.DATE, "name": "X"},
        {"kind": RosterKind.WEEKDAY, "weekday": 7, "name": "X"},
        {"kind": RosterKind.PASARAN, "pasaran": 5, "name": "X"},
        {"kind": RosterKind.WEEKDAY, "weekday": 1, "name": ""},  # neither account nor name
    ],
)
def test_db_constraints(fields):
    rt, _ = make_rt()
    with pytest.raises(IntegrityError), transaction.atomic():
        RosterAssignment.objects.create(rt=rt, **fields)


def test_user_and_name_both_refused(petugas):
    rt, _ = make_rt()
    with pytest.raises(IntegrityError), transaction.atomic():
        RosterAssignment.objects.create(rt=rt, kind=RosterKind.WEEKDAY, weekday=0, user=petugas, name="X")


def test_most_specific_rule_wins(bendahara):
    rt, _ = make_rt()
    replace_roster(rt=rt, text="Minggu\tA\nKliwon\tB\nMinggu Kliwon\tC\n2026-12-06\tD", user=bendahara)
    days = {d.day: d.names for d in roster_month(SUNDAY_KLIWON)[0].days}
    assert days[SUNDAY_KLIWON] == ("C",)  # the weton pair over weekday and pasaran
    assert days[dt.date(2026, 11, 22)] == ("A",)  # Minggu Wage
    assert days[dt.date(2026, 11, 24)] == ("B",)  # Selasa Kliwon
    december = {d.day: (d.weekday, d.pasaran, d.names) for d in roster_month(dt.date(2026, 12, 1))[0].days}
    assert december[dt.date(2026, 12, 6)] == ("Minggu", "Pahing", ("D",))  # a single date over everything
    assert december[dt.date(2026, 12, 13)] == ("Minggu", "Wage", ("A",))


def test_roster_page_names_each_evening_and_query_count_is_constant(client_as, bendahara):
    client = client_as("petugas")
    url = reverse("roster:page") + "?bulan=2026-11"
    client.get(url)
    rt, _ = make_rt(number=1)
    replace_roster(rt=rt, text="Minggu Kliwon\tPak Slamet", user=bendahara)
    with CaptureQueriesContext(connection) as small:
        response = client.get(url)
    page = response.content.decode()
    assert "Kliwon" in page and "Pak Slamet" in page
    for number in range(2, 8):
        more, _ = make_rt(number=number, households=1)
        replace_roster(
            rt=more,
            text="\n".join(
                f"{d}\tOrang {d} {number}" for d in ("Senin", "Selasa", "Legi", "Pon", "Rabu Wage", "2026-11-03")
            ),
            user=bendahara,
        )
    with CaptureQueriesContext(connection) as large:
        response = client.get(url)
    assert response.status_code == 200
    assert len(large) == len(small), [q["sql"] for q in large.captured_queries]
    assert "Orang Legi 7" in response.content.decode()


def test_edit_is_the_treasurers_and_shows_line_errors(client_as):
    rt, _ = make_rt()
    url = reverse("roster:edit", args=[rt.pk])
    assert client_as("pokja").get(url).status_code == 403
    assert client_as("petugas").get(url).status_code == 403
    client = client_as("bendahara")
    response = client.post(url, {"text": "Senin\tPak Slamet\nRabo\tPak X"})
    assert response.status_code == 200
    page = response.content.decode()
    assert "Baris 2" in page and "Rabo" in page and "Pak Slamet" in page  # the input is kept
    assert not RosterAssignment.objects.exists()
    response = client.post(url, {"text": "Senin\tPak Slamet"})
    assert response.status_code == 302
    assert "Senin\tPak Slamet" in client.get(url).content.decode()


def test_roster_pdf_one_page_per_rt(client_as, bendahara):
    for number in (1, 2, 3):
        rt, _ = make_rt(number=number, households=1)
        replace_roster(rt=rt, text="Legi\tPak Slamet", user=bendahara)
    response = client_as("pokja").get(reverse("roster:pdf") + "?bulan=2026-11")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    import io

    from pypdf import PdfReader

    assert len(PdfReader(io.BytesIO(response.content)).pages) == 3


def test_home_says_who_is_on_tonight(client_as, bendahara):
    rt, _ = make_rt()
    tonight = evening_of()
    replace_roster(rt=rt, text=f"{tonight.isoformat()}\tPak Ronda Malam Ini", user=bendahara)
    page = client_as("petugas").get(reverse("home")).content.decode()
    assert "Pak Ronda Malam Ini" in page


def _turn_rule_on():
    KampungProfile.objects.filter(pk=KampungProfile.SINGLETON_ID).update(roster_only_on_duty=True)


def test_duty_rule_refuses_petugas_not_on_roster_in_every_saver(bendahara, petugas, django_user_model):
    rt, households = make_rt()
    evening = evening_of()
    replace_roster(rt=rt, text=f"{evening.isoformat()}\tBendahara", user=bendahara)
    # Off by default: anyone with the role records.
    save_sheet(rt=rt, evening=evening, user=petugas, version=0, rows=[SheetRow(households[0].pk, "dibayar", 500)])
    _turn_rule_on()
    with pytest.raises(PermissionDenied, match="tidak terjadwal ronda"):
        save_sheet(rt=rt, evening=evening, user=petugas, version=1, rows=[SheetRow(households[0].pk, "kosong", 0)])
    other, _ = make_rt(number=9, households=1)
    with pytest.raises(PermissionDenied, match="tidak terjadwal ronda"):
        save_total_only_round(rt=other, evening=evening, user=petugas, version=0, total=1000)
    # The Bendahara always records, rostered or not.
    save_total_only_round(rt=other, evening=evening, user=bendahara, version=0, total=1000)
    replace_roster(rt=rt, text=f"{evening.isoformat()}\tPetugas", user=bendahara)
    assert on_duty_user_ids(rt=rt, evening=evening) == {petugas.pk}
    save_sheet(rt=rt, evening=evening, user=petugas, version=1, rows=[SheetRow(households[0].pk, "kosong", 0)])


def test_duty_audit(bendahara, petugas):
    rt, households = make_rt()
    evening = evening_of() - dt.timedelta(days=1)
    replace_roster(
        rt=rt,
        text=f"{evening.isoformat()}\tBendahara\n{evening_of().isoformat()}\tPetugas, Pak Tanpa Akun",
        user=bendahara,
    )
    save_sheet(rt=rt, evening=evening, user=petugas, version=0, rows=[SheetRow(households[0].pk, "dibayar", 500)])
    if evening.month != evening_of().month:
        pytest.skip("the two evenings straddle a month")
    audit = duty_audit(evening_of())
    assert [row.name for row in audit.idle] == ["Bendahara", "Pak Tanpa Akun", "Petugas"]
    assert [(row.round.evening, row.recorder, row.rostered) for row in audit.off_roster] == [
        (evening, "Petugas", ("Bendahara",))
    ]


def test_duty_audit_queries_do_not_grow(bendahara, petugas, django_assert_max_num_queries):
    for number in range(1, 6):
        rt, households = make_rt(number=number, households=2)
        replace_roster(rt=rt, text="Senin\tPetugas\nLegi\tPak A\nRabu Pon\tBu B", user=bendahara)
    with django_assert_max_num_queries(4):
        duty_audit(dt.date(2026, 11, 1), today=dt.date(2026, 11, 30))


def test_report_page_shows_the_audit(client_as, bendahara, petugas):
    rt, households = make_rt()
    evening = evening_of() - dt.timedelta(days=1)
    replace_roster(rt=rt, text=f"{evening.isoformat()}\tBu Terjadwal", user=bendahara)
    save_sheet(rt=rt, evening=evening, user=petugas, version=0, rows=[SheetRow(households[0].pk, "dibayar", 500)])
    page = client_as("pokja").get(reverse("reports:month", args=[evening.strftime("%Y-%m")])).content.decode()
    assert "Pemeriksaan jadwal ronda" in page and "Bu Terjadwal" in page


def test_swap_handover_approved_changes_the_roster_and_keeps_history(client_as, bendahara, petugas):
    rt, _ = make_rt()
    tonight = evening_of()
    replace_roster(rt=rt, text=f"{tonight.isoformat()}\tPetugas, Pak Slamet", user=bendahara)
    client = client_as("petugas")
    response = client.post(
        reverse("roster:swaps"),
        {
            "rt": rt.pk,
            "malam": tonight.isoformat(),
            "kind": "serah",
            "replacement_name": "Mas Joko",
            "reason": "Ada hajatan keluarga",
        },
    )
    assert response.status_code == 302
    swap = RosterSwap.objects.get()
    assert swap.status == SwapStatus.PENDING
    assert on_duty_user_ids(rt=rt, evening=tonight) == {petugas.pk}  # nothing changes before approval
    assert client.post(reverse("roster:swap_decide", args=[swap.pk]), {"keputusan": "setuju"}).status_code == 403
    client = client_as("bendahara")
    assert client.post(reverse("roster:swap_decide", args=[swap.pk]), {"keputusan": "setuju"}).status_code == 302
    swap.refresh_from_db()
    assert swap.status == SwapStatus.APPROVED and swap.decided_by == bendahara
    day = next(d for d in roster_month(tonight)[0].days if d.day == tonight)
    assert day.names == ("Pak Slamet", "Mas Joko")
    assert RosterAssignment.history.filter(rt=rt, history_type="-", user=petugas).exists()
    # Decided once: a second decision is refused, not applied twice.
    client.post(reverse("roster:swap_decide", args=[swap.pk]), {"keputusan": "tolak"})
    swap.refresh_from_db()
    assert swap.status == SwapStatus.APPROVED


def test_swap_two_evenings_and_refusal(bendahara, petugas, django_user_model):
    from nightly.services import decide_roster_swap, request_roster_swap

    other = django_user_model.objects.create_user(username="joko", first_name="Joko")
    grant_role(user=other, role=PETUGAS)
    rt, _ = make_rt()
    first, second = evening_of() + dt.timedelta(days=1), evening_of() + dt.timedelta(days=2)
    replace_roster(rt=rt, text=f"{first.isoformat()}\tPetugas\n{second.isoformat()}\tJoko", user=bendahara)
    swap = request_roster_swap(
        rt=rt,
        evening=first,
        user=petugas,
        reason="Kerja malam",
        kind="tukar",
        replacement_user=other,
        swap_evening=second,
    )
    decide_roster_swap(swap=swap, user=bendahara, approve=True)
    assert on_duty_user_ids(rt=rt, evening=first) == {other.pk}
    assert on_duty_user_ids(rt=rt, evening=second) == {petugas.pk}
    refused = request_roster_swap(rt=rt, evening=second, user=petugas, reason="x", replacement_name="Bu Sri")
    decide_roster_swap(swap=refused, user=bendahara, approve=False)
    assert on_duty_user_ids(rt=rt, evening=second) == {petugas.pk}
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError, match="tidak terjadwal"):
        request_roster_swap(rt=rt, evening=first, user=petugas, reason="x", replacement_name="Bu Sri")
    with pytest.raises(ValidationError, match="alasan"):
        request_roster_swap(rt=rt, evening=second, user=petugas, reason="  ", replacement_name="Bu Sri")


def test_swap_form_shows_errors_next_to_fields(client_as):
    rt, _ = make_rt()
    response = client_as("petugas").post(
        reverse("roster:swaps"),
        {"rt": rt.pk, "malam": evening_of().isoformat(), "kind": "serah", "replacement_name": "X", "reason": "Sakit"},
    )
    assert response.status_code == 200
    assert "tidak terjadwal" in response.content.decode()
    assert client_as("anonymous").get(reverse("roster:swaps")).status_code == 302
