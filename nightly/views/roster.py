"""The duty roster (jadwal ronda): the month page, the treasurer's paste form per RT, and the A4 print."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from households.models import RT
from jimpitan.lib.dates import month_label
from jimpitan.lib.evening import evening_of
from jimpitan.lib.months import month_start, next_month, parse_month
from jimpitan.models import KampungProfile
from nightly.forms import RosterPasteForm
from nightly.models import RosterAssignment
from nightly.pdf import build_roster_pdf
from nightly.roster import roster_text
from nightly.selectors import roster_month
from nightly.services import RosterPasteError, replace_roster


def _month(request: HttpRequest) -> dt.date:
    return parse_month(request.GET.get("bulan")) or month_start(evening_of())


@login_required
@permission_required("nightly.view_round", raise_exception=True)
def roster_page(request: HttpRequest) -> HttpResponse:
    month = _month(request)
    return render(request, "nightly/roster.html", {
        "month": month, "month_label": month_label(month), "roster": roster_month(month),
        "previous": month_start(month - dt.timedelta(days=1)), "next": next_month(month),
        "today": evening_of(),
    })


@login_required
@permission_required("nightly.view_round", raise_exception=True)
def roster_pdf(request: HttpRequest) -> HttpResponse:
    month = _month(request)
    pdf = build_roster_pdf(month=month, roster=roster_month(month), kampung=KampungProfile.load())
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="jadwal-ronda-{month:%Y-%m}.pdf"'
    return response


@login_required
@permission_required(("nightly.add_rosterassignment", "nightly.change_rosterassignment",
                      "nightly.delete_rosterassignment"), raise_exception=True)
def roster_edit(request: HttpRequest, pk: int) -> HttpResponse:
    rt = get_object_or_404(RT, pk=pk)
    current = list(RosterAssignment.objects.filter(rt=rt).select_related("user"))
    form = RosterPasteForm(request.POST or None, initial={"text": roster_text(current)})
    line_errors: dict[int, str] = {}
    if request.method == "POST" and form.is_valid():
        try:
            count = replace_roster(rt=rt, text=form.cleaned_data["text"], user=request.user)
        except RosterPasteError as error:
            line_errors = error.line_errors
            form.add_error("text", error.message)
        else:
            messages.success(request, _("Jadwal ronda %(rt)s disimpan: %(count)d petugas-aturan.")
                             % {"rt": rt, "count": count})
            return redirect("roster:page")
    return render(request, "nightly/roster_edit.html", {
        "rt": rt, "form": form, "line_errors": sorted(line_errors.items()),
    })
