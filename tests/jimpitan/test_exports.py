import csv
import io

import openpyxl
import pytest

from jimpitan.lib.exports import RUPIAH_NUMBER_FORMAT, csv_bytes, neutralise_cell, xlsx_bytes


@pytest.mark.parametrize("text", ["=1+1", "+62812", "-2", "@SUM(A1)", '=HYPERLINK("http://x")'])
def test_formula_looking_text_is_neutralised(text):
    assert neutralise_cell(text) == "'" + text


def test_numbers_and_plain_text_pass():
    assert neutralise_cell(-500) == -500
    assert neutralise_cell("Blok C2 No. 14") == "Blok C2 No. 14"


def test_csv_has_bom_and_neutralised_cells():
    data = csv_bytes(["Nama", "Jumlah"], [["=cmd|' /C calc'!A0", 500], ["Siti", None]])
    assert data.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert rows == [["Nama", "Jumlah"], ["'=cmd|' /C calc'!A0", "500"], ["Siti", ""]]


def test_xlsx_keeps_money_as_numbers_with_rupiah_format():
    data = xlsx_bytes(["Tanggal", "Jumlah"], [["2026-05-04", 3_500_000]], money_columns=[1])
    sheet = openpyxl.load_workbook(io.BytesIO(data)).active
    assert sheet["B2"].value == 3_500_000
    assert sheet["B2"].number_format == RUPIAH_NUMBER_FORMAT
    assert sheet.freeze_panes == "A2"
