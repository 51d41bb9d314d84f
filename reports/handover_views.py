"""Serah terima bendahara, under the books: the list of past handovers, the form that records a new one (and
moves the Bendahara's office), the document of a chosen date before recording, and each handover's document as
a page and as a PDF.

Who records: whoever may add a handover (the Bendahara's role and a superuser, jimpitan/roles.py); the service
lets a Bendahara hand over only their own office. Who reads: every role that reads the books.
"""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from jimpitan.forms import CommitteeHandoverForm
from jimpitan.lib.months import is_plausible_day
from jimpitan.lib.people import display_name
from jimpitan.models import KampungProfile, TreasurerHandover
from jimpitan.services import is_treasurer, record_committee_handover
from reports import handover, handover_pdf

FORM_FIELDS = ("handed_over_on", "outgoing", "incoming", "new_username")


def _add_service_errors(form: CommitteeHandoverForm, error: ValidationError) -> None:
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for field, errors in error.error_dict.items():
        form.add_error(field if field in form.fields else None, errors)


@login_required
@permission_required("jimpitan.view_treasurerhandover", raise_exception=True)
def handover_list(request: HttpRequest) -> HttpResponse:
    handovers = TreasurerHandover.objects.select_related("outgoing", "incoming", "recorded_by")
    return render(request, "reports/handover_list.html", {"handovers": handovers})


def _initial(request: HttpRequest) -> dict:
    title, name = handover.chair_from_profile(KampungProfile.load())
    initial = {"handed_over_on": timezone.localdate(), "chair_title": title, "chair_name": name}
    if request.user.is_superuser and is_treasurer(request.user):
        initial["outgoing"] = request.user.pk
    return initial


def _record(request: HttpRequest, form: CommitteeHandoverForm):
    if not form.is_valid():
        return None
    data = form.cleaned_data
    try:
        return record_committee_handover(
            handed_over_on=data["handed_over_on"],
            outgoing=data.get("outgoing") or request.user,
            incoming=data.get("incoming"),
            new_username=data.get("new_username") or "",
            new_full_name=(data.get("new_full_name") or "").strip(),
            chair_title=data["chair_title"],
            chair_name=data["chair_name"],
            note=data.get("note") or "",
            recorded_by=request.user,
        )
    except ValidationError as error:
        _add_service_errors(form, error)
        return None


@never_cache  # the answer to a recorded handover carries the new account's one-time password
@login_required
@permission_required("jimpitan.add_treasurerhandover", raise_exception=True)
def handover_create(request: HttpRequest) -> HttpResponse:
    data = request.POST if request.method == "POST" else None
    form = CommitteeHandoverForm(data, recorder=request.user, initial=_initial(request))
    if request.method == "POST" and (result := _record(request, form)):
        return render(request, "reports/handover_done.html", {"result": result, "handover": result.handover})
    return render(request, "reports/handover_form.html", {"form": form})


def _preview_day(value: str | None) -> dt.date:
    """The day asked for (today when absent); ValueError with the reader's sentence when it cannot be used."""
    if not value:
        return timezone.localdate()
    try:
        day = dt.date.fromisoformat(value.strip())
    except ValueError:
        raise ValueError(_("Tanggal ditulis YYYY-MM-DD, misalnya 2026-11-30.")) from None
    if not is_plausible_day(day):
        raise ValueError(_("Tanggal tidak wajar."))
    if day > timezone.localdate():
        raise ValueError(_("Tanggal serah terima belum terjadi. Pilih hari ini atau sebelumnya."))
    return day


@login_required
@permission_required("jimpitan.add_treasurerhandover", raise_exception=True)
def handover_preview(request: HttpRequest) -> HttpResponse:
    """The document for a chosen date before anything is recorded: the incoming's name is left blank."""
    try:
        day = _preview_day(request.GET.get("tanggal"))
    except ValueError as error:
        return HttpResponseBadRequest(str(error), content_type="text/plain; charset=utf-8")
    title, name = handover.chair_from_profile(KampungProfile.load())
    outgoing = display_name(request.user) if is_treasurer(request.user) else ""
    parties = handover.Parties(outgoing=outgoing, chair_title=title, chair_name=name)
    document = handover.build(day, parties, since=handover.previous_handover_day())
    return render(request, "reports/handover_page.html", {"doc": document, "record": None})


@login_required
@permission_required("jimpitan.view_treasurerhandover", raise_exception=True)
def handover_detail(request: HttpRequest, pk: int) -> HttpResponse:
    record = get_object_or_404(TreasurerHandover.objects.select_related("outgoing", "incoming"), pk=pk)
    return render(request, "reports/handover_page.html", {"doc": handover.build_for(record), "record": record})


@login_required
@permission_required("jimpitan.view_treasurerhandover", raise_exception=True)
def handover_download(request: HttpRequest, pk: int) -> HttpResponse:
    record = get_object_or_404(TreasurerHandover.objects.select_related("outgoing", "incoming"), pk=pk)
    response = HttpResponse(handover_pdf.build_pdf(handover.build_for(record)), content_type="application/pdf")
    filename = f"serah-terima-bendahara-{record.handed_over_on:%Y-%m-%d}.pdf"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
