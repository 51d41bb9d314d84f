"""The duty roster from and to Excel: an uploaded XLSX or CSV means what the same lines pasted would mean,
is saved whole or not at all, and the XLSX download uploads back unchanged."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from nightly.models import RosterAssignment, RosterKind
from nightly.roster_file import MAX_BYTES
from tests.nightly.factories import make_rt

pytestmark = pytest.mark.django_db


def _xlsx(rows: list[list]) -> bytes:
    workbook = Workbook()
    for row in rows:
        workbook.active.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def _upload(client, rt, data: bytes, name: str = "jadwal.xlsx"):
    return client.post(reverse("roster:edit", args=[rt.pk]), {"impor": "1", "berkas": SimpleUploadedFile(name, data)})


def _stored(rt) -> list[tuple]:
    rows = (
        RosterAssignment.objects.filter(rt=rt)
        .select_related("user")
        .order_by("kind", "weekday", "pasaran", "date", "position")
    )
    return [(r.kind, r.weekday, r.pasaran, r.date, r.user_id, r.name) for r in rows]


def test_upload_xlsx_with_headers_saves_every_kind_of_rule(client_as, petugas):
    rt, _ = make_rt()
    data = _xlsx(
        [
            ["No", "Hari", "Nama petugas", "Petugas 2"],
            [1, "Senin", "petugas", "Pak Slamet"],
            [None, None, None, None],  # an empty row is skipped
            [2, "Legi", "Pak Darto, Bu Sri", None],
            [3, "Kamis Pahing", "Mas Joko\nMbak Ani", None],  # Alt+Enter separates names like a comma
            [4, dt.datetime(2026, 12, 24), "Pak RT", None],  # Excel's own date cell
        ]
    )
    response = _upload(client_as("bendahara"), rt, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert _stored(rt) == [
        (RosterKind.WEEKDAY, 0, None, None, petugas.pk, ""),
        (RosterKind.WEEKDAY, 0, None, None, None, "Pak Slamet"),
        (RosterKind.PASARAN, None, 0, None, None, "Pak Darto"),
        (RosterKind.PASARAN, None, 0, None, None, "Bu Sri"),
        (RosterKind.DATE, None, None, dt.date(2026, 12, 24), None, "Pak RT"),
        (RosterKind.WETON, 3, 1, None, None, "Mas Joko"),
        (RosterKind.WETON, 3, 1, None, None, "Mbak Ani"),
    ]


def test_upload_csv_without_headers(client_as):
    rt, _ = make_rt()
    data = "Senin;Pak Slamet;Bu Sri\r\nKliwon;Pak Darto\r\n".encode("cp1252")
    assert _upload(client_as("bendahara"), rt, data, "jadwal.csv").status_code == 302
    assert [(kind, name) for kind, *_, name in _stored(rt)] == [
        (RosterKind.WEEKDAY, "Pak Slamet"),
        (RosterKind.WEEKDAY, "Bu Sri"),
        (RosterKind.PASARAN, "Pak Darto"),
    ]


def test_bad_row_is_named_by_its_excel_row_and_nothing_is_saved(client_as, bendahara):
    from nightly.services import replace_roster

    rt, _ = make_rt()
    replace_roster(rt=rt, text="Selasa\tPak Lama", user=bendahara)
    before = _stored(rt)
    data = _xlsx([["Malam", "Petugas"], ["Senin", "Pak Slamet"], ["Rabo", "Pak X"], ["Legi", None]])
    response = _upload(client_as("bendahara"), rt, data)
    assert response.status_code == 200
    page = response.content.decode()
    assert "belum ada yang disimpan" in page
    assert "Baris 3" in page and "Rabo" in page  # the row number Excel shows
    assert "Baris 4" in page and "nama petugas" in page
    assert 'id="roster-file-errors"' in page and 'aria-describedby="roster-file-help roster-file-errors"' in page
    assert _stored(rt) == before  # all or nothing


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "Berkas kosong"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "bukan XLSX atau CSV"),
        (b"PK\x03\x04 not really a zip", "XLSX rusak"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(100), "Excel lama (.xls)"),
        (b"x" * (MAX_BYTES + 1), "lebih dari 1 MB"),
        (b"Hari;Nama\r\n", "tidak berisi jadwal"),  # would otherwise empty the roster
    ],
)
def test_unreadable_files_get_a_field_error(client_as, bendahara, data, message):
    from nightly.services import replace_roster

    rt, _ = make_rt()
    replace_roster(rt=rt, text="Selasa\tPak Lama", user=bendahara)
    response = _upload(client_as("bendahara"), rt, data)
    assert response.status_code == 200
    page = response.content.decode()
    assert message in page and "is-invalid" in page
    assert RosterAssignment.objects.filter(rt=rt, name="Pak Lama").exists()


def test_download_uploads_back_unchanged(client_as, bendahara, petugas):
    from nightly.services import replace_roster

    rt, _ = make_rt(number=5)
    petugas.first_name, petugas.last_name = "Budi", "Santoso"
    petugas.save()
    replace_roster(
        rt=rt,
        text="Senin\tBudi Santoso, Pak Slamet\nLegi; Bu Sri\nKamis Pahing\tMas Joko\n2026-12-24\tPak RT",
        user=bendahara,
    )
    before = _stored(rt)
    client = client_as("bendahara")
    response = client.get(reverse("roster:download", args=[rt.pk]))
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="jadwal-ronda-rt-05.xlsx"'
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = [list(row) for row in sheet.iter_rows(values_only=True)]
    assert rows[0] == ["Hari atau tanggal", "Petugas"]
    assert ["Senin", "Budi Santoso, Pak Slamet"] in rows and ["2026-12-24", "Pak RT"] in rows
    RosterAssignment.objects.filter(rt=rt).delete()
    assert _upload(client, rt, response.content).status_code == 302
    assert _stored(rt) == before


def test_english_download_uploads_back(client_as, bendahara):
    from nightly.services import replace_roster

    rt, _ = make_rt()
    replace_roster(rt=rt, text="Senin\tPak Slamet\nLegi; Bu Sri", user=bendahara)
    before = _stored(rt)
    client = client_as("bendahara")
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    response = client.get(reverse("roster:download", args=[rt.pk]))
    assert next(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True)) == (
        "Day or date",
        "Collectors",
    )
    RosterAssignment.objects.filter(rt=rt).delete()
    assert _upload(client, rt, response.content).status_code == 302
    assert _stored(rt) == before


@pytest.mark.parametrize("role", ["anonymous", "petugas", "pokja"])
def test_only_the_treasurer_imports_or_downloads(client_as, role):
    rt, _ = make_rt()
    client = client_as(role)
    response = _upload(client, rt, _xlsx([["Senin", "Pak Slamet"]]))
    assert response.status_code in (302, 403)
    assert response.status_code == 403 or "/masuk/" in response["Location"]
    assert not RosterAssignment.objects.exists()
    response = client.get(reverse("roster:download", args=[rt.pk]))
    assert response.status_code == 403 or "/masuk/" in response["Location"]
