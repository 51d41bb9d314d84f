"""The nightly WhatsApp recap page: one RT's round, or the whole evening across RTs."""

from __future__ import annotations

from urllib.parse import quote

from django.contrib.auth.decorators import login_required, permission_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from households.models import RT
from jimpitan.lib.evening import evening_of
from jimpitan.lib.months import is_plausible_day
from jimpitan.models import KampungProfile
from nightly.forms import SheetPickerForm
from nightly.recap import addresses_allowed, evening_title, recap_text
from nightly.selectors import evening_recaps


@login_required
@permission_required("nightly.view_round", raise_exception=True)
def recap_page(request: HttpRequest) -> HttpResponse:
    picker = SheetPickerForm(request.GET)
    evening, rt = evening_of(), None
    if picker.is_valid():
        evening, rt = picker.cleaned_data["malam"], picker.cleaned_data.get("rt") if request.GET.get("rt") else None
    if not is_plausible_day(evening):
        evening = evening_of()
    kampung = KampungProfile.load()
    allowed = addresses_allowed(kampung.privacy_level if kampung else None)
    recaps = evening_recaps(evening, rt=rt, with_addresses=allowed)
    text = recap_text(evening, recaps, kampung.name if kampung else "")
    return render(
        request,
        "nightly/recap.html",
        {
            "evening": evening,
            "title": evening_title(evening),
            "rt": rt,
            "rts": list(RT.objects.all()),
            "text": text,
            "whatsapp_url": "https://wa.me/?text=" + quote(text),
        },
    )
