"""The treasurer's handover pages (setoran): record the patrol handing over its rounds' money, the list of
handovers, and what the patrol still holds ("di petugas") with its ageing."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from jimpitan.lib.evening import evening_of
from jimpitan.lib.money import format_rupiah
from ledger.guards import closed_months
from nightly import services
from nightly.forms import HandoverForm
from nightly.models import Handover
from nightly.selectors import AGE_LIMITS, bucket_totals, handover_list, held_by_patrol, held_rounds, held_total

FIELD_ERRORS = ("rounds", "counted", "handed_by", "received_on", "explanation", "account")


def _add_service_errors(form: HandoverForm, error: ValidationError) -> None:
    """A refusal of the service goes next to its field (the balance rule next to the amount); the input stays."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in FIELD_ERRORS else None, errors)
    elif getattr(error, "code", None) == "insufficient_balance":
        form.add_error("counted", error)
    else:
        form.add_error("received_on" if getattr(error, "code", None) == "month_closed" else None, error)


def _record(request: HttpRequest, form: HandoverForm) -> Handover | None:
    if not form.is_valid():
        return None
    data = form.cleaned_data
    try:
        return services.record_handover(
            received_on=data["received_on"],
            round_ids=data["rounds"],
            counted=data["counted"],
            account=data["account"],
            handed_by=data.get("handed_by"),
            handed_by_name=data.get("handed_by_name") or "",
            explanation=data.get("explanation") or "",
            user=request.user,
        )
    except ValidationError as error:
        _add_service_errors(form, error)
        return None


@login_required
@permission_required("nightly.add_handover", raise_exception=True)
def handover_create(request: HttpRequest) -> HttpResponse:
    held = held_rounds()
    form = HandoverForm(request.POST if request.method == "POST" else None, held=held)
    if request.method == "POST" and (handover := _record(request, form)):
        note = _("Setoran dicatat: %(counted)s dari %(who)s.") % {
            "counted": format_rupiah(handover.counted),
            "who": handover.handed_by_display,
        }
        if handover.difference:
            note += " " + _("Selisih %(difference)s tercatat.") % {"difference": format_rupiah(handover.difference)}
        messages.success(request, note)
        return redirect("nightly:handover_list")
    selected = {str(value) for value in (form["rounds"].value() or [])}
    return render(
        request,
        "nightly/handover_form.html",
        {"form": form, "held": held, "selected": selected, "held_total": sum(h.round.total for h in held)},
    )


@login_required
@permission_required("nightly.view_handover", raise_exception=True)
def handover_list_page(request: HttpRequest) -> HttpResponse:
    handovers = handover_list()
    closed = closed_months(h.received_on for h in handovers)
    return render(
        request,
        "nightly/handover_list.html",
        {
            "handovers": [(h, h.received_on.replace(day=1) in closed) for h in handovers],
            "held_total": held_total(),
        },
    )


@login_required
@permission_required("nightly.view_handover", raise_exception=True)
def held_page(request: HttpRequest) -> HttpResponse:
    groups = held_by_patrol(evening_of())
    every = [held for group in groups for held in group.rounds]
    return render(
        request,
        "nightly/handover_held.html",
        {
            "groups": groups,
            "total": sum(group.total for group in groups),
            "buckets": bucket_totals(every),
            "limits": AGE_LIMITS,
        },
    )


@login_required
@permission_required("nightly.delete_handover", raise_exception=True)
@require_POST
def handover_delete(request: HttpRequest, pk: int) -> HttpResponse:
    handover = get_object_or_404(Handover, pk=pk)
    try:
        services.delete_handover(handover=handover, user=request.user)
    except ValidationError as error:
        messages.error(request, error.messages[0])
    else:
        messages.success(request, _("Setoran dihapus: rondenya kembali tercatat di petugas."))
    return redirect("nightly:handover_list")
