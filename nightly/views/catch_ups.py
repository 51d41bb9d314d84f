"""Catch-up payments (rapel) and paying ahead, for the treasurer: record one from a household's page, the list
with its delete, and the arrears view (only where the kampung turned it on)."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from households.models import Household
from jimpitan.lib.evening import evening_of
from jimpitan.lib.money import format_rupiah
from jimpitan.lib.months import month_start, next_month, parse_month
from jimpitan.models import KampungProfile
from ledger.guards import closed_months
from nightly import services
from nightly.forms import CatchUpForm
from nightly.models import CatchUp
from nightly.selectors import arrears_totals, catch_up_choices, catch_up_summaries, missed_evenings

FIELD_ERRORS = ("paid_on", "evenings", "amount", "account", "note")
# The arrears view looks this many months back unless asked otherwise.
ARREARS_MONTHS = 3


def _add_service_errors(form: CatchUpForm, error: ValidationError) -> None:
    """A refusal of the service goes next to its field (a closed month next to the date); the input stays."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in FIELD_ERRORS else None, errors)
    else:
        form.add_error("paid_on" if getattr(error, "code", None) == "month_closed" else None, error)


def _record(request: HttpRequest, form: CatchUpForm, household: Household) -> CatchUp | None:
    data = form.cleaned_data
    try:
        return services.record_catch_up(
            household=household,
            paid_on=data["paid_on"],
            amount=data["amount"],
            account=data["account"],
            evenings=data["all_evenings"],
            recorded_by=request.user,
            note=data.get("note") or "",
        )
    except ValidationError as error:
        _add_service_errors(form, error)
        return None


def _suggest_amount(request: HttpRequest, form: CatchUpForm, household: Household, missed) -> CatchUpForm:
    """No amount typed: show the form again with evenings × the household's usual amount, to check and save."""
    count = len(form.cleaned_data["all_evenings"])
    data = request.POST.copy()
    data["amount"] = f"{count * household.usual_amount:,}".replace(",", ".")
    suggested = CatchUpForm(data, missed=missed)
    suggested.is_valid()
    suggested.add_error(
        "amount",
        _("Saran: %(n)d malam × %(usual)s. Periksa jumlahnya (boleh diubah), lalu simpan.")
        % {"n": count, "usual": format_rupiah(household.usual_amount)},
    )
    return suggested


@login_required
@permission_required("nightly.add_catchup", raise_exception=True)
def catch_up_create(request: HttpRequest, household_pk: int) -> HttpResponse:
    household = get_object_or_404(Household.objects.select_related("rt"), pk=household_pk)
    missed = catch_up_choices(household, today=evening_of())
    form = CatchUpForm(request.POST if request.method == "POST" else None, missed=missed)
    if request.method == "POST":
        if form.is_valid() and form.cleaned_data["amount"] is None:
            form = _suggest_amount(request, form, household, missed)
        elif form.is_valid() and (catch_up := _record(request, form, household)):
            messages.success(
                request,
                _("Rapel dicatat: %(amount)s untuk %(n)d malam.")
                % {"amount": format_rupiah(catch_up.amount), "n": len(form.cleaned_data["all_evenings"])},
            )
            return redirect("households:detail", household.pk)
    selected = {str(value) for value in (form["evenings"].value() or [])}
    context = {"form": form, "household": household, "missed": missed, "selected": selected}
    return render(request, "nightly/catch_up_form.html", context)


@login_required
@permission_required("nightly.view_catchup", raise_exception=True)
def catch_up_list(request: HttpRequest) -> HttpResponse:
    summaries = catch_up_summaries()
    closed = closed_months(s.catch_up.paid_on for s in summaries)
    rows = [(s, month_start(s.catch_up.paid_on) in closed) for s in summaries]
    return render(request, "nightly/catch_up_list.html", {"rows": rows})


@login_required
@permission_required("nightly.delete_catchup", raise_exception=True)
@require_POST
def catch_up_delete(request: HttpRequest, pk: int) -> HttpResponse:
    catch_up = get_object_or_404(CatchUp, pk=pk)
    try:
        services.delete_catch_up(catch_up=catch_up, user=request.user)
    except ValidationError as error:
        messages.error(request, error.messages[0])
    else:
        messages.success(request, _("Rapel dihapus: malam-malamnya kembali belum dibayar."))
    return redirect("nightly:catch_up_list")


def _arrears_window(request: HttpRequest, today: dt.date) -> tuple[dt.date, dt.date]:
    """[first, end) from ?dari=YYYY-MM (default: the last three months), never past this evening."""
    this_month = month_start(today)
    first = parse_month(request.GET.get("dari"))
    if first is None or first > this_month:
        first = this_month
        for _n in range(ARREARS_MONTHS - 1):
            first = month_start(first - dt.timedelta(days=1))
    return first, min(next_month(this_month), today + dt.timedelta(days=1))


@login_required
@permission_required("nightly.add_catchup", raise_exception=True)
def arrears_page(request: HttpRequest) -> HttpResponse:
    """Per household: evenings empty or not collected while active, less those paid by a catch-up. Bendahara
    only, and only where the kampung turned it on (many kampungs do not bill empty nights)."""
    profile = KampungProfile.load()
    if profile is None or not profile.arrears_enabled:
        raise Http404
    today = evening_of()
    first, end = _arrears_window(request, today)
    rows = missed_evenings(first, end)
    return render(
        request,
        "nightly/arrears.html",
        {"rows": rows, "totals": arrears_totals(rows), "first": first, "last": end - dt.timedelta(days=1)},
    )
