from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Sum
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from jimpitan.lib.exports import table_export_response
from jimpitan.lib.tables import configure_table


def list_page(
    request: HttpRequest, *, filterset, table, filename: str, context: dict, total_field: str | None = "amount"
) -> HttpResponse:
    """A filtered table with its total and CSV/XLSX download of every filtered row (not only the page)."""
    fmt = request.GET.get("unduh")
    if fmt:
        if fmt not in ("csv", "xlsx"):
            raise Http404
        configure_table(request, table, per_page=None)  # keep the chosen sort order
        return table_export_response(table, fmt, filename, title=filename)
    configure_table(request, table, per_page=50)
    # The sum of the listed rows (a list figure, not the kampung balance, which comes from ledger.selectors).
    total = None
    if total_field:
        total = filterset.qs.order_by().aggregate(total=Sum(total_field))["total"] or 0
    query = request.GET.copy()
    query.pop("page", None)
    query.pop("unduh", None)
    return render(
        request,
        "spending/list.html",
        {"filter": filterset, "table": table, "total": total, "query": query.urlencode(), **context},
    )


def delete_page(
    request: HttpRequest,
    record,
    *,
    delete: Callable,
    deleted_message: str,
    done_url: str,
    title: str,
    warning: str,
    cancel_url: str,
    closed_month: str | None,
) -> HttpResponse:
    """Ask before deleting; on POST run the service's `delete`, whose refusal (a closed month) shows on the page.
    `closed_month` is the notice for a record in a closed month: the page then offers no delete button."""
    error = None
    if request.method == "POST":
        try:
            delete(record)
        except ValidationError as exc:
            error = exc.messages[0]
        else:
            messages.success(request, deleted_message)
            return redirect(done_url)
    return render(
        request,
        "spending/confirm_delete.html",
        {
            "object": record,
            "error": error,
            "title": title,
            "warning": warning,
            "cancel_url": cancel_url,
            "closed_month": closed_month,
        },
    )
