"""Reads of spending and other income: per-project figures for the treasurer's and the public pages.
The kampung's cash balance is not computed here: it always comes from ledger.selectors."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, TypedDict

from django.db.models import BigIntegerField, OuterRef, Q, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce

from spending.models import Expense, OtherIncome, Project

if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations


def _sum_for_project(model) -> Coalesce:
    total = (
        model.objects.filter(project=OuterRef("pk"))
        .order_by()
        .values("project")
        .annotate(total=Sum("amount"))
        .values("total")
    )
    return Coalesce(Subquery(total, output_field=BigIntegerField()), Value(0), output_field=BigIntegerField())


class ProjectTotals(TypedDict):
    spent: int
    earmarked: int


def projects_with_totals(
    queryset: QuerySet[Project] | None = None,
) -> QuerySet[WithAnnotations[Project, ProjectTotals]]:
    """Projects annotated with `spent` (their expenses) and `earmarked` (income given for them), in one query."""
    queryset = Project.objects.all() if queryset is None else queryset
    return queryset.annotate(spent=_sum_for_project(Expense), earmarked=_sum_for_project(OtherIncome))


@dataclass(frozen=True)
class ProjectProgress:
    project: Project
    spent: int
    earmarked_income: int

    @property
    def budget(self) -> int | None:
        return self.project.budget

    @property
    def percent(self) -> int | None:
        """Share of the budget spent, 0–100 for the bar; None without a budget.

        Rounded down, so a project reads 100 % only once its whole budget is spent.
        """
        if not self.budget:
            return None
        return min(100, (self.spent * 100) // self.budget)

    @property
    def over_budget(self) -> bool:
        return bool(self.budget) and self.spent > (self.budget or 0)


def progress_of(project: WithAnnotations[Project, ProjectTotals]) -> ProjectProgress:
    """The progress of a project from `projects_with_totals()`."""
    return ProjectProgress(project, int(project.spent), int(project.earmarked))


def project_progress(project_id: int | None = None) -> list[ProjectProgress]:
    """Every project (or one) with what was spent on it and the income given for it. One query."""
    projects = Project.objects.all() if project_id is None else Project.objects.filter(pk=project_id)
    return [progress_of(project) for project in projects_with_totals(projects)]


def recent_expenses(limit: int = 10) -> list[Expense]:
    """The latest expenses with their project (one query)."""
    return list(Expense.objects.select_related("project").order_by("-spent_on", "-id")[:limit])


def unapproved_expenses(day: dt.date) -> list[Expense]:
    """The expenses spent by the end of `day` that no Pokja member had approved by then (approved later, or not
    yet), oldest first, with their project and who recorded them. One query."""
    approved_by_then = Q(approved_by__isnull=False, approved_at__date__lte=day)
    return list(
        Expense.objects.filter(spent_on__lte=day)
        .exclude(approved_by_then)
        .select_related("project", "recorded_by")
        .order_by("spent_on", "id")
    )


def project_expenses(project_id: int) -> QuerySet[Expense]:
    return (
        Expense.objects.filter(project_id=project_id)
        .select_related("recorded_by", "approved_by")
        .order_by("-spent_on", "-id")
    )


def project_incomes(project: Project) -> QuerySet[OtherIncome]:
    return project.incomes.order_by("-received_on", "-id")
