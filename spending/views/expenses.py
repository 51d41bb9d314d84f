from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ledger.guards import closed_month_notice
from spending import services
from spending.filters import ExpenseFilter
from spending.forms import ExpenseForm
from spending.models import Expense
from spending.tables import ExpenseTable
from spending.views.common import delete_page, list_page

AMOUNT_ERRORS = ("insufficient_balance",)


@login_required
@permission_required("spending.view_expense", raise_exception=True)
def expense_list(request: HttpRequest) -> HttpResponse:
    queryset = Expense.objects.select_related("project", "approved_by")
    filterset = ExpenseFilter(request.GET or None, queryset=queryset)
    return list_page(
        request,
        filterset=filterset,
        table=ExpenseTable(filterset.qs),
        filename="pengeluaran",
        context={
            "title": _("Pengeluaran"),
            "add_url": "spending:expense_create" if request.user.has_perm("spending.add_expense") else None,
            "add_label": _("Catat pengeluaran"),
        },
    )


def _save(request: HttpRequest, form: ExpenseForm) -> Expense | None:
    """Run the service; a refusal becomes a message next to the field, the typed input stays."""
    if not form.is_valid():
        return None
    expense = form.save(commit=False)
    try:
        return services.save_expense(expense, user=request.user, receipt=form.cleaned_data.get("receipt_file"))
    except ValidationError as error:
        field = "amount" if getattr(error, "code", None) in AMOUNT_ERRORS else "spent_on"
        form.add_error(field, error)
        return None


@login_required
@permission_required("spending.add_expense", raise_exception=True)
def expense_create(request: HttpRequest) -> HttpResponse:
    initial = {}
    if request.GET.get("program", "").isdigit():
        initial["project"] = int(request.GET["program"])
    form = ExpenseForm(request.POST if request.method == "POST" else None, request.FILES or None, initial=initial)
    if request.method == "POST" and (expense := _save(request, form)):
        messages.success(request, _("Pengeluaran dicatat: %(what)s.") % {"what": expense.description})
        if expense.project_id:
            return redirect("spending:project_detail", pk=expense.project_id)
        return redirect("spending:expense_list")
    return render(request, "spending/expense_form.html", {"form": form, "title": _("Catat pengeluaran")})


@login_required
@permission_required("spending.view_expense", raise_exception=True)
def expense_detail(request: HttpRequest, pk: int) -> HttpResponse:
    expense = get_object_or_404(Expense.objects.select_related("project", "recorded_by", "approved_by"), pk=pk)
    closed = closed_month_notice(expense.spent_on)
    return render(
        request,
        "spending/expense_detail.html",
        {
            "expense": expense,
            "closed_month": closed,
            "can_approve": not closed and services.can_approve(expense, request.user),
        },
    )


@login_required
@permission_required("spending.change_expense", raise_exception=True)
def expense_edit(request: HttpRequest, pk: int) -> HttpResponse:
    expense = get_object_or_404(Expense, pk=pk)
    # From the stored date: binding the form moves the instance to the typed one.
    closed = closed_month_notice(expense.spent_on)
    form = ExpenseForm(request.POST if request.method == "POST" else None, request.FILES or None, instance=expense)
    if closed:  # shown for reading; a POST is still refused by the service
        for field in form.fields.values():
            field.disabled = True
    if request.method == "POST" and _save(request, form):
        messages.success(request, _("Pengeluaran disimpan."))
        return redirect("spending:expense_detail", pk=pk)
    return render(
        request,
        "spending/expense_form.html",
        {"form": form, "expense": expense, "title": _("Ubah pengeluaran"), "closed_month": closed},
    )


@login_required
@permission_required("spending.delete_expense", raise_exception=True)
def expense_delete(request: HttpRequest, pk: int) -> HttpResponse:
    expense = get_object_or_404(Expense, pk=pk)
    return delete_page(
        request,
        expense,
        delete=services.delete_expense,
        deleted_message=_("Pengeluaran dihapus."),
        done_url="spending:expense_list",
        title=_("Hapus pengeluaran"),
        warning=_("Pengeluaran ini dan notanya akan dihapus. Saldo kas bertambah kembali sebesar jumlahnya."),
        cancel_url=reverse("spending:expense_detail", args=[pk]),
        closed_month=closed_month_notice(expense.spent_on),
    )


@login_required
@require_POST
@permission_required("spending.approve_expense", raise_exception=True)
def expense_approve(request: HttpRequest, pk: int) -> HttpResponse:
    expense = get_object_or_404(Expense, pk=pk)
    try:
        services.approve_expense(expense, request.user)
    except ValidationError as error:
        messages.error(request, error.messages[0])
    else:
        messages.success(request, _("Pengeluaran disetujui."))
    return redirect("spending:expense_detail", pk=pk)
