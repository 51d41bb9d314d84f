import pytest

from households.lib import FormulaError, PhoneError, clean_text_cell, normalise_phone


@pytest.mark.parametrize(
    "raw,expected",
    [
        ("0812-3456-7890", "+6281234567890"),
        ("0812 3456 789", "+628123456789"),
        ("+62 812 3456 7890", "+6281234567890"),
        ("62812.3456.7890", "+6281234567890"),
        ("+62 (0)812 3456 7890", "+6281234567890"),
        (81234567890, "+6281234567890"),  # a number cell lost its leading zero
        ("81234567890.0", "+6281234567890"),
        ("(021) 5551234", "+62215551234"),
        ("0271-123456", "+62271123456"),
        ("", ""),
        (None, ""),
        ("   ", ""),
    ],
)
def test_indonesian_numbers_are_stored_as_plus_62(raw, expected):
    assert normalise_phone(raw) == expected


@pytest.mark.parametrize("raw", ["+1 415 555 0100", "0812-ABC-7890", "0812", "08123456789012345", "000", "+62"])
def test_foreign_short_long_or_lettered_numbers_are_refused(raw):
    with pytest.raises(PhoneError):
        normalise_phone(raw)


def test_refusal_speaks_indonesian():
    with pytest.raises(PhoneError, match="Nomor HP harus nomor Indonesia"):
        normalise_phone("+44 20 7946 0958")


def test_text_cells_drop_the_spreadsheet_text_marker_and_refuse_formulas():
    assert clean_text_cell("  Blok  C2   No. 14 ") == "Blok C2 No. 14"
    assert clean_text_cell("'-Bu Sri") == "-Bu Sri"
    assert clean_text_cell("'+62") == "+62"
    assert clean_text_cell("O'Neil") == "O'Neil"
    with pytest.raises(FormulaError):
        clean_text_cell('=HYPERLINK("http://evil","klik")')
    with pytest.raises(FormulaError):
        clean_text_cell("'=1+1")
