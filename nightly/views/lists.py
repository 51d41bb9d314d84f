"""Rounds list (with CSV/XLSX export), month calendar, a household's month and a round's history."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.decorators import login_required, permission_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from households.models import Household
from jimpitan.lib.dates import long_date, month_label
from jimpitan.lib.evening import evening_of
from jimpitan.lib.exports import table_export_response
from jimpitan.lib.months import month_start, next_month, parse_month
from jimpitan.lib.tables import configure_table
from ledger.selectors import month_summary
from nightly.forms import RoundFilter
from nightly.models import Contribution, Round
from nightly.selectors import month_calendar
from nightly.tables import RoundTable
from nightly.views.panels import household_month_context


@login_required
@permission_required("nightly.view_round", raise_exception=True)
def round_list(request: HttpRequest, fmt: str | None = None) -> HttpResponse:
    if fmt not in (None, "csv", "xlsx"):
        raise Http404
    rounds = Round.objects.select_related("rt")
    data = request.GET.copy()
    if not data.get("bulan"):
        data["bulan"] = evening_of().strftime("%Y-%m")
    filterset = RoundFilter(data, queryset=rounds)
    table = RoundTable(filterset.qs)
    if fmt:
        return table_export_response(table, fmt, f"jimpitan-malam-{data['bulan']}", title="Jimpitan malam")
    configure_table(request, table, per_page=62)
    has_total_only = filterset.qs.filter(is_total_only=True).exists()
    return render(
        request,
        "nightly/round_list.html",
        {
            "filter": filterset,
            "table": table,
            "has_total_only": has_total_only,
            "query": data.urlencode(),
        },
    )


@login_required
@permission_required("nightly.view_round", raise_exception=True)
def month_calendar_page(request: HttpRequest) -> HttpResponse:
    month = parse_month(request.GET.get("bulan")) or month_start(evening_of())
    rts, days = month_calendar(month)
    previous = month_start(month - dt.timedelta(days=1))
    return render(
        request,
        "nightly/calendar.html",
        {
            "month": month,
            "month_label": month_label(month),
            "rts": rts,
            "days": days,
            "previous": previous,
            "next": next_month(month),
            "show_next": next_month(month) <= evening_of(),
            "summary": month_summary(month),
            "missing": sum(day.missing for day in days),
        },
    )


@login_required
@permission_required("nightly.view_round", raise_exception=True)
def round_history(request: HttpRequest, pk: int) -> HttpResponse:
    """Who changed what, and when: the round's own history and its contributions' history, newest first."""
    rnd = get_object_or_404(Round.objects.select_related("rt"), pk=pk)
    round_records = list(rnd.history.select_related("history_user").order_by("-history_date", "-history_id"))
    contribution_records = list(
        Contribution.history.filter(round_id=rnd.pk)
        .select_related("history_user", "household")
        .order_by("-history_date", "-history_id")
    )
    return render(
        request,
        "nightly/round_history.html",
        {
            "round": rnd,
            "round_records": round_records,
            "contribution_records": contribution_records,
            "evening_text": long_date(rnd.evening),
        },
    )


@login_required
@permission_required("nightly.view_contribution", raise_exception=True)
def household_month_page(request: HttpRequest, pk: int) -> HttpResponse:
    household = get_object_or_404(Household.objects.select_related("rt"), pk=pk)
    return render(request, "nightly/household_month.html", household_month_context(request, household))
