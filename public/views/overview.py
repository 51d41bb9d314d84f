"""The city overview (/ringkasan/): the kampungs of the deployment that chose to show themselves, side by side.

Only kampung-wide figures: this month's jimpitan, participation, the balance and the last closed month, by
the same rules as each kampung's public page. Never a household. Built in a fixed number of grouped queries
(not per kampung) and kept in the shared cache for a few minutes: it spans every kampung, so no one
kampung's change bumps it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.core.cache import cache
from django.db.models import OuterRef, Subquery
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_safe
from django_scopes import scopes_disabled

from jimpitan.lib.months import month_start, next_month
from jimpitan.models import Kampung
from jimpitan.tenancy import kampung_root
from ledger import selectors
from ledger.models import MonthClosing
from nightly import selectors as nightly_selectors
from public.cache import PUBLIC_CACHE_SECONDS

OVERVIEW_CACHE_KEY = "public:city-overview"


@dataclass(frozen=True)
class KampungSummary:
    name: str
    link: str
    month_jimpitan: int
    participation: int | None  # percent of listed households that paid, None without rounds this month
    balance: int
    closed_month: dt.date | None
    closed_balance: int | None


def _last_closings(kampung_ids: list[int]) -> dict[int, tuple[dt.date, int]]:
    """Each kampung's latest closed month and its closing balance. One query."""
    latest = MonthClosing._base_manager.filter(kampung_id=OuterRef("kampung_id")).order_by("-month").values("month")
    rows = MonthClosing._base_manager.filter(kampung_id__in=kampung_ids, month=Subquery(latest[:1])).values_list(
        "kampung_id", "month", "closing_balance"
    )
    return {kampung_id: (month, balance) for kampung_id, month, balance in rows}


def overview_summaries(today: dt.date) -> list[KampungSummary]:
    """The overview's rows, by kampung name. A fixed number of queries, whatever the number of kampungs."""
    with scopes_disabled():
        kampungs = list(
            Kampung.objects.filter(publishes_overview=True, is_suspended=False).values_list("pk", "slug", "name")
        )
        ids = [pk for pk, _slug, _name in kampungs]
        if not ids:
            return []
        start = month_start(today)
        cash = selectors.cash_by_kampung(ids, month=start)
        taking_part = nightly_selectors.participation_by_kampung(start, next_month(start), ids)
        closings = _last_closings(ids)
    rows = []
    for pk, slug, name in kampungs:
        closed = closings.get(pk)
        share = taking_part.get(pk)
        rows.append(
            KampungSummary(
                name=name,
                link=kampung_root(slug),
                month_jimpitan=cash[pk].month_jimpitan,
                participation=share.percent if share else None,
                balance=cash[pk].balance,
                closed_month=closed[0] if closed else None,
                closed_balance=closed[1] if closed else None,
            )
        )
    return rows


@require_safe
@cache_control(public=True, max_age=60)
def city_overview(request: HttpRequest) -> HttpResponse:
    """Opt-in per kampung (its treasurer ticks it on the profile page); an empty page says none does yet."""
    today = timezone.localdate()
    key = f"{OVERVIEW_CACHE_KEY}:{today.isoformat()}"
    summaries = cache.get(key)
    if summaries is None:
        summaries = overview_summaries(today)
        cache.set(key, summaries, PUBLIC_CACHE_SECONDS)
    return render(request, "public/overview.html", {"summaries": summaries, "month": month_start(today)})
