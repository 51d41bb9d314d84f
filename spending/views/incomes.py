from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from ledger.guards import closed_month_notice
from spending import services
from spending.filters import OtherIncomeFilter
from spending.forms import OtherIncomeForm
from spending.models import OtherIncome
from spending.tables import OtherIncomeTable
from spending.views.common import delete_page, list_page


@login_required
@permission_required("spending.view_otherincome", raise_exception=True)
def income_list(request: HttpRequest) -> HttpResponse:
    filterset = OtherIncomeFilter(request.GET or None, queryset=OtherIncome.objects.select_related("project"))
    table = OtherIncomeTable(filterset.qs)
    table.can_change = request.user.has_perm("spending.change_otherincome")
    return list_page(
        request,
        filterset=filterset,
        table=table,
        filename="pemasukan-lain",
        context={
            "title": _("Pemasukan lain"),
            "add_url": "spending:income_create" if request.user.has_perm("spending.add_otherincome") else None,
            "add_label": _("Catat pemasukan lain"),
        },
    )


def _save(request: HttpRequest, form: OtherIncomeForm) -> OtherIncome | None:
    if not form.is_valid():
        return None
    try:
        return services.save_other_income(form.save(commit=False), user=request.user)
    except ValidationError as error:
        form.add_error("amount" if error.code == "insufficient_balance" else "received_on", error)
        return None


@login_required
@permission_required("spending.add_otherincome", raise_exception=True)
def income_create(request: HttpRequest) -> HttpResponse:
    form = OtherIncomeForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and (income := _save(request, form)):
        messages.success(request, _("Pemasukan lain dicatat: %(what)s.") % {"what": income.description})
        return redirect("spending:income_list")
    return render(request, "spending/income_form.html", {"form": form, "title": _("Catat pemasukan lain")})


@login_required
@permission_required("spending.change_otherincome", raise_exception=True)
def income_edit(request: HttpRequest, pk: int) -> HttpResponse:
    income = get_object_or_404(OtherIncome, pk=pk)
    # From the stored date: binding the form moves the instance to the typed one.
    closed = closed_month_notice(income.received_on)
    form = OtherIncomeForm(request.POST if request.method == "POST" else None, instance=income)
    if closed:  # shown for reading; a POST is still refused by the service
        for field in form.fields.values():
            field.disabled = True
    if request.method == "POST" and _save(request, form):
        messages.success(request, _("Pemasukan lain disimpan."))
        return redirect("spending:income_list")
    return render(
        request,
        "spending/income_form.html",
        {"form": form, "income": income, "title": _("Ubah pemasukan lain"), "closed_month": closed},
    )


@login_required
@permission_required("spending.delete_otherincome", raise_exception=True)
def income_delete(request: HttpRequest, pk: int) -> HttpResponse:
    income = get_object_or_404(OtherIncome, pk=pk)
    return delete_page(
        request,
        income,
        delete=services.delete_other_income,
        deleted_message=_("Pemasukan lain dihapus."),
        done_url="spending:income_list",
        title=_("Hapus pemasukan lain"),
        warning=_("Pemasukan ini akan dihapus dan saldo kas berkurang sebesar jumlahnya."),
        cancel_url=reverse("spending:income_edit", args=[pk]),
        closed_month=closed_month_notice(income.received_on),
    )
