"""The home page's "who is on patrol tonight": the home view lives in jimpitan (level 0) and cannot ask nightly."""

from __future__ import annotations

from django import template

from jimpitan.lib.dates import evening_label
from jimpitan.lib.pasaran import pasaran_of
from nightly.selectors import tonight_roster

register = template.Library()


@register.simple_tag
def roster_tonight() -> dict:
    evening, rows = tonight_roster()
    return {"evening": evening, "label": evening_label(evening), "pasaran": pasaran_of(evening), "rows": rows}
