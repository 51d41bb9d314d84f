"""The benchmark cases and floors. Imported after django.setup() by bench/run.py."""

from __future__ import annotations

import datetime as dt
import io
import json
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.test import Client
from django.urls import reverse
from django_scopes import scopes_disabled

from bench import common
from bench.htmlform import biggest_post_form, fill, post_kwargs
from bench.run import Case
from households.models import RT, Household, HouseholdStatus
from jimpitan.lib.evening import evening_of
from jimpitan.lib.months import month_start
from jimpitan.models import Kampung, KampungProfile
from jimpitan.tenancy import FIRST_KAMPUNG_ID
from ledger.models import Account, BalanceCheck, MonthClosing, Transfer
from ledger.selectors import account_months, where_the_money_is
from nightly.models import Contribution, Round
from public.cache import invalidate_public_figures

JAKARTA = ZoneInfo("Asia/Jakarta")


def expect(response, *statuses: int):
    if response.status_code not in statuses:
        raise RuntimeError(f"{response.request['PATH_INFO']} answered {response.status_code}, expected {statuses}")
    return response


@dataclass
class Context:
    anonymous: Client
    treasurer: Client
    treasurer_user: object
    bench_rt: RT
    sheet_evening: dt.date
    floor_evening: dt.date
    report_month: dt.date
    household: Household

    @classmethod
    def create(cls) -> Context:
        user = get_user_model().objects.get(username="bendahara")
        treasurer = Client()
        treasurer.force_login(user)
        today = evening_of()
        last_round = Round.objects.order_by("-evening").values_list("evening", flat=True).first() or today
        household = (
            Household.objects.filter(status=HouseholdStatus.ACTIVE, rt__number=1).order_by("route_position").first()
        )
        return cls(
            anonymous=Client(),
            treasurer=treasurer,
            treasurer_user=user,
            bench_rt=RT.objects.get(number=common.BENCH_RT_NUMBER),
            sheet_evening=today,
            floor_evening=today - dt.timedelta(days=1),
            # The last full month of seeded rounds: a typical monthly report.
            report_month=month_start(month_start(last_round) - dt.timedelta(days=1)),
            household=household,
        )

    def dataset(self) -> dict:
        return {
            "households": Household.objects.exclude(rt=self.bench_rt).count(),
            "months": common.MONTHS,
            "contributions": Contribution.objects.count(),
            "rounds": Round.objects.count(),
            "sheet_rt_households": Household.objects.filter(rt=self.bench_rt).count(),
            # Where the money is: the demo's Kas tunai, bank and cash box, a deposit and a bank match each month.
            "accounts": Account.objects.count(),
            "transfers": Transfer.objects.count(),
            "balance_checks": BalanceCheck.objects.count(),
            "transfer_months": len(
                {day.replace(day=1) for day in Transfer.objects.values_list("transfer_date", flat=True)}
            ),
        }


def _nothing() -> None:
    return None


def get(client: Client, url: str, *statuses: int) -> Callable[[], object]:
    return lambda: expect(client.get(url), *(statuses or (200,)))


# --- pages ----------------------------------------------------------------------------------------


def trivial_view(ctx: Context):
    return _nothing, get(ctx.anonymous, reverse("ping"))


def ledger_public_uncached(ctx: Context):
    return invalidate_public_figures, get(ctx.anonymous, reverse("public_ledger"))


def ledger_public_cached(ctx: Context):
    return _nothing, get(ctx.anonymous, reverse("public_ledger"))


def _sheet_url(ctx: Context) -> str:
    url = reverse("nightly:sheet")
    return f"{url}?malam={ctx.sheet_evening.isoformat()}&rt={ctx.bench_rt.pk}"


def sheet_get_500(ctx: Context):
    return _nothing, get(ctx.treasurer, _sheet_url(ctx))


def sheet_get_saved(ctx: Context):
    """Reopening yesterday's saved round of RT 01, whose households have five years of rows behind them."""
    rt = RT.objects.get(number=1)
    evening = Round.objects.filter(rt=rt, is_total_only=False).order_by("-evening").values_list("evening", flat=True)[0]
    url = reverse("nightly:sheet")
    return _nothing, get(ctx.treasurer, f"{url}?malam={evening.isoformat()}&rt={rt.pk}")


