"""Per-project figures for the programme pages. The kampung's cash balance is not computed here:
it always comes from ledger.selectors."""

from __future__ import annotations

from django.db.models import BigIntegerField, OuterRef, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce

from spending.models import Expense, OtherIncome, Project


def _sum_for_project(model) -> Coalesce:
    total = (
        model.objects.filter(project=OuterRef("pk"))
        .order_by()
        .values("project")
        .annotate(total=Sum("amount"))
        .values("total")
    )
    return Coalesce(Subquery(total, output_field=BigIntegerField()), Value(0), output_field=BigIntegerField())


def projects_with_totals(queryset: QuerySet[Project] | None = None) -> QuerySet[Project]:
    """Projects annotated with `spent` (their expenses) and `earmarked` (income given for them), in one query."""
    queryset = Project.objects.all() if queryset is None else queryset
    return queryset.annotate(spent=_sum_for_project(Expense), earmarked=_sum_for_project(OtherIncome))


def progress_percent(project: Project) -> int | None:
    """How much of the budget has been spent, 0–100 (None without a budget)."""
    if not project.budget:
        return None
    return min(100, (int(project.spent) * 100) // project.budget)


def project_expenses(project: Project) -> QuerySet[Expense]:
    return project.expenses.select_related("recorded_by", "approved_by").order_by("-spent_on", "-id")


def project_incomes(project: Project) -> QuerySet[OtherIncome]:
    return project.incomes.order_by("-received_on", "-id")
