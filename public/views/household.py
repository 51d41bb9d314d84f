"""A household's own page, reached only through its private code (QR sticker): /h/<code>/.

A wrong code is a plain 404 that says nothing more. The page is never linked from public pages,
asks search engines not to index it and tells the browser not to pass the code on as a referrer.

For a visitor without a session the page is served from the cache (`shared_page`), keyed by the
household's id, every field of its row and of its RT, and the month, under the version that every
round or contribution write bumps. So one household's page is never served for another code, a
regenerated code is a 404 at once (the code is looked up on every request), and an edited address or
name shows at once even though the register's services do not bump the version.
"""

from __future__ import annotations

import datetime as dt
import hashlib

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from households.models import Household, could_be_private_code
from jimpitan.lib.evening import evening_of
from jimpitan.lib.months import month_start, next_month, parse_month, previous_month
from nightly import selectors
from public.cache import shared_page


@require_safe
@never_cache
def household_page(request: HttpRequest, code: str) -> HttpResponse:
    if not could_be_private_code(code):
        raise Http404
    household = Household.objects.select_related("rt").filter(private_code=code).first()
    if household is None:
        raise Http404
    # The night in progress: at 01:00 on the 1st the household's month is still the one whose night goes on.
    today = evening_of()
    month = month_start(today)
    canonical = ""
    if "bulan" in request.GET:
        # Only the months the household has a record for are pages; anything else goes to the nearest one,
        # so a visitor cannot fill the cache with thousands of spellings and empty months.
        asked = parse_month(request.GET["bulan"])
        first, last = selectors.household_month_range(household, today=today)
        month = min(max(asked or last, first), last)
        canonical = _canonical_query(month, month_start(today))
        if request.META.get("QUERY_STRING", "") != canonical:
            return redirect(f"{request.path}?{canonical}" if canonical else request.path)

    def render_page(extra: dict) -> HttpResponse:
        first, last = selectors.household_month_range(household, today=today)
        rows = selectors.household_year_rows(household, month.year)
        evenings = selectors.household_month(household, month, until=today, year_rows=rows)
        year = selectors.household_year(household, month.year, year_rows=rows)
        context = {
            "household": household,
            "month": month,
            "evenings": evenings,
            "month_total": sum(e.amount for e in evenings),
            "paid_count": sum(1 for e in evenings if e.status.gave),
            "year_months": year,
            "year_total": sum(m.amount for m in year),
            # Paid later or ahead: shown on the household's own page only, never on the public ledger.
            "catch_ups": selectors.catch_up_summaries(household=household, limit=12),
            "previous_month": previous_month(month) if month > first else None,
            "next_month": next_month(month) if month < last else None,
            "this_month": month_start(today),
            **extra,
        }
        return render(request, "public/household.html", context)

    name = f"household:{household.pk}:{_row_digest(household)}:{month:%Y-%m}"
    # Shared only as reached from the page's own links: no query, or exactly its canonical ?bulan=YYYY-MM.
    response = shared_page(request, name, render_page, query=canonical)
    response["X-Robots-Tag"] = "noindex, nofollow"
    response["Referrer-Policy"] = "no-referrer"
    return response


def _canonical_query(month: dt.date, this_month: dt.date) -> str:
    return "" if month == this_month else f"bulan={month:%Y-%m}"


def _row_digest(household) -> str:
    """Changes with any field of the household or its RT, so register edits never show a stale page."""
    values = [getattr(household, f.attname) for f in household._meta.concrete_fields]
    values += [getattr(household.rt, f.attname) for f in household.rt._meta.concrete_fields]
    return hashlib.sha256(repr(values).encode()).hexdigest()[:16]
