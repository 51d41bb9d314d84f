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

import hashlib

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from households.models import Household
from jimpitan.lib.months import month_start, next_month, parse_month, previous_month
from nightly import selectors
from public.cache import shared_page


@require_safe
@never_cache
def household_page(request: HttpRequest, code: str) -> HttpResponse:
    household = Household.objects.select_related("rt").filter(private_code=code).first()
    if household is None:
        raise Http404
    today = timezone.localdate()
    month = min(parse_month(request.GET.get("bulan")) or month_start(today), month_start(today))

    def render_page(extra: dict) -> HttpResponse:
        rows = selectors.household_year_rows(household, month.year)
        evenings = selectors.household_month(household, month, until=today, year_rows=rows)
        year = selectors.household_year(household, month.year, year_rows=rows)
        following = next_month(month)
        context = {
            "household": household,
            "month": month,
            "evenings": evenings,
            "month_total": sum(e.amount for e in evenings),
            "paid_count": sum(1 for e in evenings if e.status.gave),
            "year_months": year,
            "year_total": sum(m.amount for m in year),
            "previous_month": previous_month(month),
            "next_month": following if following <= month_start(today) else None,
            **extra,
        }
        return render(request, "public/household.html", context)

    name = f"household:{household.pk}:{_row_digest(household)}:{month:%Y-%m}"
    # Shared only as reached from the page's own links: no query, or exactly ?bulan=YYYY-MM.
    query = f"bulan={month:%Y-%m}" if "bulan" in request.GET else ""
    response = shared_page(request, name, render_page, query=query)
    response["X-Robots-Tag"] = "noindex, nofollow"
    response["Referrer-Policy"] = "no-referrer"
    return response


def _row_digest(household) -> str:
    """Changes with any field of the household or its RT, so register edits never show a stale page."""
    values = [getattr(household, f.attname) for f in household._meta.concrete_fields]
    values += [getattr(household.rt, f.attname) for f in household.rt._meta.concrete_fields]
    return hashlib.sha256(repr(values).encode()).hexdigest()[:16]
