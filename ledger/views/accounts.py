"""The Bendahara's and the Pokja's page of the kampung's accounts: where the money is, now."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required, permission_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from ledger import selectors


@login_required
@permission_required("ledger.view_account", raise_exception=True)
def account_list(request: HttpRequest) -> HttpResponse:
    rows = selectors.account_balances()
    checks = selectors.last_balance_checks()
    # Recorded money not yet on any account (the rounds the patrol still holds): with it, the accounts add up to
    # the cash book's balance.
    held = selectors.held_outside_accounts()
    return render(
        request,
        "ledger/accounts/account_list.html",
        {
            "rows": [
                {"account": row.account, "balance": row.balance, "check": checks.get(row.account.pk)} for row in rows
            ],
            "accounts_total": sum(row.balance for row in rows),
            "held": held,
            "total": sum(row.balance for row in rows) + held,
        },
    )
