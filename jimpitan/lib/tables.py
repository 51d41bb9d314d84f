"""Table columns shared by every list page (django-tables2)."""

from __future__ import annotations

import django_tables2 as tables
from django.core.paginator import EmptyPage, PageNotAnInteger
from django.http import HttpRequest

from jimpitan.lib.money import format_rupiah


class MoneyColumn(tables.Column):
    """Money: shown as 'Rp 3.500.000', right-aligned and labelled for the phone's stacked cards; exported
    as the whole-Rupiah int, so an XLSX keeps numbers (`table_export_response` formats them as Rupiah)."""

    def __init__(self, verbose_name, **kwargs):
        kwargs.setdefault("attrs", {"td": {"class": "amount", "data-label": verbose_name}, "th": {"class": "amount"}})
        super().__init__(verbose_name=verbose_name, **kwargs)

    def render(self, value):
        return format_rupiah(value)

    def value(self, value):
        # PostgreSQL returns sums as Decimal; the books are whole Rupiah.
        return None if value is None else int(value)


def exported_columns(table: tables.Table) -> list[tables.columns.BoundColumn]:
    """The columns `Table.as_values()` writes, in its order."""
    return [column for column in table.columns.iterall() if not column.column.exclude_from_export]


def money_column_indexes(table: tables.Table) -> list[int]:
    return [i for i, column in enumerate(exported_columns(table)) if isinstance(column.column, MoneyColumn)]


def configure_table(request: HttpRequest, table: tables.Table, *, per_page: int | None) -> None:
    """Sort `table` by the address's `sort` and show its `page` (a bad page number shows the first or the last
    page). The page size is the view's alone: django-tables2 would also take `?per_page=` from the address,
    where 0 or a negative number was a server error and a huge one a page of the whole table."""
    order_by = request.GET.getlist(table.prefixed_order_by_field)
    if order_by:
        table.order_by = order_by
    table.request = request
    if per_page is None:
        return
    try:
        table.paginate(page=request.GET.get(table.prefixed_page_field, 1), per_page=per_page)
    except PageNotAnInteger:
        table.page = table.paginator.page(1)
    except EmptyPage:
        table.page = table.paginator.page(table.paginator.num_pages)
