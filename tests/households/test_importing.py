"""Importing the household list from CSV or XLSX: validate everything, preview, then all or nothing."""

import datetime as dt
import io
import time
import zipfile

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from households.models import RT, Household, HouseholdStatus
from households.upload_store import SESSION_KEY
from jimpitan.models import KampungProfile
from tests.households.factories import HEADER, csv_file, make_household, make_rt

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _upload_folder(settings, tmp_path):
    settings.VAR_DIR = tmp_path


@pytest.fixture
def treasurer(client, bendahara):
    client.force_login(bendahara)
    return client


def upload(client, data: bytes, name: str = "rumah.csv"):
    return client.post(reverse("households:import"), {"file": SimpleUploadedFile(name, data)})


def token_of(client) -> str:
    return client.session[SESSION_KEY]["token"]


def commit(client, token: str | None = None):
    if token is None:
        token = client.session[SESSION_KEY]["token"]
    return client.post(reverse("households:import_commit"), {"token": token})


def errors_of(response) -> list[tuple[int, str, str]]:
    plan = response.context.get("plan")
    return [(e.row, e.column, e.message) for e in plan.errors] if plan else []


def file_error(response) -> str:
    return " ".join(response.context["form"].errors.get("file", []))


GOOD = [
    HEADER,
    ["3", "Blok C2 No. 14", "Bu Siti", "0812-3456-7890", "", "", "", ""],
    ["RT 03", "Blok C2 No. 15", "Pak Darto", "", "dibebaskan", "", "1.000", ""],
    ["1", "Jl. Mawar 2", "Pak Joko", "", "pindah", "17/08/2025", "", ""],
]


def test_good_csv_previews_then_imports_everything(treasurer, kampung):
    KampungProfile.objects.filter(pk=kampung.pk).update(usual_amount=700)
    make_rt(1)
    preview = upload(treasurer, csv_file(GOOD))
    assert preview.status_code == 200
    plan = preview.context["plan"]
    assert (len(plan.to_create), len(plan.to_update), len(plan.unchanged)) == (3, 0, 0)
    assert plan.new_rt_numbers == [3]
    assert "RT 03" in preview.content.decode()
    assert Household.objects.count() == 0  # the preview writes nothing

    response = commit(treasurer)
    assert response.status_code == 302
    assert RT.objects.filter(number=3).exists()
    siti = Household.objects.get(address="Blok C2 No. 14")
    assert (siti.phone, siti.usual_amount, siti.status, siti.route_position) == ("+6281234567890", 700, "aktif", 1)
    darto = Household.objects.get(address="Blok C2 No. 15")
    assert (darto.usual_amount, darto.status, darto.route_position) == (1000, "dibebaskan", 2)
    joko = Household.objects.get(address="Jl. Mawar 2")
    assert (joko.status, joko.moved_on) == (HouseholdStatus.MOVED, dt.date(2025, 8, 17))
    assert siti.history.get().history_user.username == "bendahara"
    assert SESSION_KEY not in treasurer.session


def test_semicolon_windows_1252_csv_is_read(treasurer, kampung):
    rows = [["RT", "Nomor rumah", "Kepala keluarga", "Jumlah biasa"], ["2", "No. 3", "Pak José", "1.500"]]
    upload(treasurer, csv_file(rows, delimiter=";", encoding="cp1252"), "rumah.txt")
    commit(treasurer)
    household = Household.objects.get()
    assert (household.head_name, household.usual_amount) == ("Pak José", 1500)


