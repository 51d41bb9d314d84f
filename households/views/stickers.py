"""The treasurer's sheet of QR stickers (one per household, for the jimpitan containers) and the
regeneration of a lost sticker's code."""

from __future__ import annotations

import segno
from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from households import services
from households.models import RT, Household

# Only the treasurer changes households; the codes on the sheet are as private as the pages.
STICKER_PERMISSION = "households.change_household"


@login_required
@permission_required(STICKER_PERMISSION, raise_exception=True)
@never_cache
def sticker_sheet(request: HttpRequest) -> HttpResponse:
    rts = list(RT.objects.all())
    households = Household.objects.active().select_related("rt").in_route_order()
    selected_rt = request.GET.get("rt", "")
    if selected_rt.isdigit():
        households = households.filter(rt_id=int(selected_rt))
    stickers = []
    for household in households:
        url = request.build_absolute_uri(reverse("household_page", args=[household.private_code]))
        qr = segno.make(url, error="m")
        stickers.append({"household": household, "url": url, "svg": qr.svg_inline(scale=3, border=2, omitsize=True)})
    context = {"rts": rts, "selected_rt": selected_rt, "stickers": stickers}
    response = render(request, "households/stickers.html", context)
    response["Referrer-Policy"] = "no-referrer"
    return response


@login_required
@permission_required(STICKER_PERMISSION, raise_exception=True)
def regenerate_code(request: HttpRequest, pk: int) -> HttpResponse:
    """GET asks for confirmation; POST gives the household a new code, so the old sticker stops working."""
    household = get_object_or_404(Household.objects.select_related("rt"), pk=pk)
    if request.method == "POST":
        services.regenerate_private_code(household)
        messages.success(
            request,
            _("Kode baru dibuat untuk %(rt)s, %(address)s. Cetak stiker barunya; stiker lama tidak berlaku lagi.")
            % {"rt": household.rt, "address": household.address},
        )
        return redirect(f"{reverse('sticker_sheet')}?rt={household.rt_id}")
    return render(request, "households/regenerate_code.html", {"household": household})
