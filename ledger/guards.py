"""Closed months are read-only. Services call `assert_month_open` inside their transaction;
the admin and the treasurer's pages ask `is_month_closed` / `closed_months` first, to show the
record read-only instead of offering a change the service would refuse; database triggers
(ledger migration 0002) refuse underneath them all."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from jimpitan.lib.dates import month_label
from jimpitan.lib.months import month_start
from ledger.models import MonthClosing


class MonthClosedError(ValidationError):
    pass


def closed_months(days: Iterable[dt.date | None] | None = None) -> set[dt.date]:
    """The closed months (their first days) among the months of `days`; every closed month if None."""
    closings = MonthClosing.objects.all()
    if days is not None:
        months = {month_start(d) for d in days if d is not None}
        if not months:
            return set()
        closings = closings.filter(month__in=months)
    return set(closings.values_list("month", flat=True))


def is_month_closed(day: dt.date) -> bool:
    return bool(closed_months([day]))


def month_closed_error(month: dt.date) -> MonthClosedError:
    return MonthClosedError(
        _("Buku bulan %(month)s sudah ditutup, jadi datanya tidak bisa diubah. Catat koreksi di bulan berjalan.")
        % {"month": month_label(month)},
        code="month_closed",
    )


def assert_month_open(*days: dt.date) -> None:
    closed = closed_months(days)
    if closed:
        raise month_closed_error(min(closed))


def closed_month_notice(day: dt.date | None) -> str:
    """The refusal the services would give for a record dated `day`, to show before the user tries; '' if open."""
    if day is None or not is_month_closed(day):
        return ""
    return month_closed_error(month_start(day)).messages[0]
