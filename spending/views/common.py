from __future__ import annotations

from django.db.models import Sum
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django_tables2 import RequestConfig

from jimpitan.lib.exports import table_export_response


def list_page(
    request: HttpRequest, *, filterset, table, filename: str, money_columns, context: dict, total_field: str | None = "amount"
) -> HttpResponse:
    """A filtered table with its total and CSV/XLSX download of every filtered row (not only the page)."""
    fmt = request.GET.get("unduh")
    if fmt:
        if fmt not in ("csv", "xlsx"):
            raise Http404
        RequestConfig(request, paginate=False).configure(table)  # keep the chosen sort order
        return table_export_response(table, fmt, filename, money_columns=money_columns, title=filename)
    RequestConfig(request, paginate={"per_page": 50}).configure(table)
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

