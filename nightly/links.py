"""Links into the nightly pages that several modules build."""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlencode

from django.urls import reverse

from households.models import RT


def sheet_url(evening: dt.date, rt: RT) -> str:
    """The sheet of `rt`'s round on `evening` (new or saved)."""
    return reverse("nightly:sheet") + "?" + urlencode({"malam": evening.isoformat(), "rt": rt.pk})
