from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db.models import Sum
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django_tables2 import RequestConfig

from jimpitan.lib.exports import table_export_response


def list_page(request: HttpRequest, *, filterset, table, filename: str, money_columns, context: dict) -> HttpResponse:
    """A filtered table with its total and CSV/XLSX download of every filtered row (not only the page)."""
    fmt = request.GET.get("unduh")
    if fmt:
        if fmt not in ("csv", "xlsx"):
            raise Http404
        return table_export_response(table, fmt, filename, money_columns=money_columns, title=filename)
    RequestConfig(request, paginate={"per_page": 50}).configure(table)
    total = None
    if "amount" in [f.name for f in filterset.qs.model._meta.get_fields()]:
        total = filterset.qs.order_by().aggregate(total=Sum("amount"))["total"] or 0
    query = request.GET.copy()
    query.pop("page", None)
    query.pop("unduh", None)
    return render(
        request,
        "spending/list.html",
        {"filter": filterset, "table": table, "total": total, "query": query.urlencode(), **context},
    )


def add_service_error(form, error: ValidationError, field: str | None = None) -> None:
    """Show a refusal from a service next to the field it is about (or above the form)."""
    form.add_error(field, error)
