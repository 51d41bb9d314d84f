"""A night belongs to the evening it began: a pickup at 01:00 on the 5th is the evening of the 4th."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

# Patrols end by about 03:00; anything before 06:00 is still last night's round.
NIGHT_ENDS_AT = dt.time(6, 0)


def evening_of(moment: dt.datetime | None = None) -> dt.date:
    local = timezone.localtime(moment) if moment is not None else timezone.localtime()
    if local.time() < NIGHT_ENDS_AT:
        return local.date() - dt.timedelta(days=1)
    return local.date()
