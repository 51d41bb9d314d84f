"""The treasurer's own file imports (issue 14, section 1): other headers, other encodings and separators,
undated moves, and a mapping step for whatever the guess does not know."""

import csv
import datetime as dt
import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from households.import_columns import guess_field
from households.models import Household, HouseholdStatus, ImportColumnChoice
from households.upload_store import SESSION_KEY
from nightly.selectors import household_month_range
from tests.households.factories import make_household, make_rt, record_contribution

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _upload_folder(settings, tmp_path):
    settings.VAR_DIR = tmp_path


@pytest.fixture
def treasurer(client, bendahara, kampung):
    client.force_login(bendahara)
    return client


def _csv(rows, *, delimiter=";", encoding="cp1252", lineterminator="\r\n") -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=delimiter, lineterminator=lineterminator).writerows(rows)
    return buffer.getvalue().encode(encoding)


def upload(client, data: bytes, name: str = "rumah.csv"):
    return client.post(reverse("households:import"), {"file": SimpleUploadedFile(name, data)})


def choose(client, response, **choices):
    """Submit the mapping step with its current selections, changed by `choices` (kolom_N=field)."""
    form = response.context["mapping_form"]
    data = {name: form[name].value() or "" for name in form.fields} | choices
    return client.post(reverse("households:import_mapping"), {"token": client.session[SESSION_KEY]["token"], **data})


def commit(client):
    return client.post(reverse("households:import_commit"), {"token": client.session[SESSION_KEY]["token"]})


PHONES = ("0812-3456-{:04d}", "+62 813 4455 {:04d}", "62857{:08d}", "0878.1234.{:04d}")


def treasurers_export() -> bytes:
    """330 households as a treasurer's Excel saves them: other headers, Windows-1252, ';', CRLF, a row number
    column, a Javanese name with é, amounts as 'Rp 500' and '1.000', and 13 families marked Pindah, undated."""
    rows = [["No.", "RT", "No. Rumah", "Nama KK", "No. HP/WA", "Iuran per malam (Rp)", "Status", "Tgl. Pindah", "Ket."]]
    for i in range(330):
        moved = i % 25 == 7  # 13 of them
        amount = "Rp 500" if i % 2 else "1.000"
        rows.append(
            [
                str(i + 1),
                f"{i % 6 + 1:02d}",
                f"Blok {chr(65 + i % 6)} No. {i}",
                f"Pak Séno {i}",
                PHONES[i % 4].format(i),
                amount,
                "Pindah" if moved else "Aktif",
                "",
                "pagar hijau" if i == 3 else "",
            ]
        )
    return _csv(rows)


def test_330_households_from_a_treasurers_export_import_with_phones_and_amounts(treasurer):
    data = treasurers_export()
    assert b"\r\n" in data and "é".encode("cp1252") in data
    preview = upload(treasurer, data)
    assert "mapping_form" not in preview.context  # maps cleanly: upload, preview, import, as before
    plan = preview.context["plan"]
    assert plan.errors == [] and len(plan.to_create) == 330
    undated = [w for w in plan.warnings if w.column == "Tanggal pindah"]
    assert len(undated) == 13 and "tidak diketahui" in undated[0].message
    assert plan.skipped_headers == ["No."]
    page = preview.content.decode()
    assert len(plan.warnings) == 13 and "13 catatan untuk diperiksa" in page
    assert "Impor sekarang" in page

    assert commit(treasurer).status_code == 302
    assert Household.objects.count() == 330
    assert Household.objects.filter(phone="").count() == 0
    assert Household.objects.filter(status=HouseholdStatus.MOVED, moved_on=None).count() == 13
    assert sorted(set(Household.objects.values_list("usual_amount", flat=True))) == [500, 1000]
    first = Household.objects.get(address="Blok A No. 0")
    assert (first.head_name, first.phone, first.usual_amount) == ("Pak Séno 0", "+6281234560000", 1000)
    assert Household.objects.get(address="Blok B No. 1").phone == "+6281344550001"
    assert Household.objects.get(address="Blok D No. 3").notes == "pagar hijau"