def sheet_post_500(ctx: Context):
    url = _sheet_url(ctx)
    state = {"data": None, "n": 0}

    def prepare() -> None:
        # Each save follows a fresh GET, as on the phone: the form carries the round's current version.
        form = biggest_post_form(expect(ctx.treasurer.get(url), 200).content.decode())
        if form is None:
            raise RuntimeError("the sheet has no POST form")
        state["n"] += 1
        # Alternate amounts so that every save really changes all 500 rows.
        # Sent urlencoded, as the phone's browser sends this form (it has no enctype).
        state["post"] = post_kwargs(form, fill(form["fields"], "500" if state["n"] % 2 else "200"))
        state["action"] = form["action"] or url

    def run() -> object:
        response = expect(ctx.treasurer.post(state["action"], **state["post"]), 302, 303)
        return response

    prepare()
    run()
    saved = Round.objects.get(rt=ctx.bench_rt, evening=ctx.sheet_evening)
    if saved.households_listed != common.BENCH_RT_SIZE:
        raise RuntimeError(f"the sheet saved {saved.households_listed} rows, not {common.BENCH_RT_SIZE}")
    return prepare, run


def keliling_sync_500(ctx: Context):
    """The phone's queue for the 500-house RT sent in one request (as two phones' worth of taps would be): every
    house tapped again, a second later and with the other amount, so each sync updates all 500 rows. Compare
    with sheet_post_500, the same rows saved from the treasurer's sheet."""
    evening = ctx.sheet_evening - dt.timedelta(days=2)
    codes = list(
        Household.objects.filter(rt=ctx.bench_rt).active().in_route_order().values_list("private_code", flat=True)
    )
    url = reverse("keliling:sync")
    state = {"n": 0, "body": ""}

    def prepare() -> None:
        state["n"] += 1
        captured = dt.datetime.combine(evening, dt.time(19), tzinfo=JAKARTA) + dt.timedelta(seconds=state["n"])
        amount = 500 if state["n"] % 2 else 200
        records = [
            {
                "id": str(uuid.uuid4()),
                "household": code,
                "state": "dibayar",
                "amount": amount,
                "captured_at": captured.isoformat(),
            }
            for code in codes
        ]
        state["body"] = json.dumps({"records": records})

    def run() -> object:
        response = expect(ctx.treasurer.post(url, state["body"], content_type="application/json"), 200)
        statuses = {answer["status"] for answer in response.json()["results"]}
        if statuses != {"saved"}:
            raise RuntimeError(f"the sync answered {statuses}")
        return response

    prepare()
    run()
    return prepare, run


def rounds_list(ctx: Context):
    month = ctx.report_month
    url = reverse("nightly:round_list")
    return _nothing, get(ctx.treasurer, f"{url}?bulan={month:%Y-%m}")


def household_page(ctx: Context):
    """A household's own page rebuilt, as after any save (every money write changes the cache version)."""
    return invalidate_public_figures, get(ctx.anonymous, reverse("household_page", args=[ctx.household.private_code]))


def household_page_cached(ctx: Context):
    return _nothing, get(ctx.anonymous, reverse("household_page", args=[ctx.household.private_code]))


def _report_url(fmt: str, month: dt.date) -> str:
    return reverse("reports:download", args=[f"{month:%Y-%m}", fmt])


def export_xlsx_month(ctx: Context):
    """The Pokja's monthly workbook (summary, evenings per RT, a 500-household x 31-evening grid, spending)."""
    return _nothing, get(ctx.treasurer, _report_url("xlsx", ctx.report_month))


def export_pdf_month(ctx: Context):
    return _nothing, get(ctx.treasurer, _report_url("pdf", ctx.report_month))


def report_page_month(ctx: Context):
    """The treasurer's monthly report page: the cash book, the per-account table (3 accounts), recaps and audit."""
    return _nothing, get(ctx.treasurer, reverse("reports:month", args=[f"{ctx.report_month:%Y-%m}"]))


def where_money_figures(ctx: Context):
    """`/`'s "where the money is" alone: every account's balance and last bank match in one query."""
    profile = KampungProfile.load()
    return _nothing, lambda: where_the_money_is(profile)


