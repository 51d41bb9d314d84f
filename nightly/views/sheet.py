"""The nightly sheet: one RT's round on one evening, saved whole in one request.

The view only moves things along: request -> Sheet (nightly.sheet) -> save_sheet -> response.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from households.models import RT, Household
from jimpitan.lib.dates import evening_label
from jimpitan.lib.evening import evening_of
from jimpitan.lib.money import format_rupiah
from jimpitan.models import KampungProfile
from ledger.guards import is_month_closed
from nightly.forms import SheetHeaderForm, SheetPickerForm, TotalOnlyForm
from nightly.links import sheet_url
from nightly.models import ContributionState, Round
from nightly.selectors import covered_evenings, round_contributions, sheet_household_ids, sheet_households
from nightly.services import (
    RoundConflictError,
    SheetError,
    can_record,
    handed_over_error,
    save_sheet,
    save_total_only_round,
)
from nightly.sheet import STATE_RULE, Sheet

DEFAULT_QUICK_AMOUNTS = [0, 100, 200, 500, 1000]


@dataclass
class SheetDraft:
    """A sheet to show again: the header form, the lines as typed, and the households when already read."""

    header: SheetHeaderForm
    sheet: Sheet
    status: int = 200
    households: list[Household] | None = None


def _picker(request: HttpRequest):
    # The forms post malam and rt as hidden fields; a bare POST to the page's own URL uses the query string.
    data = request.POST if request.method == "POST" and "rt" in request.POST else request.GET
    picker = SheetPickerForm({"malam": data.get("malam", ""), "rt": data.get("rt") or ""})
    picker.is_valid()
    evening = picker.cleaned_data.get("malam") or evening_of()
    rt = picker.cleaned_data.get("rt")
    return picker, evening, rt


def _read_only_reason(request: HttpRequest, evening, rnd: Round | None = None) -> str:
    if rnd is not None and rnd.handover_id is not None:
        return handed_over_error().messages[0]
    if evening > evening_of():
        return _("Malam itu belum terjadi. Pilih malam ini atau malam sebelumnya.")
    if is_month_closed(evening):
        return _("Buku bulan ini sudah ditutup, jadi lembar ini hanya bisa dibaca.")
    if not can_record(request.user, evening):
        if request.user.has_perm("nightly.change_round"):
            return _("Petugas hanya boleh mencatat malam ini dan malam sebelumnya. Minta Bendahara untuk mengubahnya.")
        return _("Anda hanya bisa membaca lembar ini.")
    return ""


def _stored_header(rnd: Round | None) -> SheetHeaderForm:
    return SheetHeaderForm(
        initial={
            "version": rnd.version if rnd else 0,
            "collectors": rnd.collectors if rnd else "",
            "collector_users": list(rnd.collector_users.all()) if rnd else [],
            "counted_cash": rnd.counted_cash if rnd else None,
            "notes": rnd.notes if rnd else "",
        }
    )


def _post_sheet(request: HttpRequest, *, rt: RT, evening, rnd: Round | None) -> HttpResponse | SheetDraft:
    header = SheetHeaderForm(request.POST)
    header_ok = header.is_valid()
    # A save needs only which households are on the sheet; the full rows are read when the page is shown.
    sheet = Sheet.from_post(request.POST, sheet_household_ids(rt, rnd, evening=evening))
    if request.POST.get("action") == "fill":
        households = sheet_households(rt, rnd, evening=evening)
        sheet.fill(households, _covered(evening))
        return SheetDraft(header, sheet, households=households)
    if not header_ok or not sheet.is_valid:
        if not sheet.is_valid:
            messages.error(request, _("Ada isian yang salah. Perbaiki baris yang ditandai; belum ada yang disimpan."))
        return SheetDraft(header, sheet, status=400)
    return _save(request, rt=rt, evening=evening, rnd=rnd, header=header, sheet=sheet)


def _save(
    request: HttpRequest, *, rt: RT, evening, rnd: Round | None, header: SheetHeaderForm, sheet: Sheet
) -> HttpResponse | SheetDraft:
    data = header.cleaned_data
    try:
        result = save_sheet(
            rt=rt,
            evening=evening,
            user=request.user,
            version=data["version"],
            rows=sheet.rows,
            collectors=data["collectors"],
            collector_users=list(data["collector_users"]),
            counted_cash=data["counted_cash"],
            notes=data["notes"],
        )
    except SheetError as error:
        sheet.add_errors(error.row_errors)
        messages.error(request, error.messages[0])
        return SheetDraft(header, sheet, status=400)
    except RoundConflictError as error:
        sheet.mark_conflict()
        messages.error(request, error.messages[0])
        # Saving again now is a deliberate overwrite: the user has seen what is stored.
        post = request.POST.copy()
        post["version"] = str(rnd.version if rnd else 0)
        header = SheetHeaderForm(post)
        header.is_valid()
        return SheetDraft(header, sheet, status=409)
    except ValidationError as error:
        messages.error(request, error.messages[0])
        return SheetDraft(header, sheet, status=400)
    text = (
        _("Jimpitan malam %(rt)s sudah tersimpan.")
        if result.already_saved
        else _("Jimpitan malam %(rt)s disimpan: %(total)s dari %(paid)d rumah.")
    )
    messages.success(
        request, text % {"rt": rt, "total": format_rupiah(result.round.total), "paid": result.round.households_paid}
    )
    return redirect(sheet_url(evening, rt))


def _covered(evening) -> dict[int, str]:
    """{household id: "ahead" or "caught_up"} of the houses whose `evening` a catch-up paid. One query."""
    return {
        hid: "ahead" if cover.is_ahead(evening) else "caught_up"
        for (hid, _evening), cover in covered_evenings(evenings=[evening]).items()
    }


def _render_sheet(request: HttpRequest, context: dict, *, rnd: Round | None, draft: SheetDraft) -> HttpResponse:
    # Read only now that the page is shown: a save that succeeds has redirected without them.
    households = (
        draft.households
        if draft.households is not None
        else sheet_households(context["rt"], rnd, evening=context["evening"])
    )
    stored = round_contributions(rnd)
    profile = KampungProfile.load()
    if context["rts"] is None:
        context["rts"] = list(RT.objects.all())
    lines = draft.sheet.lines(households, stored, _covered(context["evening"]))
    totals = Sheet.totals(lines)
    header = draft.header
    if header.is_bound:
        counted = getattr(header, "cleaned_data", {}).get("counted_cash")
    else:
        counted = rnd.counted_cash if rnd else None
    context.update(
        {
            "round": rnd,
            "rows": lines,
            "totals": totals,
            "difference": None if counted is None else counted - totals.total,
            "header": header,
            "quick_amounts": profile.quick_amount_list() if profile else DEFAULT_QUICK_AMOUNTS,
            "state_choices": ContributionState.choices,
            "state_rule": STATE_RULE,
            "conflict": draft.sheet.conflict,
            "total_only": bool(rnd and rnd.is_total_only),
        }
    )
    return render(request, "nightly/sheet.html", context, status=draft.status)


@login_required
@permission_required("nightly.view_round", raise_exception=True)
def sheet(request: HttpRequest) -> HttpResponse:
    picker, evening, rt = _picker(request)
    # The RT list is for the page; a successful save only redirects, so a POST for an RT skips it.
    rts = list(RT.objects.all()) if rt is None or request.method != "POST" else None
    if rt is None and rts and request.method == "GET" and "rt" not in request.GET and len(rts) == 1:
        rt = rts[0]
    context = {
        "picker": picker,
        "evening": evening,
        "rt": rt,
        "rts": rts,
        "evening_label": evening_label(evening),
        "today": evening_of(),
    }
    if rt is None:
        return render(request, "nightly/sheet.html", context)

    rnd = Round.objects.filter(rt=rt, evening=evening).first()
    read_only = _read_only_reason(request, evening, rnd)
    if request.method == "POST" and read_only:
        raise PermissionDenied(read_only)
    context["read_only"] = read_only

    if request.method == "POST":
        outcome = _post_sheet(request, rt=rt, evening=evening, rnd=rnd)
        if isinstance(outcome, HttpResponse):
            return outcome
        draft = outcome
    else:
        draft = SheetDraft(_stored_header(rnd), Sheet())
    return _render_sheet(request, context, rnd=rnd, draft=draft)


@login_required
@permission_required("nightly.view_round", raise_exception=True)
def total_only(request: HttpRequest) -> HttpResponse:
    """Record only a round's total, for a night without a per-household record."""
    picker, evening, rt = _picker(request)
    if rt is None:
        return redirect("nightly:sheet")
    rnd = Round.objects.filter(rt=rt, evening=evening).first()
    read_only = _read_only_reason(request, evening, rnd)
    if request.method == "POST" and read_only:
        raise PermissionDenied(read_only)
    initial = {"version": rnd.version if rnd else 0}
    if rnd and rnd.is_total_only:
        initial.update(total=rnd.total, counted_cash=rnd.counted_cash, collectors=rnd.collectors, notes=rnd.notes)
    form = TotalOnlyForm(request.POST if request.method == "POST" else None, initial=initial)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            data = form.cleaned_data
            try:
                save_total_only_round(
                    rt=rt,
                    evening=evening,
                    user=request.user,
                    version=data["version"],
                    total=data["total"],
                    counted_cash=data["counted_cash"],
                    collectors=data["collectors"],
                    notes=data["notes"],
                )
            except RoundConflictError as error:
                form.add_error(None, error.messages[0])
                status = 409
            except ValidationError as error:
                # A refused amount is shown next to the total; a refused evening above the form.
                form.add_error("total" if error.code in ("cap", "negative") else None, error.messages[0])
            else:
                messages.success(request, _("Total jimpitan malam %(rt)s disimpan.") % {"rt": rt})
                return redirect(reverse("nightly:round_list"))
    return render(
        request,
        "nightly/total_only.html",
        {
            "form": form,
            "rt": rt,
            "evening": evening,
            "evening_label": evening_label(evening),
            "read_only": read_only,
            "round": rnd,
        },
        status=status,
    )
