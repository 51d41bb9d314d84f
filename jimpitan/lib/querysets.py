"""QuerySet helpers shared by the dated money models."""

from __future__ import annotations

import datetime as dt
from typing import ClassVar, Self

from django.db import models

from jimpitan.lib.months import month_start, next_month


class DatedQuerySet(models.QuerySet):
    """Rows in a window of days, by the model's own date field (`date_field`). The one place the
    half-open window `first <= day < end` is written."""

    date_field: ClassVar[str]

    def between(self, start: dt.date, end: dt.date) -> Self:
        """From `start` up to, but not including, `end`."""
        return self.filter(**{f"{self.date_field}__gte": start, f"{self.date_field}__lt": end})

    def in_month(self, month: dt.date) -> Self:
        first = month_start(month)
        return self.between(first, next_month(first))
