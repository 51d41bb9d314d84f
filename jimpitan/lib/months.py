"""Months: their first day, the next one, and the one spelling (`YYYY-MM`) pages and commands accept."""

from __future__ import annotations

import datetime as dt
import re

from django.http import Http404

# Far enough for any kampung's books, near enough that the month before and after always exist
# (dt.date overflows at years 1 and 9999: `?bulan=0001-01` must be a bad month, not a server error).
FIRST_YEAR, LAST_YEAR = 1900, 2999
_MONTH = re.compile(r"(\d{4})-(\d{2})")


def month_start(day: dt.date) -> dt.date:
    return day.replace(day=1)


def next_month(day: dt.date) -> dt.date:
    first = day.replace(day=1)
    return (first + dt.timedelta(days=32)).replace(day=1)


def previous_month(day: dt.date) -> dt.date:
    return month_start(day.replace(day=1) - dt.timedelta(days=1))


def is_plausible_day(day: dt.date) -> bool:
    """Within the years the books can hold (see FIRST_YEAR, LAST_YEAR)."""
    return FIRST_YEAR <= day.year <= LAST_YEAR


def parse_month(value: str | None) -> dt.date | None:
    """'2026-11' -> 1 November 2026; anything else (other spellings, month 13, year 0001) -> None."""
    match = _MONTH.fullmatch((value or "").strip())
    if match is None:
        return None
    year, month = int(match[1]), int(match[2])
    if not (FIRST_YEAR <= year <= LAST_YEAR and 1 <= month <= 12):
        return None
    return dt.date(year, month, 1)


def month_or_404(value: str | None) -> dt.date:
    """parse_month for a month in a URL path: a bad one is a page that does not exist."""
    month = parse_month(value)
    if month is None:
        raise Http404
    return month