def account_months_report(ctx: Context):
    """The report's per-account table alone (accounts, one query per cash source, two for transfers)."""
    profile = KampungProfile.load()
    return _nothing, lambda: account_months(ctx.report_month, profile)


def import_file(rows: int, rt_numbers: list[int], batch: int) -> bytes:
    """A household file of `rows` new households, in the template's columns, as a treasurer would save it."""
    lines = ["RT,Nomor rumah/alamat,Kepala keluarga,Nomor HP/WhatsApp,Jumlah biasa"]
    for n in range(rows):
        rt = rt_numbers[n % len(rt_numbers)]
        lines.append(f"{rt},Blok Y{batch}-{n // 40 + 1} No. {n % 40 + 1},Warga Impor {batch}-{n},+62812{n:08d},500")
    return ("\n".join(lines) + "\n").encode()


def import_1000(ctx: Context):
    """Upload 1,000 new households, read the preview, then confirm it: the two requests are timed together."""
    upload_url = reverse("households:import")
    rts = list(RT.objects.exclude(pk=ctx.bench_rt.pk).values_list("number", flat=True))
    state = {"batch": 0, "payload": b""}

    def prepare() -> None:
        state["batch"] += 1
        state["payload"] = import_file(1000, rts, state["batch"])

    def run() -> object:
        upload = io.BytesIO(state["payload"])
        upload.name = "daftar-rumah.csv"
        preview = expect(ctx.treasurer.post(upload_url, {"file": upload}), 200)
        form = biggest_post_form(preview.content.decode(), having="token")
        if form is None:
            raise RuntimeError("the import preview offers no confirm form (did a row fail?)")
        return expect(ctx.treasurer.post(form["action"], dict(form["fields"])), 302, 303)

    before = Household.objects.count()
    prepare()
    run()
    if Household.objects.count() != before + 1000:
        raise RuntimeError("the import did not create 1,000 households")
    return prepare, run


# --- floors ---------------------------------------------------------------------------------------


def _table(model) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def sql_floor_ledger(ctx: Context):
    """The public figures straight from the raw rows: balance, this month's and each month's income and
    spending, and this month per RT. One cursor, no ORM, no template."""
    from spending.models import Expense, OtherIncome

    c, r, h = _table(Contribution), _table(Round), _table(Household)
    e, o = _table(Expense), _table(OtherIncome)
    month = month_start(ctx.sheet_evening).isoformat()
    # Each row's kampung, as every query of the app names it: without it, the month per RT read every
    # household's history through the household index (3.1 s instead of a range of the (kampung, evening) index).
    k = f"kampung_id = {FIRST_KAMPUNG_ID}"
    statements = [
        f"SELECT COALESCE(SUM(amount), 0) FROM {c} WHERE {k}",
        f"SELECT COALESCE(SUM(total), 0) FROM {r} WHERE {k} AND is_total_only",
        f"SELECT COALESCE(SUM(amount), 0) FROM {o} WHERE {k}",
        f"SELECT COALESCE(SUM(amount), 0) FROM {e} WHERE {k}",
        f"SELECT substr(evening, 1, 7), SUM(amount) FROM {c} WHERE {k} GROUP BY 1",
        f"SELECT substr(received_on, 1, 7), SUM(amount) FROM {o} WHERE {k} GROUP BY 1",
        f"SELECT substr(spent_on, 1, 7), SUM(amount) FROM {e} WHERE {k} GROUP BY 1",
        f"SELECT hh.rt_id, SUM(c.amount) FROM {c} c JOIN {h} hh ON hh.id = c.household_id "
        f"WHERE c.{k} AND c.evening >= '{month}' GROUP BY hh.rt_id",
    ]

    def run() -> None:
        with connection.cursor() as cursor:
            for sql in statements:
                cursor.execute(sql)
                cursor.fetchall()

    return _nothing, run


