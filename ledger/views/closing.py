"""Tutup buku: the months list, closing, reopening (superuser) and adjustments."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from jimpitan.lib.dates import month_label
from jimpitan.lib.evening import evening_of
from jimpitan.lib.money import format_rupiah
from jimpitan.lib.months import month_or_404, month_start, next_month
from ledger import selectors, services
from ledger.forms import AdjustmentForm, ReopenForm
from ledger.models import Adjustment, MonthClosing


@login_required
@permission_required("ledger.view_monthclosing", raise_exception=True)
def month_list(request: HttpRequest) -> HttpResponse:
    today = evening_of(timezone.now())
    flows = selectors.monthly_flows()
    first = selectors.first_month_with_records(flows) or month_start(today)
    closings = {c.month: c for c in MonthClosing.objects.select_related("closed_by")}
    summaries = selectors.cash_book(first, month_start(today), flows)
    rows = []
    earliest_open = None
    for summary in summaries:
        closing = closings.get(summary.month)
        ended = next_month(summary.month) <= today
        if closing is None and earliest_open is None and (summary.month in flows or not ended):
            earliest_open = summary.month
        rows.append({"summary": summary, "closing": closing, "ended": ended})
    for row in rows:
        # Only the earliest open month with records may be closed next (months close in order).
        row["can_close"] = row["ended"] and row["closing"] is None and row["summary"].month == earliest_open
    latest_closed = max(closings) if closings else None
    return render(
        request,
        "ledger/closing/month_list.html",
        {
            "rows": list(reversed(rows)),
            "latest_closed": latest_closed,
            "has_brought_over": any(row["summary"].brought_over for row in rows),
            "adjustments": Adjustment.objects.select_related("recorded_by")[:20],
        },
    )


@login_required
@permission_required("ledger.close_month", raise_exception=True)
def close(request: HttpRequest, month: str) -> HttpResponse:
    first = month_or_404(month)
    summary = selectors.month_summary(first)
    if request.method == "POST":
        try:
            closing = services.close_month(first, request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(
                request,
                _("Buku bulan %(month)s ditutup dengan saldo akhir %(balance)s.")
                % {"month": month_label(first), "balance": format_rupiah(closing.closing_balance)},
            )
        return redirect("books:months")
    return render(request, "ledger/closing/close_confirm.html", {"month": first, "summary": summary})


@login_required
def reopen(request: HttpRequest, month: str) -> HttpResponse:
    if not request.user.is_superuser:
        # Shown on the 403 page: the treasurer learns who can reopen, not just "not allowed".
        raise PermissionDenied(_("Hanya admin utama aplikasi yang bisa membuka kembali buku yang sudah ditutup."))
    first = month_or_404(month)
    closing = MonthClosing.objects.filter(month=first).first()
    if closing is None:
        raise Http404
    form = ReopenForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.reopen_month(first, request.user, form.cleaned_data["reason"])
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Buku bulan %(month)s dibuka kembali.") % {"month": month_label(first)})
            return redirect("books:months")
    return render(request, "ledger/closing/reopen_form.html", {"form": form, "closing": closing})


@login_required
@permission_required("ledger.add_adjustment", raise_exception=True)
def adjustment_create(request: HttpRequest) -> HttpResponse:
    closed = list(MonthClosing.objects.order_by("-month").values_list("month", flat=True))
    # ISO text: a date object would be rendered in the locale's format (28/11/2026), which an
    # <input type="date"> rejects, leaving the field empty.
    form = AdjustmentForm(
        request.POST if request.method == "POST" else None,
        closed_months=closed,
        initial={"entry_date": evening_of(timezone.now()).isoformat(), "direction": "in"},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.record_adjustment(
                data["entry_date"],
                form.signed_amount(),
                data["reason"],
                data["corrects_month"],
                request.user,
                account=data["account"],
            )
        except ValidationError as error:
            if hasattr(error, "error_dict"):
                for field, errors in error.error_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                money = error.code in ("insufficient_balance", "breaks_balance_check")
                form.add_error("amount" if money else "entry_date", error)
        else:
            messages.success(request, _("Koreksi dicatat."))
            return redirect("books:months")
    return render(request, "ledger/closing/adjustment_form.html", {"form": form, "has_closed": bool(closed)})
