"""The pasaran and weton arithmetic against known dates, and its cycles for any date."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from jimpitan.lib.pasaran import (
    PASARAN,
    WETON_CYCLE,
    parse_pasaran,
    parse_weekday,
    pasaran_of,
    weton_label,
    weton_of,
)

days = st.dates(min_value=dt.date(1800, 1, 1), max_value=dt.date(2200, 12, 31))


@pytest.mark.parametrize(
    ("day", "label"),
    [
        (dt.date(1945, 8, 17), "Jumat Legi"),  # the proclamation
        (dt.date(1945, 8, 18), "Sabtu Pahing"),
        (dt.date(1945, 8, 16), "Kamis Kliwon"),
        (dt.date(2026, 11, 29), "Minggu Kliwon"),
        (dt.date(2026, 11, 30), "Senin Legi"),
        (dt.date(2026, 12, 24), "Kamis Kliwon"),
        (dt.date(1945, 9, 21), "Jumat Legi"),  # 35 days after the proclamation
    ],
)
def test_known_dates(day, label):
    assert weton_label(day) == label


@given(days)
def test_pasaran_repeats_every_five_days(day):
    assert pasaran_of(day + dt.timedelta(days=5)) == pasaran_of(day)
    assert pasaran_of(day + dt.timedelta(days=1)) == PASARAN[(PASARAN.index(pasaran_of(day)) + 1) % 5]


@given(days, st.integers(min_value=1, max_value=34))
def test_weton_repeats_every_35_days_and_not_sooner(day, shift):
    assert weton_of(day + dt.timedelta(days=WETON_CYCLE)) == weton_of(day)
    assert weton_of(day + dt.timedelta(days=shift)) != weton_of(day)


def test_typed_spellings():
    assert parse_weekday(" jum'at ") == 4
    assert parse_weekday("Ahad") == 6
    assert parse_pasaran("PAING") == 1
    assert parse_pasaran("Selasa") is None
