"""Receipts (kuitansi) as PDF, for the Bendahara and the Pokja: a document's readers (its view permission, which
the petugas role lacks; residents have no account)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required, permission_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404

from nightly.models import CatchUp, Handover
from nightly.selectors import catch_up_summaries
from reports import receipts
from spending.models import OtherIncome


def _pdf(receipt: receipts.Receipt) -> HttpResponse:
    response = HttpResponse(receipts.build_pdf(receipt), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{receipt.filename}"'
    return response


@login_required
@permission_required("spending.view_otherincome", raise_exception=True)
def income_receipt(request: HttpRequest, pk: int) -> HttpResponse:
    income = get_object_or_404(OtherIncome.objects.select_related("project"), pk=pk)
    return _pdf(receipts.income_receipt(income))


@login_required
@permission_required("nightly.view_handover", raise_exception=True)
def handover_receipt(request: HttpRequest, pk: int) -> HttpResponse:
    handover = get_object_or_404(Handover.objects.select_related("handed_by"), pk=pk)
    return _pdf(receipts.handover_receipt(handover))


@login_required
@permission_required("nightly.view_catchup", raise_exception=True)
def catch_up_receipt(request: HttpRequest, pk: int) -> HttpResponse:
    summaries = catch_up_summaries(CatchUp.objects.filter(pk=pk))
    if not summaries:
        raise Http404
    return _pdf(receipts.catch_up_receipt(summaries[0]))
