"""The duty roster (jadwal ronda): the month page, the treasurer's paste form per RT, and the A4 print."""

from __future__ import annotations

import datetime as dt

from django import forms
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
from jimpitan.lib.exports import download
from jimpitan.lib.months import month_start, next_month, parse_month
from jimpitan.models import KampungProfile
from nightly.forms import RosterPasteForm, RosterSwapForm, RosterUploadForm
from nightly.models import RosterAssignment, RosterSwap
from nightly.pdf import build_roster_pdf
from nightly.roster import roster_text
from nightly.roster_file import RosterFileError, roster_text_from_file, roster_xlsx
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


# Editing the roster replaces it: adding, changing and removing assignments at once.
EDIT_ROSTER = ("nightly.add_rosterassignment", "nightly.change_rosterassignment", "nightly.delete_rosterassignment")
UPLOAD = "impor"  # the upload form's hidden marker: the same page takes the paste and the file


def _save_text(request: HttpRequest, *, rt: RT, text: str, form: forms.Form, field: str) -> dict[int, str] | None:
    """Save through the paste's one service: None when saved, else the line errors (the field says why)."""
    try:
        replace_roster(rt=rt, text=text, user=request.user)
    except RosterPasteError as error:
        form.add_error(field, error.message)
        return error.line_errors
    messages.success(request, _("Jadwal ronda %(rt)s disimpan.") % {"rt": rt})
    return None


def _save_upload(request: HttpRequest, *, rt: RT, form: RosterUploadForm) -> dict[int, str] | None:
    if not form.is_valid():
        return {}
    try:
        text = roster_text_from_file(form.cleaned_data["berkas"].read())
    except RosterFileError as error:
        form.add_error("berkas", str(error))
        return {}
    return _save_text(request, rt=rt, text=text, form=form, field="berkas")


@login_required
@permission_required(EDIT_ROSTER, raise_exception=True)
def roster_edit(request: HttpRequest, pk: int) -> HttpResponse:
    rt = get_object_or_404(RT, pk=pk)
    current = list(RosterAssignment.objects.filter(rt=rt).select_related("user"))
    uploading = request.method == "POST" and UPLOAD in request.POST
    form = RosterPasteForm(None if uploading else request.POST or None, initial={"text": roster_text(current)})
    upload = RosterUploadForm(request.POST if uploading else None, request.FILES if uploading else None)
    errors: dict[int, str] | None = {}
    if uploading:
        errors = _save_upload(request, rt=rt, form=upload)
    elif request.method == "POST" and form.is_valid():
        errors = _save_text(request, rt=rt, text=form.cleaned_data["text"], form=form, field="text")
    if errors is None:
        return redirect("roster:page")
    line_errors = sorted(errors.items())
    context = {"rt": rt, "form": form, "upload": upload, "upload_action": UPLOAD}
    context.update({"file_line_errors": line_errors} if uploading else {"line_errors": line_errors})
    return render(request, "nightly/roster_edit.html", context)


@login_required
@permission_required(EDIT_ROSTER, raise_exception=True)
def roster_download(request: HttpRequest, pk: int) -> HttpResponse:
    """The RT's roster as XLSX, in the columns the upload reads, for editing in Excel and uploading back."""
    rt = get_object_or_404(RT, pk=pk)
    current = list(RosterAssignment.objects.filter(rt=rt).select_related("user"))
    return download(roster_xlsx(current), f"jadwal-ronda-rt-{rt.number:02d}", "xlsx")


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
