"""The duty roster (jadwal ronda): the month page, the treasurer's paste form per RT, and the A4 print."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from households.models import RT
from jimpitan.lib.dates import month_label
from jimpitan.lib.evening import evening_of
from jimpitan.lib.months import month_start, next_month, parse_month
from jimpitan.models import KampungProfile
from nightly.forms import RosterPasteForm, RosterSwapForm
from nightly.models import RosterAssignment, RosterSwap
from nightly.pdf import build_roster_pdf
from nightly.roster import roster_text
from nightly.selectors import roster_month, swap_requests
from nightly.services import RosterPasteError, decide_roster_swap, replace_roster, request_roster_swap


def _month(request: HttpRequest) -> dt.date:
    return parse_month(request.GET.get("bulan")) or month_start(evening_of())


@login_required
@permission_required("nightly.view_round", raise_exception=True)
def roster_page(request: HttpRequest) -> HttpResponse:
    month = _month(request)
    return render(
        request,
        "nightly/roster.html",
        {
            "month": month,
            "month_label": month_label(month),
            "roster": roster_month(month),
            "previous": month_start(month - dt.timedelta(days=1)),
            "next": next_month(month),
            "today": evening_of(),
        },
    )


@login_required
@permission_required("nightly.view_round", raise_exception=True)
def roster_pdf(request: HttpRequest) -> HttpResponse:
    month = _month(request)
    pdf = build_roster_pdf(month=month, roster=roster_month(month), kampung=KampungProfile.load())
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="jadwal-ronda-{month:%Y-%m}.pdf"'
    return response


@login_required
@permission_required(
    ("nightly.add_rosterassignment", "nightly.change_rosterassignment", "nightly.delete_rosterassignment"),
    raise_exception=True,
)
def roster_edit(request: HttpRequest, pk: int) -> HttpResponse:
    rt = get_object_or_404(RT, pk=pk)
    current = list(RosterAssignment.objects.filter(rt=rt).select_related("user"))
    form = RosterPasteForm(request.POST or None, initial={"text": roster_text(current)})
    line_errors: dict[int, str] = {}
    if request.method == "POST" and form.is_valid():
        try:
            replace_roster(rt=rt, text=form.cleaned_data["text"], user=request.user)
        except RosterPasteError as error:
            line_errors = error.line_errors
            form.add_error("text", error.message)
        else:
            messages.success(request, _("Jadwal ronda %(rt)s disimpan.") % {"rt": rt})
            return redirect("roster:page")
    return render(
        request,
        "nightly/roster_edit.html",
        {
            "rt": rt,
            "form": form,
            "line_errors": sorted(line_errors.items()),
        },
    )


@login_required
@permission_required("nightly.add_rosterswap", raise_exception=True)
def swap_page(request: HttpRequest) -> HttpResponse:
    """Ask to hand over or swap an evening; the list of requests below (the Bendahara decides there)."""
    form = RosterSwapForm(request.POST or None, initial={"malam": evening_of()})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            request_roster_swap(
                rt=data["rt"],
                evening=data["malam"],
                user=request.user,
                reason=data["reason"],
                kind=data["kind"],
                replacement_user=data["replacement_user"],
                replacement_name=data["replacement_name"],
                swap_evening=data["swap_evening"],
            )
        except ValidationError as error:
            field = {
                "past": "malam",
                "not_on_duty": "malam",
                "reason": "reason",
                "swap": "swap_evening",
                "swap_not_on_duty": "swap_evening",
            }.get(error.code, "replacement_user")
            form.add_error(field, error)
        else:
            messages.success(request, _("Permintaan dikirim. Bendahara akan menyetujui atau menolaknya."))
            return redirect("roster:swaps")
    return render(request, "nightly/roster_swaps.html", {"form": form, "swaps": swap_requests(request.user)})


@login_required
@require_POST
@permission_required("nightly.change_rosterswap", raise_exception=True)
def swap_decide(request: HttpRequest, pk: int) -> HttpResponse:
    swap = get_object_or_404(RosterSwap, pk=pk)
    try:
        decide_roster_swap(swap=swap, user=request.user, approve=request.POST.get("keputusan") == "setuju")
    except ValidationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Keputusan disimpan."))
    return redirect("roster:swaps")