@pytest.mark.parametrize(
    "delimiter,encoding,lineterminator",
    [
        (",", "utf-8", "\n"),
        (";", "utf-8-sig", "\r\n"),
        ("\t", "utf-8-sig", "\n"),
        ("\t", "cp1252", "\r\n"),
        (",", "cp1252", "\r\n"),
    ],
    ids=["comma-utf8", "semicolon-bom", "tab-bom", "tab-cp1252", "comma-cp1252"],
)
def test_separators_and_encodings(treasurer, delimiter, encoding, lineterminator):
    rows = [
        ["RT", "Alamat", "Nama", "Telp.", "Jumlah"],
        ["1", "Jl. Kenanga 1, Gg. 2", "Bu Ratna Ayu", "081211112222", "700"],
    ]
    preview = upload(treasurer, _csv(rows, delimiter=delimiter, encoding=encoding, lineterminator=lineterminator))
    assert preview.context["plan"].ok, preview.context["plan"].errors
    commit(treasurer)
    household = Household.objects.get()
    assert (household.address, household.phone, household.usual_amount) == (
        "Jl. Kenanga 1, Gg. 2",
        "+6281211112222",
        700,
    )


def test_text_dates_and_xlsx_date_cells(treasurer):
    rows = [
        ["RT", "Nomor rumah", "Kepala keluarga", "Status", "Tanggal pindah", "Tgl masuk"],
        ["1", "No. 1", "A", "pindah", "17/08/2024", "1-2-19"],
        ["1", "No. 2", "B", "pindah", "17 Agustus 2024", "2019-02-01"],
        ["1", "No. 3", "C", "pindah", "Sabtu, 17 Agt 2024", "01.02.2019"],
        ["1", "No. 4", "D", "pindah", "17-aug-24", "1 Februari 2019"],
    ]
    upload(treasurer, _csv(rows))
    commit(treasurer)
    assert set(Household.objects.values_list("moved_on", "joined_on")) == {(dt.date(2024, 8, 17), dt.date(2019, 2, 1))}

    workbook = openpyxl.Workbook()
    workbook.active.append(["RT", "Nomor rumah", "Kepala keluarga", "Status", "Tanggal pindah"])
    workbook.active.append([2, "No. 9", "E", "Pindah", dt.datetime(2025, 3, 4)])
    buffer = io.BytesIO()
    workbook.save(buffer)
    upload(treasurer, buffer.getvalue(), "rumah.xlsx")
    commit(treasurer)
    assert Household.objects.get(address="No. 9").moved_on == dt.date(2025, 3, 4)


def test_unreadable_date_is_named_on_its_row(treasurer):
    rows = [["RT", "Nomor rumah", "Kepala keluarga", "Tanggal pindah"], ["1", "No. 1", "A", "kemarin"]]
    plan = upload(treasurer, _csv(rows)).context["plan"]
    assert [(e.row, e.column) for e in plan.errors] == [(2, "Tanggal pindah")]


def test_column_with_values_that_maps_to_nothing_needs_an_explicit_skip_then_is_remembered(treasurer):
    rows = [
        ["RT", "No Rumah", "Nama", "No. KK", "Catatan warga lain"],
        ["1", "No. 1", "Bu Ani", "3301234567890001", ""],
        ["1", "No. 2", "Pak Budi", "3301234567890002", ""],
    ]
    step = upload(treasurer, _csv(rows))
    assert step.context["mapping_step"] and "plan" not in step.context
    assert set(step.context["mapping_form"].problems) == {3}  # the empty unknown column is skipped by itself
    page = step.content.decode()
    assert "Kolom ini berisi data" in page and "3301234567890001" in page and 'aria-describedby="masalah_3"' in page

    again = choose(treasurer, step)  # submitting without deciding changes nothing
    assert again.context["mapping_step"] and set(again.context["mapping_form"].problems) == {3}
    preview = choose(treasurer, again, kolom_3="skip")
    assert preview.context["plan"].ok and preview.context["plan"].skipped_headers == ["No. KK"]
    commit(treasurer)
    assert Household.objects.count() == 2
    assert dict(ImportColumnChoice.objects.values_list("header", "field"))["nomor kk"] == "skip"

    rows[1][1], rows[2][1] = "No. 3", "No. 4"
    preview = upload(treasurer, _csv(rows))  # the same headers again: no questions this time
    assert "mapping_form" not in preview.context and preview.context["plan"].ok


