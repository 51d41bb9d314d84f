from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from households import selectors, services
from households.forms import RTForm
from households.models import RT, HouseholdStatus


def _posted_ids(request: HttpRequest) -> list[int] | None:
    try:
        return [int(value) for value in request.POST.getlist("household")]
    except ValueError:
        return None


def _apply_move(order: list[int], move: str) -> list[int]:
    """'12:up' or '12:down' swaps household 12 with its neighbour (the no-JavaScript buttons)."""
    pk_text, _sep, direction = move.partition(":")
    if not pk_text.isdigit() or int(pk_text) not in order or direction not in ("up", "down"):
        return order
    index = order.index(int(pk_text))
    other = index - 1 if direction == "up" else index + 1
    if 0 <= other < len(order):
        order[index], order[other] = order[other], order[index]
    return order


@login_required
@permission_required("households.change_household", raise_exception=True)
def route_order(request: HttpRequest, rt_pk: int) -> HttpResponse:
    """One RT's route. Without JavaScript each up/down button saves at once; with it, rows are dragged
    or moved in place and "Simpan urutan" sends the whole order. Either way: one request, one transaction."""
    rt = get_object_or_404(RT, pk=rt_pk)
    if request.method == "POST":
        order = _posted_ids(request)
        move = request.POST.get("move", "")
        error = None
        if order is None:
            error = _("Urutan yang dikirim tidak terbaca. Muat ulang halaman lalu atur lagi.")
        else:
            try:
                services.save_route_order(rt, _apply_move(order, move) if move else order)
            except ValidationError as exc:
                error = exc.messages[0]
        if error:
            messages.error(request, error)
        elif not move:
            messages.success(request, _("Urutan rute %(rt)s disimpan.") % {"rt": rt})
        url = reverse("households:route", args=[rt.pk])
        if move and not error:
            url += f"#h{move.partition(':')[0]}"
        return redirect(url)
    households = list(selectors.route_households(rt))
    return render(
        request,
        "households/route_order.html",
        {"rt": rt, "households": households, "rts": RT.objects.all()},
    )


@login_required
@permission_required("households.view_register", raise_exception=True)
def rt_list(request: HttpRequest) -> HttpResponse:
    rts = RT.objects.annotate(
        active=Count("households", filter=Q(households__status=HouseholdStatus.ACTIVE)),
        exempt=Count("households", filter=Q(households__status=HouseholdStatus.EXEMPT)),
        moved=Count("households", filter=Q(households__status=HouseholdStatus.MOVED)),
    ).order_by("display_order", "number")  # an aggregate query ignores Meta.ordering
    return render(request, "households/rt_list.html", {"rts": rts})


@login_required
@permission_required("households.add_rt", raise_exception=True)
def rt_create(request: HttpRequest) -> HttpResponse:
    next_number = (RT.objects.order_by("-number").values_list("number", flat=True).first() or 0) + 1
    form = RTForm(
        request.POST if request.method == "POST" else None,
        initial={"number": next_number, "display_order": next_number},
    )
    if request.method == "POST" and form.is_valid():
        rt = form.save()
        messages.success(request, _("%(rt)s ditambahkan.") % {"rt": rt})
        return redirect("households:rt_list")
    return render(request, "households/rt_form.html", {"form": form})


@login_required
@permission_required("households.change_rt", raise_exception=True)
def rt_edit(request: HttpRequest, pk: int) -> HttpResponse:
    rt = get_object_or_404(RT, pk=pk)
    form = RTForm(request.POST if request.method == "POST" else None, instance=rt)
    if request.method == "POST" and form.is_valid():
        rt = form.save()
        messages.success(request, _("%(rt)s disimpan.") % {"rt": rt})
        return redirect("households:rt_list")
    return render(request, "households/rt_form.html", {"form": form, "rt": rt})
