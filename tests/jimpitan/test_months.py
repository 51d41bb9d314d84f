import datetime as dt

import pytest
from django.http import Http404

from jimpitan.lib.months import month_or_404, next_month, parse_month, previous_month


@pytest.mark.parametrize(
    "text, month",
    [
        ("2026-11", dt.date(2026, 11, 1)),
        (" 2026-01 ", dt.date(2026, 1, 1)),
        ("2026-1", None),
        ("2026-13", None),
        ("2026-00", None),
        ("0001-01", None),  # the month before would not exist
        ("9999-12", None),  # nor the month after
        ("2026-11-05", None),
        ("nov 2026", None),
        ("", None),
        (None, None),
    ],
)
def test_parse_month_takes_one_spelling(text, month):
    assert parse_month(text) == month


def test_month_or_404():
    assert month_or_404("2026-02") == dt.date(2026, 2, 1)
    with pytest.raises(Http404):
        month_or_404("2026-2")


def test_neighbour_months():
    assert next_month(dt.date(2026, 12, 31)) == dt.date(2027, 1, 1)
    assert previous_month(dt.date(2026, 1, 15)) == dt.date(2025, 12, 1)
