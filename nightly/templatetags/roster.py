"""The home page's "who is on patrol tonight": the home view lives in jimpitan (level 0) and cannot ask nightly."""

from __future__ import annotations

from django import template
from django.utils.formats import date_format

from jimpitan.lib.pasaran import pasaran_of
from nightly.selectors import tonight_roster

register = template.Library()


@register.simple_tag
def roster_tonight() -> dict:
    evening, rows = tonight_roster()
    # Named like the roster names it: the day the evening begins, with that day's pasaran ("Minggu Kliwon").
    label = f"{date_format(evening, 'l')} {pasaran_of(evening)}, {date_format(evening, 'j F Y')}"
    return {"evening": evening, "label": label, "rows": rows}