def sql_floor_sheet_post(ctx: Context):
    """One executemany of the same 500 rows (an upsert of each household's row) in one transaction."""
    households = list(Household.objects.filter(rt=ctx.bench_rt).values_list("pk", flat=True))
    evening = ctx.floor_evening
    floor_round = Round.objects.create(rt=ctx.bench_rt, evening=evening, total=0)
    c = _table(Contribution)
    sql = (
        f"INSERT INTO {c} (kampung_id, round_id, household_id, evening, amount, state, note) "
        "VALUES (%s, %s, %s, %s, %s, %s, %s) "
        "ON CONFLICT (kampung_id, household_id, evening) DO UPDATE SET amount = excluded.amount, state = excluded.state"
    )
    day = connection.ops.adapt_datefield_value(evening)
    state = {"n": 0}

    def run() -> None:
        state["n"] += 1
        amount = 500 if state["n"] % 2 else 200
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.executemany(
                sql, [(floor_round.kampung_id, floor_round.pk, pk, day, amount, "dibayar", "") for pk in households]
            )

    return _nothing, run


def sql_floor_sheet_post_with_history(ctx: Context):
    """The work a sheet save must do, in plain SQL: the 500 rows upserted with one executemany and their 500
    history rows (simple-history's table: who, when, what) inserted with one more, in one transaction."""
    households = list(Household.objects.filter(rt=ctx.bench_rt).values_list("pk", flat=True))
    # An evening of its own: the day before is keliling_sync_500's.
    evening = ctx.floor_evening - dt.timedelta(days=2)
    floor_round = Round.objects.create(rt=ctx.bench_rt, evening=evening, total=0)
    c, history = _table(Contribution), Contribution.history.model
    upsert = (
        f"INSERT INTO {c} (kampung_id, round_id, household_id, evening, amount, state, note) "
        "VALUES (%s, %s, %s, %s, %s, %s, %s) "
        "ON CONFLICT (kampung_id, household_id, evening) DO UPDATE SET amount = excluded.amount, state = excluded.state"
    )
    columns = "id, kampung_id, round_id, household_id, evening, amount, state, note, history_date, "
    insert_history = (
        f"INSERT INTO {_table(history)} ({columns}history_change_reason, history_type, history_user_id) "
        "VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)"
    )
    day = connection.ops.adapt_datefield_value(evening)
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.executemany(
            upsert, [(floor_round.kampung_id, floor_round.pk, pk, day, 200, "dibayar", "") for pk in households]
        )
    # The rows' ids, known to the app from its read of the stored rows before it writes.
    ids = dict(Contribution.objects.filter(round=floor_round).values_list("household_id", "pk"))
    date_field = history._meta.get_field("history_date")
    state = {"n": 0}

    def run() -> None:
        state["n"] += 1
        amount = 500 if state["n"] % 2 else 200
        now = date_field.get_db_prep_save(dt.datetime.now(dt.UTC), connection)
        user_id = ctx.treasurer_user.pk
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.executemany(
                upsert, [(floor_round.kampung_id, floor_round.pk, pk, day, amount, "dibayar", "") for pk in households]
            )
            cursor.executemany(
                insert_history,
                [
                    (
                        ids[pk],
                        floor_round.kampung_id,
                        floor_round.pk,
                        pk,
                        day,
                        amount,
                        "dibayar",
                        "",
                        now,
                        "",
                        "~",
                        user_id,
                    )
                    for pk in households
                ],
            )

    return _nothing, run


def xlsx_floor(ctx: Context):
    """openpyxl writing a 500 x 31 grid of numbers, no formatting: what any month grid export must pay."""
    from openpyxl import Workbook

    grid = [[(row * 31 + col) % 1000 + 100 for col in range(31)] for row in range(500)]

    def run() -> bytes:
        workbook = Workbook()
        sheet = workbook.active
        for row in grid:
            sheet.append(row)
        out = io.BytesIO()
        workbook.save(out)
        return out.getvalue()

    return _nothing, run


def all_cases(ctx: Context) -> list[Case]:
    def case(fn, warmup: int = 3, repeats: int = 20) -> Case:
        return Case(fn.__name__, lambda: fn(ctx), warmup, repeats)

    return [
        case(trivial_view, 20, 200),
        case(sql_floor_ledger, 2, 10),
        case(ledger_public_uncached, 2, 10),
        case(ledger_public_cached, 5, 100),
        case(sql_floor_sheet_post, 3, 20),
        case(sql_floor_sheet_post_with_history, 3, 20),
        case(sheet_get_500, 2, 10),
        case(sheet_post_500, 2, 10),
        case(keliling_sync_500, 2, 10),
        case(sheet_get_saved, 1, 5),
        case(rounds_list, 2, 15),
        case(household_page, 3, 30),
        case(household_page_cached, 5, 100),
        case(xlsx_floor, 1, 5),
        case(export_xlsx_month, 1, 5),
        case(export_pdf_month, 1, 5),
        case(report_page_month, 1, 10),
        case(where_money_figures, 3, 30),
        case(account_months_report, 3, 30),
        case(import_1000, 0, 3),
    ]


