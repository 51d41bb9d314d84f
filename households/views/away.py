"""The Bendahara's away periods of one household (mudik, working elsewhere, ill): add, change, delete.

Each needs the matching permission on AwayPeriod (Bendahara only); the household page lists them to everyone
who may read the register.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from households import services
from households.forms import AwayPeriodForm
from households.models import AwayPeriod, Household


def _save(request: HttpRequest, form: AwayPeriodForm, household: Household) -> HttpResponse | None:
    """Save a valid form and redirect to the household; None to show the form again (with its errors)."""
    if request.method != "POST" or not form.is_valid():
        return None
    period = form.save(commit=False)
    period.household = household
    try:
        services.save_away_period(period=period, user=request.user)
    except services.AwayOverlap as error:
        form.add_error("starts_on", error.messages[0])
        return None
    messages.success(request, _("Masa pergi %(name)s disimpan.") % {"name": household.head_name})
    return redirect(household)


@login_required
@permission_required("households.add_awayperiod", raise_exception=True)
def away_create(request: HttpRequest, pk: int) -> HttpResponse:
    household = get_object_or_404(Household.objects.select_related("rt"), pk=pk)
    form = AwayPeriodForm(request.POST if request.method == "POST" else None, household=household)
    response = _save(request, form, household)
    status = 400 if request.method == "POST" else 200
    return response or render(
        request, "households/away_form.html", {"form": form, "household": household}, status=status
    )


@login_required
@permission_required("households.change_awayperiod", raise_exception=True)
def away_edit(request: HttpRequest, pk: int) -> HttpResponse:
    period = get_object_or_404(AwayPeriod.objects.select_related("household__rt"), pk=pk)
    household = period.household
    form = AwayPeriodForm(request.POST if request.method == "POST" else None, instance=period, household=household)
    response = _save(request, form, household)
    status = 400 if request.method == "POST" else 200
    return response or render(
        request, "households/away_form.html", {"form": form, "household": household, "period": period}, status=status
    )


@login_required
@permission_required("households.delete_awayperiod", raise_exception=True)
def away_delete(request: HttpRequest, pk: int) -> HttpResponse:
    period = get_object_or_404(AwayPeriod.objects.select_related("household__rt"), pk=pk)
    household = period.household
    if request.method == "POST":
        services.delete_away_period(period=period, user=request.user)
        messages.success(request, _("Masa pergi dihapus."))
        return redirect(household)
    return render(request, "households/away_delete.html", {"period": period, "household": household})
