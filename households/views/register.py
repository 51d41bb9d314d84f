from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from households import selectors, services
from households.filters import HouseholdFilter
from households.forms import HouseholdForm, MoveForm
from households.models import RT, Household, HouseholdStatus
from households.panels import render_detail_panels
from households.tables import HouseholdTable
from jimpitan.lib.exports import table_export_response
from jimpitan.lib.tables import configure_table
from jimpitan.models import KampungProfile

PER_PAGE = 50


def _filtered(request: HttpRequest) -> tuple[HouseholdFilter, HouseholdTable]:
    household_filter = HouseholdFilter(request.GET or None, queryset=selectors.register_queryset())
    table = HouseholdTable(household_filter.qs)
    return household_filter, table


@login_required
@permission_required("households.view_register", raise_exception=True)
def household_list(request: HttpRequest) -> HttpResponse:
    household_filter, table = _filtered(request)
    configure_table(request, table, per_page=PER_PAGE)
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "households/household_list.html",
        {"filter": household_filter, "table": table, "export_query": query.urlencode()},
    )


@login_required
@permission_required("households.view_register", raise_exception=True)
def household_export(request: HttpRequest, fmt: str) -> HttpResponse:
    if fmt not in ("csv", "xlsx"):
        raise Http404
    _filter, table = _filtered(request)
    configure_table(request, table, per_page=None)
    return table_export_response(table, fmt, "daftar-rumah", title=_("Daftar Rumah"))


@login_required
@permission_required("households.view_register", raise_exception=True)
def household_detail(request: HttpRequest, pk: int) -> HttpResponse:
    household = get_object_or_404(selectors.register_queryset(), pk=pk)
    # The wa.me links carry the phone number and speak for the committee: the Bendahara's alone.
    may_message = request.user.has_perm("households.change_household")
    return render(
        request,
        "households/household_detail.html",
        {
            "household": household,
            "history": selectors.household_history(household),
            "panels": render_detail_panels(request, household),
            "away_periods": selectors.away_periods(household),
            "today": timezone.localdate(),
            "whatsapp": selectors.whatsapp_links(household, KampungProfile.load()) if may_message else None,
        },
    )


@login_required
@permission_required("households.add_household", raise_exception=True)
def household_create(request: HttpRequest) -> HttpResponse:
    if not RT.objects.exists():
        messages.info(request, _("Tambahkan RT dulu. Kampung yang tidak dibagi per RT cukup memakai satu RT."))
        return redirect("households:rt_create")
    form = HouseholdForm(request.POST if request.method == "POST" else None, initial={"rt": request.GET.get("rt")})
    if request.method == "POST" and form.is_valid():
        household = services.create_household(form.save(commit=False))
        messages.success(request, _("Rumah %(name)s disimpan.") % {"name": household.head_name})
        return redirect(household)
    return render(request, "households/household_form.html", {"form": form})


@login_required
@permission_required("households.change_household", raise_exception=True)
def household_edit(request: HttpRequest, pk: int) -> HttpResponse:
    household = get_object_or_404(Household, pk=pk)
    old_rt_id = household.rt_id
    form = HouseholdForm(request.POST if request.method == "POST" else None, instance=household)
    if request.method == "POST" and form.is_valid():
        household = form.save(commit=False)
        services.update_household(household, rt_changed=household.rt_id != old_rt_id)
        messages.success(request, _("Perubahan disimpan."))
        return redirect(household)
    return render(request, "households/household_form.html", {"form": form, "household": household})


@login_required
@permission_required("households.change_household", raise_exception=True)
def household_move(request: HttpRequest, pk: int) -> HttpResponse:
    household = get_object_or_404(Household, pk=pk)
    form = MoveForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        services.mark_moved(household, form.cleaned_data["moved_on"])
        messages.success(
            request,
            _("%(name)s ditandai pindah. Rumah ini tidak muncul lagi di lembar jimpitan.")
            % {"name": household.head_name},
        )
        return redirect(household)
    return render(
        request,
        "households/household_move.html",
        {"form": form, "household": household, "already_moved": household.status == HouseholdStatus.MOVED},
    )


@login_required
@permission_required("households.delete_household", raise_exception=True)
def household_delete(request: HttpRequest, pk: int) -> HttpResponse:
    household = get_object_or_404(Household, pk=pk)
    in_use = household.contributions.exists()
    if request.method == "POST":
        try:
            services.delete_household(household)
        except ValidationError:
            in_use = True
        else:
            messages.success(request, _("Rumah %(name)s dihapus.") % {"name": household.head_name})
            return redirect("households:list")
    return render(
        request,
        "households/household_delete.html",
        {"household": household, "in_use": in_use, "in_use_message": services.in_use_message()},
        status=409 if in_use and request.method == "POST" else 200,
    )
