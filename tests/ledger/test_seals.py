"""The seal of a closed month: published text, SHA-256 chain, shown on `/` and on the month's PDF, re-proved by
check_ledger, which names the first month that no longer matches."""

from __future__ import annotations

import datetime as dt
import io
import shutil
import subprocess

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from pypdf import PdfReader

from ledger.models import MonthClosing, MonthReopening
from ledger.services import close_month, reopen_month
from reports import data
from reports.pdf import build_pdf
from spending.models import Expense
from tests.ledger.factories import save_round
from tests.nightly.factories import make_rt
from tests.spending.factories import expense, income

pytestmark = pytest.mark.django_db

JAN, FEB = dt.date(2026, 1, 1), dt.date(2026, 2, 1)
TODAY = dt.date(2026, 3, 10)


@pytest.fixture
def sealed(bendahara, kampung):
    rt, households = make_rt(households=3)
    save_round(rt, households, dt.date(2026, 1, 5), bendahara, amount=1000)
    income(dt.date(2026, 1, 8), 200_000)
    expense(dt.date(2026, 1, 12), 45_000, description="Senter ronda\n2 buah")
    expense(dt.date(2026, 2, 3), 10_000, description="Baterai")
    close_month(JAN, bendahara, today=TODAY)
    close_month(FEB, bendahara, today=TODAY)
    return {c.month: c for c in MonthClosing.objects.all()}


def test_the_published_text_gives_the_seal_with_sha256sum(client, sealed):
    jan = sealed[JAN]
    response = client.get("/segel/2026-01.txt")
    assert response.status_code == 200 and response["Content-Type"] == "text/plain; charset=utf-8"
    assert response.content == jan.sealed_text.encode("utf-8")
    if shutil.which("sha256sum"):
        out = subprocess.run(["sha256sum"], input=response.content, capture_output=True, check=True).stdout
        assert out.decode().split()[0] == jan.seal
    lines = jan.sealed_text.splitlines()
    assert lines[:3] == ["segel-buku-jimpitan 1", "bulan 2026-01", "saldo_awal 0"]
    assert "expenses 2026-01-12 45000 Senter ronda 2 buah" in lines  # one line per record, whatever was typed
    assert lines[-2:] == ["saldo_akhir 158000", "segel_sebelumnya -"]


def test_each_seal_names_the_one_before(sealed):
    assert sealed[FEB].sealed_text.endswith(f"segel_sebelumnya {sealed[JAN].seal}\n")
    assert len(sealed[JAN].seal) == 64 and sealed[JAN].short_seal == f"{sealed[JAN].seal[:5]}-{sealed[JAN].seal[5:10]}"


def test_an_open_month_or_a_bad_month_has_no_seal_text(client, sealed):
    assert client.get("/segel/2026-03.txt").status_code == 404
    assert client.get("/segel/2026-13.txt").status_code == 404


def test_the_public_page_and_the_pdf_show_the_latest_seal(client, sealed):
    page = client.get("/").content.decode()
    assert sealed[FEB].short_seal in page and "/segel/2026-02.txt" in page and "sha256sum" in page
    pages = PdfReader(io.BytesIO(build_pdf(data.build(JAN)))).pages
    text = "".join(page.extract_text() for page in pages).replace("\n", "")  # the path may wrap at a slash
    assert sealed[JAN].short_seal in text and "/segel/2026-01.txt" in text


def _tamper_with_a_closed_expense(description: str) -> None:
    """What someone with the database file could do: go round the closed-month triggers."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("DROP TRIGGER spending_expense_closed_update")
        else:
            cursor.execute("SET LOCAL session_replication_role = replica")  # triggers off, this transaction only
        cursor.execute("UPDATE spending_expense SET description = %s WHERE spent_on = %s", [description, "2026-01-12"])


def test_check_ledger_names_the_first_month_whose_seal_breaks(sealed, capsys):
    call_command("check_ledger")
    _tamper_with_a_closed_expense("Senter ronda 3 buah")  # same money: only the seal can tell
    with pytest.raises(CommandError):
        call_command("check_ledger")
    err = capsys.readouterr().err
    assert "Segel bulan 2026-01" in err and "2026-02" not in err
    assert "saldo akhir" not in err  # the closing balances still agree


def test_a_reopened_month_keeps_its_old_seal_and_gets_a_new_one(sealed, bendahara, superuser):
    old = sealed[FEB].seal
    reopen_month(FEB, superuser, "Nota baterai salah")
    assert MonthReopening.objects.get().previous_seal == old
    Expense.objects.filter(spent_on=dt.date(2026, 2, 3)).update(amount=12_000)
    new = close_month(FEB, bendahara, today=TODAY)
    assert new.seal and new.seal != old
    call_command("check_ledger")
