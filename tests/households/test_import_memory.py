"""An XLSX import cannot take the server's memory (issue 13, item 8).

A 4.9 KB XLSX once used about 700 MB: openpyxl's read-only reader pads every row to the sheet's declared
width, so a sheet that declares (or holds a cell in) column XFD makes each of the 5,000 rows read a tuple of
16,384 cells. The bombs here are a few KB; the bound is what a 1-GB server with several workers can spare.
"""

import io
import re
import zipfile

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from households.importing import ImportFileError, read_table
from households.models import Household
from tests.households.factories import HEADER
from tests.peak_memory import peak_growth

PEAK_BOUND_MB = 50


def _workbook(rows) -> bytes:
    workbook = openpyxl.Workbook()
    for row in rows:
        workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _rewrite_sheet(xlsx: bytes, rewrite) -> bytes:
    """The same workbook with its first sheet's XML passed through `rewrite`."""
    source = zipfile.ZipFile(io.BytesIO(xlsx))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            content = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                content = rewrite(content.decode()).encode()
            target.writestr(item.filename, content)
    return buffer.getvalue()


def declared_bomb() -> bytes:
    """Two real rows, but a sheet that says it spans A1:XFD1048576 and has one cell in its far corner."""

    def rewrite(xml: str) -> str:
        xml = re.sub(r'<dimension ref="[^"]*"\s*/>', '<dimension ref="A1:XFD1048576"/>', xml)
        return xml.replace(
            "</sheetData>", '<row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>x</t></is></c></row></sheetData>'
        )

    return _rewrite_sheet(_workbook([HEADER, [1, "No. 1", "Bu Ani"]]), rewrite)


def undeclared_wide_bomb() -> bytes:
    """No dimension at all, and 5,000 rows that each hold one cell in column XFD: the width is only found
    while reading, so the reader itself must not follow it."""
    wide = "".join(f'<row r="{n}"><c r="XFD{n}"><v>1</v></c></row>' for n in range(2, 5002))

    def rewrite(xml: str) -> str:
        xml = re.sub(r'<dimension ref="[^"]*"\s*/>', "", xml)
        return xml.replace("</sheetData>", wide + "</sheetData>")

    return _rewrite_sheet(_workbook([HEADER]), rewrite)


def test_bombs_are_small_files():
    assert len(declared_bomb()) < 10_000
    assert len(undeclared_wide_bomb()) < 60_000


def test_declared_sheet_size_over_the_limit_is_refused_before_parsing():
    peak = peak_growth("households.importing.read_table", declared_bomb())
    print(f"\nXLSX declaring A1:XFD1048576: {peak}")
    assert peak.outcome.startswith("ImportFileError")
    assert "1.048.576 baris" in peak.outcome
    assert peak.mb < PEAK_BOUND_MB


def test_cells_far_to_the_right_do_not_widen_every_row():
    peak = peak_growth("households.importing.read_table", undeclared_wide_bomb())
    print(f"\nXLSX with 5,000 rows reaching column XFD: {peak}")
    assert peak.mb < PEAK_BOUND_MB


def test_a_huge_shared_strings_part_is_refused_before_parsing(monkeypatch):
    xlsx = _workbook([HEADER, [1, "No. 1", "Bu Ani"]])
    monkeypatch.setattr("households.importing.MAX_UNPACKED_BYTES", 2000)
    with pytest.raises(ImportFileError, match="terlalu besar"):
        read_table(xlsx)


@pytest.mark.django_db
def test_the_bomb_gets_a_message_next_to_the_file_field(client, bendahara, kampung, settings, tmp_path):
    settings.VAR_DIR = tmp_path
    client.force_login(bendahara)
    response = client.post(reverse("households:import"), {"file": SimpleUploadedFile("bom.xlsx", declared_bomb())})
    assert response.status_code == 200
    message = " ".join(response.context["form"].errors["file"])
    assert "XFD1048576" not in message and "1.048.576 baris" in message and "Salin daftar rumah saja" in message
    assert Household.objects.count() == 0
