"""Treasurer pages for spending, other income and projects, plus the receipt file views."""

from spending.views.expenses import (
    expense_approve,
    expense_create,
    expense_delete,
    expense_detail,
    expense_edit,
    expense_list,
)
from spending.views.incomes import income_create, income_delete, income_edit, income_list
from spending.views.projects import project_cover, project_create, project_detail, project_edit, project_list
from spending.views.receipts import receipt, receipt_thumbnail

__all__ = [
    "expense_approve",
    "expense_create",
    "expense_delete",
    "expense_detail",
    "expense_edit",
    "expense_list",
    "income_create",
    "income_delete",
    "income_edit",
    "income_list",
    "project_cover",
    "project_create",
    "project_detail",
    "project_edit",
    "project_list",
    "receipt",
    "receipt_thumbnail",
]
