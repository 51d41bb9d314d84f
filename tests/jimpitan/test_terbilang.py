"""Amounts in words on receipts, checked against a table written out by hand."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from jimpitan.lib.terbilang import LARGEST, terbilang

KNOWN = [
    (0, "nol"),
    (1, "satu"),
    (9, "sembilan"),
    (10, "sepuluh"),
    (11, "sebelas"),
    (12, "dua belas"),
    (19, "sembilan belas"),
    (20, "dua puluh"),
    (21, "dua puluh satu"),
    (99, "sembilan puluh sembilan"),
    (100, "seratus"),
    (101, "seratus satu"),
    (110, "seratus sepuluh"),
    (111, "seratus sebelas"),
    (115, "seratus lima belas"),
    (200, "dua ratus"),
    (500, "lima ratus"),
    (999, "sembilan ratus sembilan puluh sembilan"),
    (1_000, "seribu"),
    (1_001, "seribu satu"),
    (1_100, "seribu seratus"),
    (1_500, "seribu lima ratus"),
    (2_000, "dua ribu"),
    (10_000, "sepuluh ribu"),
    (11_000, "sebelas ribu"),
    (100_000, "seratus ribu"),
    (101_000, "seratus satu ribu"),
    (125_000, "seratus dua puluh lima ribu"),
    (999_999, "sembilan ratus sembilan puluh sembilan ribu sembilan ratus sembilan puluh sembilan"),
    (1_000_000, "satu juta"),
    (1_001_000, "satu juta seribu"),
    (1_250_500, "satu juta dua ratus lima puluh ribu lima ratus"),
    (3_500_000, "tiga juta lima ratus ribu"),
    (11_738_900, "sebelas juta tujuh ratus tiga puluh delapan ribu sembilan ratus"),
    (100_000_000, "seratus juta"),
    (1_000_000_000, "satu miliar"),
    (1_000_001_000, "satu miliar seribu"),
    (2_500_000_000, "dua miliar lima ratus juta"),
    (1_000_000_000_000, "satu triliun"),
    (7_000_000_000_100, "tujuh triliun seratus"),
    (
        999_999_999_999_999,
        "sembilan ratus sembilan puluh sembilan triliun sembilan ratus sembilan puluh sembilan miliar "
        "sembilan ratus sembilan puluh sembilan juta sembilan ratus sembilan puluh sembilan ribu "
        "sembilan ratus sembilan puluh sembilan",
    ),
]


@pytest.mark.parametrize(("amount", "words"), KNOWN)
def test_known_amounts(amount, words):
    assert terbilang(amount) == f"{words} rupiah"


@pytest.mark.parametrize("amount", [-1, LARGEST + 1])
def test_out_of_range_is_refused(amount):
    with pytest.raises(ValueError):
        terbilang(amount)


@pytest.mark.parametrize("amount", [1.5, "1000", True, None])
def test_only_whole_rupiah_ints(amount):
    with pytest.raises(TypeError):
        terbilang(amount)


# Read back: every word sequence parses to the amount it came from, so no two amounts share their words.
_VALUES = {
    word: value
    for value, word in enumerate(["", "satu", "dua", "tiga", "empat", "lima", "enam", "tujuh", "delapan", "sembilan"])
    if word
}
_SCALE_VALUES = {"ribu": 1_000, "juta": 10**6, "miliar": 10**9, "triliun": 10**12}


def _read(words: str) -> int:
    total, group, last = 0, 0, 0
    for word in words.removesuffix(" rupiah").split():
        if word == "nol":
            return 0
        if word in _VALUES:
            last = _VALUES[word]
            group += last
        elif word == "belas":
            group += 10  # "dua belas": the 2 is counted already
        elif word == "puluh":
            group += last * 9  # "dua puluh": 2 counted, 20 meant
        elif word == "ratus":
            group += last * 99
        elif word in ("sepuluh", "sebelas", "seratus", "seribu"):
            group += {"sepuluh": 10, "sebelas": 11, "seratus": 100, "seribu": 0}[word]
            if word == "seribu":
                total += 1_000
        else:
            total += group * _SCALE_VALUES[word]
            group = 0
    return total + group


@given(st.integers(min_value=0, max_value=LARGEST))
def test_words_read_back_as_the_amount(amount):
    assert _read(terbilang(amount)) == amount