def test_xlsx_with_number_and_date_cells(treasurer, kampung):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(HEADER + ["Tanggal bergabung", "Kolom lain"])
    sheet.append([2, "No. 1", "Bu Ani", 81234567890, None, None, 700, 5, dt.datetime(2020, 1, 2), "x"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    mapping = upload(treasurer, buffer.getvalue(), "daftar.bin").context["mapping_form"]
    # "Kolom lain" holds a value and maps to nothing: it is skipped only when the treasurer says so.
    choices = {name: field.initial for name, field in mapping.fields.items()} | {"kolom_9": "skip"}
    preview = treasurer.post(reverse("households:import_mapping"), {"token": token_of(treasurer), **choices})
    assert preview.context["plan"].skipped_headers == ["Kolom lain"]
    commit(treasurer)
    household = Household.objects.get()
    assert (household.phone, household.usual_amount, household.route_position, household.joined_on) == (
        "+6281234567890",
        700,
        5,
        dt.date(2020, 1, 2),
    )


def test_bad_rows_are_listed_by_row_column_and_reason_and_nothing_is_imported(treasurer, kampung):
    rows = [
        HEADER,
        ["1", "No. 1", "Bu Ani", "", "", "", "", ""],
        ["x", "No. 2", "Pak Budi", "", "", "", "", ""],
        ["1", "", "Bu Cici", "0812", "", "", "", ""],
        ["1", "No. 4", "Pak Dedi", "", "hilang", "", "-500", ""],
        ["1", "No. 5", "Bu Eni", "", "pindah", "", "", ""],
        ["1", "No. 6", "Bu Fani", "", "", "", "50.000", ""],
    ]
    response = upload(treasurer, csv_file(rows))
    assert errors_of(response) == [
        (3, "RT", "RT harus berupa nomor, misalnya 03."),
        (4, "Nomor rumah/alamat", "Wajib diisi."),
        (4, "Nomor HP/WhatsApp", "Nomor HP tidak lengkap atau terlalu panjang; periksa lagi, misalnya 0812-3456-7890."),
        (5, "Status", "Status harus aktif, dibebaskan, atau pindah."),
        (5, "Jumlah biasa", "Jumlah tidak boleh negatif."),
        (7, "Jumlah biasa", "Jumlah di atas batas wajar Rp 10.000; periksa salah ketik."),
    ]
    page = response.content.decode()
    assert "Ada 6 masalah" in page
    assert "Impor sekarang" not in page
    assert SESSION_KEY not in treasurer.session
    assert Household.objects.count() == 0


def test_duplicate_rows_in_one_file_are_refused(treasurer, kampung):
    rows = [HEADER, ["1", "No. 1", "Bu Ani", "", "", "", "", ""], ["01", "No.  1", "Bu Ani lagi", "", "", "", "", ""]]
    assert errors_of(upload(treasurer, csv_file(rows))) == [
        (3, "Nomor rumah/alamat", "RT 01 “No. 1” sudah ada di baris 2; satu rumah cukup satu baris.")
    ]


def test_reimport_updates_matching_households_instead_of_duplicating(treasurer, kampung):
    upload(treasurer, csv_file(GOOD))
    commit(treasurer)
    again = upload(treasurer, csv_file(GOOD)).context["plan"]
    assert (len(again.to_create), len(again.to_update), len(again.unchanged)) == (0, 0, 3)

    changed = [row[:] for row in GOOD] + [["3", "Blok C2 No. 16", "Bu Wati", "", "", "", "", ""]]
    changed[1][2] = "Bu Siti Aminah"
    preview = upload(treasurer, csv_file(changed))
    plan = preview.context["plan"]
    assert (len(plan.to_create), len(plan.to_update), len(plan.unchanged)) == (1, 1, 2)
    assert "Baris 2: RT 03 Blok C2 No. 14 — kepala keluarga" in preview.content.decode()
    commit(treasurer)
    assert Household.objects.count() == 4
    assert Household.objects.get(address="Blok C2 No. 14").head_name == "Bu Siti Aminah"
    assert Household.objects.get(address="Blok C2 No. 16").route_position == 3


def test_reimport_keeps_later_edits_where_the_file_is_blank(treasurer, kampung):
    rt = make_rt(1)
    make_household(
        rt, "No. 1", "Bu Ani", status=HouseholdStatus.MOVED, moved_on=dt.date(2026, 3, 1), usual_amount=800, position=9
    )
    rows = [["RT", "Nomor rumah", "Kepala keluarga", "Status", "Jumlah biasa"], ["1", "No. 1", "Bu Ani", "", ""]]
    plan = upload(treasurer, csv_file(rows)).context["plan"]
    assert len(plan.unchanged) == 1


def test_exported_list_imports_back_unchanged(treasurer, kampung):
    rt = make_rt(1)
    make_household(
        rt,
        "-7",
        "@Bu Ani",
        phone="+6281234567890",
        usual_amount=800,
        position=2,
        members=4,
        joined_on=dt.date(2020, 5, 1),
        notes="pagar hijau",
    )
    make_household(rt, "No. 8", "Pak Budi", status=HouseholdStatus.MOVED, moved_on=dt.date(2026, 3, 1), position=3)
    for fmt in ("csv", "xlsx"):
        exported = treasurer.get(reverse("households:export", args=[fmt])).content
        plan = upload(treasurer, exported, f"daftar.{fmt}").context["plan"]
        assert plan.errors == []
        assert (len(plan.to_create), len(plan.to_update), len(plan.unchanged)) == (0, 0, 2), fmt


def test_template_has_indonesian_headers_and_imports_once_filled(treasurer, kampung):
    csv_template = treasurer.get(reverse("households:import_template", args=["csv"])).content.decode("utf-8-sig")
    assert csv_template.splitlines()[0].startswith("RT,Nomor rumah/alamat,Kepala keluarga,Nomor HP/WhatsApp")
    xlsx = treasurer.get(reverse("households:import_template", args=["xlsx"])).content
    workbook = openpyxl.load_workbook(io.BytesIO(xlsx))
    sheet = workbook.active
    assert [c.value for c in sheet[1]][:3] == ["RT", "Nomor rumah/alamat", "Kepala keluarga"]
    sheet.append([5, "Gang Melati 1", "Bu Rina"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    upload(treasurer, buffer.getvalue(), "templat.xlsx")
    commit(treasurer)
    assert Household.objects.get().rt.number == 5


def _zip(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def _good_xlsx() -> bytes:
    workbook = openpyxl.Workbook()
    workbook.active.append(HEADER)
    workbook.active.append([1, "No. 1", "Bu Ani"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


@pytest.mark.parametrize(
    "data,name,message",
    [
        (b"", "kosong.csv", "Berkas kosong"),
        (b"\xef\xbb\xbf\r\n ; ;\r\n", "kosong.csv", "Berkas kosong"),
        (csv_file([HEADER]), "judul.csv", "hanya berisi baris judul"),
        (csv_file([["1", "No. 1", "Bu Ani"]]), "tanpa-judul.csv", "Baris judul tidak lengkap"),
        (csv_file([["RT", "Alamat"], ["1", "No. 1"]]), "kurang.csv", "“Kepala keluarga” tidak ditemukan"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "foto.csv", "bukan CSV atau XLSX"),
        (b"%PDF-1.4\n\x00\x01\x02\xff", "laporan.xlsx", "bukan CSV atau XLSX"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, "lama.xls", "Excel lama"),
        (_zip({"word/document.xml": b"<w/>"}), "surat.xlsx", "XLSX rusak"),
        (_good_xlsx()[:600], "terpotong.xlsx", "XLSX rusak"),
        (b"PK\x03\x04garbage", "rusak.xlsx", "XLSX rusak"),
        (csv_file([["RT", "RT", "Nama"]]), "dobel.csv", "“Nomor rumah/alamat” tidak ditemukan"),
    ],
    ids=[
        "empty",
        "blank-rows",
        "header-only",
        "no-header",
        "missing-column",
        "png",
        "pdf",
        "xls",
        "docx-zip",
        "truncated-xlsx",
        "garbage-zip",
        "duplicate-column",
    ],
)
def test_malformed_files_get_a_clear_message_never_a_server_error(treasurer, kampung, data, name, message):
    response = upload(treasurer, data, name)
    assert response.status_code == 200
    assert message in file_error(response)
    assert "Impor sekarang" not in response.content.decode()


def test_file_over_5_mb_is_refused(treasurer, kampung):
    big = csv_file(GOOD) + b"x" * (5 * 1024 * 1024)
    response = upload(treasurer, big)
    assert "lebih dari 5 MB" in file_error(response)
    assert Household.objects.count() == 0


def test_xlsx_that_unpacks_too_large_is_refused(treasurer, kampung, monkeypatch):
    monkeypatch.setattr("households.importing.MAX_UNPACKED_BYTES", 1000)
    response = upload(treasurer, _good_xlsx(), "bom.xlsx")
    assert "terlalu besar" in file_error(response)


def test_formula_cells_are_refused_and_text_markers_dropped(treasurer, kampung):
    rows = [
        HEADER,
        ["1", "No. 1", '=HYPERLINK("http://evil.example","klik")', "", "", "", "", ""],
        ["1", "'-No. 2", "'@Bu Ani", "", "", "", "", ""],
    ]
    response = upload(treasurer, csv_file(rows))
    assert errors_of(response) == [
        (2, "Kepala keluarga", "Rumus spreadsheet tidak diterima; tulis isinya sebagai teks biasa.")
    ]
    workbook = openpyxl.Workbook()
    workbook.active.append(HEADER)
    workbook.active.append([1, "No. 1", "=A1&B1"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    assert errors_of(upload(treasurer, buffer.getvalue(), "rumus.xlsx"))[0][1] == "Kepala keluarga"

    upload(treasurer, csv_file([rows[0], rows[2]]))
    commit(treasurer)
    assert Household.objects.values_list("address", "head_name").get() == ("-No. 2", "@Bu Ani")


def test_commit_needs_this_sessions_token(treasurer, kampung):
    upload(treasurer, csv_file(GOOD))
    response = commit(treasurer, "A" * 32)
    assert response.status_code == 302 and response["Location"] == reverse("households:import")
    assert commit(treasurer, "../../etc/passwd").status_code == 302
    assert Household.objects.count() == 0


def test_commit_validates_again_and_writes_nothing_if_the_file_no_longer_fits(treasurer, kampung):
    upload(treasurer, csv_file(GOOD))
    KampungProfile.objects.filter(pk=kampung.pk).update(amount_cap=900)  # the "1.000" row is now too much
    response = commit(treasurer)
    assert response.status_code == 200
    assert errors_of(response) == [(3, "Jumlah biasa", "Jumlah di atas batas wajar Rp 900; periksa salah ketik.")]
    assert Household.objects.count() == 0 and not RT.objects.filter(number=3).exists()


def test_commit_is_all_or_nothing(treasurer, kampung, monkeypatch):
    make_household(make_rt(3), "Blok C2 No. 14", "Lama")
    upload(treasurer, csv_file(GOOD))

    def fail(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr("households.services.bulk_update_with_history", fail)
    with pytest.raises(RuntimeError):
        commit(treasurer)
    assert list(Household.objects.values_list("head_name", flat=True)) == ["Lama"]
    assert not RT.objects.filter(number=1).exists()


def test_thousand_rows_preview_and_commit_take_a_few_seconds(treasurer, kampung, capsys):
    rows = [HEADER] + [
        [str(i % 8 + 1), f"Blok {i // 8} No. {i}", f"Warga {i}", f"0812{i:08d}", "", "", "500", ""] for i in range(1000)
    ]
    data = csv_file(rows)
    started = time.perf_counter()
    preview = upload(treasurer, data)
    previewed = time.perf_counter()
    assert preview.context["plan"].ok
    commit(treasurer)
    finished = time.perf_counter()
    assert Household.objects.count() == 1000
    with capsys.disabled():
        print(f"\nimport 1,000 rows: preview {previewed - started:.2f}s, commit {finished - previewed:.2f}s")
    assert finished - started < 10

    started = time.perf_counter()
    again = upload(treasurer, data).context["plan"]
    assert len(again.unchanged) == 1000
    commit(treasurer)
    with capsys.disabled():
        print(f"re-import 1,000 unchanged rows: {time.perf_counter() - started:.2f}s")
