"""Closed months are read-only. Services call `assert_month_open` inside their transaction;
the month-closing issue adds database triggers beneath it."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from jimpitan.lib.dates import month_label
from jimpitan.lib.evening import month_start


class MonthClosedError(ValidationError):
    pass


def is_month_closed(day: dt.date) -> bool:
    from ledger.models import MonthClosing

    return MonthClosing.objects.filter(month=month_start(day)).exists()


def assert_month_open(*days: dt.date) -> None:
    from ledger.models import MonthClosing

    months = {month_start(d) for d in days if d is not None}
    closed = sorted(MonthClosing.objects.filter(month__in=months).values_list("month", flat=True))
    if closed:
        raise MonthClosedError(
            _("Buku bulan %(month)s sudah ditutup, jadi datanya tidak bisa diubah. Catat koreksi di bulan berjalan.")
            % {"month": month_label(closed[0])},
            code="month_closed",
        )