def test_a_wrong_guess_can_be_changed_and_a_field_chosen_twice_is_refused(treasurer):
    rows = [["RT", "Rumah", "Penghuni", "Jumlah"], ["1", "No. 1", "Bu Ani", "4"]]
    preview = upload(treasurer, _csv(rows))
    assert preview.context["plan"].ok  # "Jumlah" guessed as the usual amount, but here it counts members
    step = treasurer.get(reverse("households:import_mapping"))
    assert step.context["mapping_step"]
    twice = choose(treasurer, step, kolom_3="head_name")
    assert "sudah diisi dari kolom" in twice.context["mapping_form"].problems[3]
    preview = choose(treasurer, twice, kolom_3="members")
    commit(treasurer)
    household = Household.objects.get()
    assert (household.members, household.usual_amount) == (4, 500)


def test_missing_required_column_can_be_chosen_from_an_unknown_one(treasurer):
    rows = [["RT", "Rumah", "Warga ybs"], ["1", "No. 1", "Bu Ani"]]
    step = upload(treasurer, _csv(rows))
    assert step.context["missing_fields"] == ["Kepala keluarga"]
    assert "Belum ada kolom berkas untuk" in step.content.decode()
    choose(treasurer, step, kolom_2="head_name")
    commit(treasurer)
    assert Household.objects.get().head_name == "Bu Ani"


def test_commit_without_a_mapping_in_the_session_is_refused(treasurer):
    upload(treasurer, _csv([["RT", "Rumah", "Nama", "Lain"], ["1", "No. 1", "A", "x"]]))  # stops at the mapping step
    response = commit(treasurer)
    assert response.status_code == 302 and Household.objects.count() == 0


@pytest.mark.parametrize(
    "header,field",
    [
        ("No", "row_number"),
        ("NO.", "row_number"),
        ("Nomor urut", "row_number"),
        ("RT", "rt"),
        ("No. RT", "rt"),
        ("Nomor RT", "rt"),
        ("No Rumah", "address"),
        ("No. Rmh", "address"),
        ("ALAMAT", "address"),
        ("Blok/No", "address"),
        ("Nama KK", "head_name"),
        ("KK", "head_name"),
        ("Nama", "head_name"),
        ("  nama   kepala keluarga ", "head_name"),
        ("Kepala Rumah Tangga", "head_name"),
        ("No. KK", ""),
        ("NIK", ""),
        ("No. HP", "phone"),
        ("HP", "phone"),
        ("WA", "phone"),
        ("No. WA", "phone"),
        ("HP/WA", "phone"),
        ("Telp.", "phone"),
        ("No Telp", "phone"),
        ("Nomor Telepon", "phone"),
        ("WhatsApp", "phone"),
        ("Iuran", "usual_amount"),
        ("Iuran/malam (Rp)", "usual_amount"),
        ("Per malam", "usual_amount"),
        ("Nominal", "usual_amount"),
        ("Jumlah", "usual_amount"),
        ("Jml. Iuran", "usual_amount"),
        ("Jimpitan per malam", "usual_amount"),
        ("Jumlah Anggota", "members"),
        ("Jml Jiwa", "members"),
        ("Status", "status"),
        ("Status (aktif/pindah)", "status"),
        ("Tgl. Pindah", "moved_on"),
        ("Tanggal pindah", "moved_on"),
        ("Tgl Masuk", "joined_on"),
        ("Urutan", "route_position"),
        ("Ket.", "notes"),
        ("Keterangan", "notes"),
        ("Hobi", ""),
    ],
)
def test_header_variants(header, field):
    assert guess_field(header) == field


def test_a_moved_household_without_a_date_shows_so_and_its_page_ends_with_its_last_evening(treasurer):
    household = make_household(make_rt(1), "No. 1", "Bu Ani", status=HouseholdStatus.MOVED)
    record_contribution(household, dt.date(2026, 2, 10))
    record_contribution(household, dt.date(2026, 4, 2))
    assert household_month_range(household, today=dt.date(2026, 9, 1)) == (dt.date(2026, 2, 1), dt.date(2026, 4, 1))
    assert "tanggal pindah tidak diketahui" in treasurer.get(household.get_absolute_url()).content.decode()
    assert "tanggal tidak diketahui" in treasurer.get(reverse("households:list")).content.decode()
