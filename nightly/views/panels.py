"""A household's month of jimpitan, for the treasurer: its own page and a section of the register page."""

from __future__ import annotations

from django.http import HttpRequest

from households.models import Household
from jimpitan.lib.evening import evening_of
from jimpitan.lib.months import month_start, next_month, parse_month, previous_month
from nightly import selectors


def household_month_context(request: HttpRequest, household: Household) -> dict:
    """The context of nightly/_household_month.html for the month in `?bulan=` (default: this evening's)."""
    this_month = month_start(evening_of())
    month = min(parse_month(request.GET.get("bulan")) or this_month, this_month)
    evenings = list(reversed(selectors.household_month(household, month)))  # oldest first, as on paper
    following = next_month(month)
    return {
        "household_month": {
            "household": household,
            "month": month,
            "evenings": evenings,
            "counts": selectors.count_evenings(evenings),
            "previous_month": previous_month(month),
            "next_month": following if following <= this_month else None,
        },
        "contributions": selectors.recent_contributions(household),
        "catch_ups": selectors.catch_up_summaries(household=household, limit=20),
    }
