"""Indonesian dates written in full ("Kamis, 4 Mei 2023"), independent of the active locale's formats."""

from __future__ import annotations

import datetime as dt

from django.utils.formats import date_format
from django.utils.translation import gettext as _


def long_date(day: dt.date) -> str:
    return date_format(day, "l, j F Y")


def evening_label(day: dt.date) -> str:
    """'Malam Jumat, 4 Mei 2023': the night that begins on the evening of `day`."""
    following = day + dt.timedelta(days=1)
    return _("Malam %(weekday)s, %(date)s") % {
        "weekday": date_format(following, "l"),
        "date": date_format(day, "j F Y"),
    }


def month_label(day: dt.date) -> str:
    return date_format(day, "F Y")