# --- history growth: the same pages on 1 and on 10 years of rounds (bench/run.py runs them in a child process
# on each history database) -----------------------------------------------------------------------------------


@dataclass
class HistoryContext:
    anonymous: Client
    household: Household

    @classmethod
    def create(cls) -> HistoryContext:
        household = (
            Household.objects.filter(status=HouseholdStatus.ACTIVE, rt__number=1).order_by("route_position").first()
        )
        if household is None:
            raise RuntimeError("the history database has no active household in RT 01")
        return cls(anonymous=Client(), household=household)

    def dataset(self) -> dict:
        evenings = Round.objects.order_by("evening").values_list("evening", flat=True)
        first, last = evenings.first(), evenings.last()
        return {
            "households": Household.objects.count(),
            "rts": RT.objects.count(),
            "accounts": Account.objects.count(),
            "rounds": Round.objects.count(),
            "contributions": Contribution.objects.count(),
            "closed_months": MonthClosing.objects.count(),
            "first_evening": first.isoformat() if first else None,
            "last_evening": last.isoformat() if last else None,
        }


def history_ledger(ctx: HistoryContext):
    """`/` rebuilt (as ledger_public_uncached)."""
    return invalidate_public_figures, get(ctx.anonymous, reverse("public_ledger"))


def history_household(ctx: HistoryContext):
    """A household's page rebuilt (as household_page): RT 01's first house on the route."""
    return invalidate_public_figures, get(ctx.anonymous, reverse("household_page", args=[ctx.household.private_code]))


def history_cases(ctx: HistoryContext) -> list[Case]:
    return [
        Case("ledger", lambda: history_ledger(ctx), 3, 20),
        Case("household", lambda: history_household(ctx), 5, 40),
    ]


# --- many kampungs: kampung 1's pages on the 1-kampung and on the 100-kampung database (bench/tenants.py builds
# them; bench/run.py runs these in a child process on each, inside `activate(1)`) ----------------------------


@dataclass
class TenantsContext:
    anonymous: Client
    treasurer: Client
    bench_rt: RT
    sheet_evening: dt.date
    report_month: dt.date

    @classmethod
    def create(cls, kampung_id: int) -> TenantsContext:
        user = get_user_model().objects.get(username="bendahara")
        treasurer = Client()
        treasurer.force_login(user)
        rounds = Round.objects.filter(kampung_id=kampung_id).order_by("-evening").values_list("evening", flat=True)
        today = evening_of()
        last_round = rounds.first() or today
        return cls(
            anonymous=Client(),
            treasurer=treasurer,
            bench_rt=RT.objects.get(kampung_id=kampung_id, number=common.BENCH_RT_NUMBER),
            sheet_evening=today,
            report_month=month_start(month_start(last_round) - dt.timedelta(days=1)),
        )

    def dataset(self) -> dict:
        # The whole deployment's rows, not the active kampung's.
        with scopes_disabled():
            return {
                "kampungs": Kampung.objects.count(),
                "households": Household.objects.count(),
                "rounds": Round.objects.count(),
                "contributions": Contribution.objects.count(),
                "closed_months": MonthClosing.objects.count(),
                "kampung_1_households": Household.objects.filter(kampung_id=1).count(),
                "kampung_1_contributions": Contribution.objects.filter(kampung_id=1).count(),
            }


def tenants_cases(ctx: TenantsContext) -> list[Case]:
    """The public page rebuilt (as history's `ledger`), the 500-row sheet save (as sheet_post_500) and the
    treasurer's monthly report page (as report_page_month), for kampung 1."""
    return [
        Case("ledger", lambda: (invalidate_public_figures, get(ctx.anonymous, reverse("public_ledger"))), 2, 10),
        Case("sheet_post", lambda: sheet_post_500(ctx), 2, 10),  # type: ignore[arg-type]
        Case("report", lambda: report_page_month(ctx), 1, 6),  # type: ignore[arg-type]
    ]
