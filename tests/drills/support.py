"""Helpers for the drills that need a real database file (or a real PostgreSQL database) shared by
several threads or processes. pytest-django's test database is an in-memory SQLite database inside
one connection, so the drills run their work in child processes with their own settings:
`python -m tests.drills.support <task>` with JIMPITAN_VAR_DIR / JIMPITAN_SQLITE_PATH / DATABASE_URL set.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import random
import sqlite3
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parents[2]


# --- Parent side (inside pytest) --------------------------------------------------------------


def postgres_url() -> str | None:
    url = os.environ.get("DATABASE_URL", "")
    return url if url.startswith(("postgres://", "postgresql://")) else None


# The database the drills run on: the suite's own. CI runs the whole suite once on SQLite and once on PostgreSQL,
# so running the SQLite drills again inside the PostgreSQL suite would only repeat them.
SUITE_BACKENDS = ["postgresql"] if postgres_url() else ["sqlite"]


class DrillDatabase:
    """A fresh database for a drill: a file in `folder`, or a new PostgreSQL database when the suite
    runs on PostgreSQL. `env` is the environment for child processes using it."""

    def __init__(self, folder: Path, backend: str, name: str, template: DrillDatabase | None = None):
        self.folder = folder
        self.backend = backend
        folder.mkdir(parents=True, exist_ok=True)
        self.env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_URL", "JIMPITAN_"))}
        self.env.update({"JIMPITAN_VAR_DIR": str(folder), "DJANGO_DEBUG": "1", "PYTHONPATH": str(ROOT)})
        self.env.pop("DJANGO_SETTINGS_MODULE", None)
        self.pg_name = None
        if backend == "postgresql":
            base = postgres_url()
            self.pg_name = f"drill_{name}_{uuid.uuid4().hex[:8]}"
            parts = urlsplit(base)
            self._admin_url = urlunsplit(parts._replace(path="/postgres"))
            copied = f' TEMPLATE "{template.pg_name}"' if template else ""
            self._admin(f'CREATE DATABASE "{self.pg_name}"{copied}')
            self.env["DATABASE_URL"] = urlunsplit(parts._replace(path=f"/{self.pg_name}"))
        else:
            self.env["JIMPITAN_SQLITE_PATH"] = str(folder / "db.sqlite3")
            if template:
                copy_sqlite(Path(template.env["JIMPITAN_SQLITE_PATH"]), folder / "db.sqlite3")

    def _admin(self, sql: str) -> None:
        import psycopg

        with psycopg.connect(self._admin_url, autocommit=True) as conn:
            conn.execute(sql)

    def drop(self) -> None:
        if self.pg_name:
            self._admin(f'DROP DATABASE IF EXISTS "{self.pg_name}" WITH (FORCE)')

    def manage(self, *args: str, check: bool = True, timeout: int = 180) -> subprocess.CompletedProcess:
        result = subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=ROOT,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=timeout,
        )
        if check and result.returncode != 0:
            raise AssertionError(f"manage.py {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}")
        return result

    def task(self, name: str, *args: str, timeout: int = 180) -> dict:
        """Run a task of this module in a child process; returns its JSON answer."""
        result = subprocess.run(
            [sys.executable, "-m", "tests.drills.support", name, *args],
            cwd=ROOT,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=timeout,
        )
        if result.returncode != 0:
            raise AssertionError(f"drill task {name} failed:\n{result.stdout}\n{result.stderr}")
        return json.loads(result.stdout.strip().splitlines()[-1])


def copy_sqlite(source: Path, target: Path) -> None:
    """A consistent copy of a SQLite database file, whatever its write-ahead log holds."""
    src, dst = sqlite3.connect(source), sqlite3.connect(target)
    try:
        src.backup(dst)
    finally:
        src.close()
        dst.close()


class MigratedTemplates:
    """One empty, migrated database per backend, made once and copied for each drill that needs one.

    Migrating from zero in a child process took about 15 s of CPU; a dozen drills did it, in both CI lanes.
    A copy holds exactly what `manage.py migrate` leaves (tables, triggers, the roles' data migrations): SQLite
    through the backup API, PostgreSQL as CREATE DATABASE ... TEMPLATE."""

    def __init__(self, folder: Path):
        self.folder = folder
        self._templates: dict[str, DrillDatabase] = {}

    def template(self, backend: str) -> DrillDatabase:
        if backend not in self._templates:
            template = DrillDatabase(self.folder / backend, backend, "migrated")
            template.manage("migrate", "--noinput")
            self._templates[backend] = template
        return self._templates[backend]

    def database(self, folder: Path, backend: str, name: str) -> DrillDatabase:
        """A drill database in `folder` (as DrillDatabase) that is already migrated."""
        return DrillDatabase(folder, backend, name, template=self.template(backend))

    def sqlite_file(self, target: Path) -> None:
        """A migrated SQLite database written to `target`, for a child process that finds it by its own settings."""
        copy_sqlite(Path(self.template("sqlite").env["JIMPITAN_SQLITE_PATH"]), target)

    def drop(self) -> None:
        for template in self._templates.values():
            template.drop()


# --- Child side -------------------------------------------------------------------------------


def _setup_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jimpitan.settings")
    import django

    django.setup()
    # A drill's own process works for the install's first kampung, as its requests do: a tenant query
    # outside any kampung raises.
    from jimpitan.tenancy import FIRST_KAMPUNG_ID, activate_for_process

    activate_for_process(FIRST_KAMPUNG_ID)


def seed_kampung(rts: int = 3, per_rt: int = 30) -> dict:
    """A kampung with a treasurer (no usable password: the drills never log in by form) and households."""
    from django.contrib.auth import get_user_model

    from households.models import RT, Household
    from jimpitan.models import KampungProfile
    from jimpitan.roles import BENDAHARA, grant_role

    KampungProfile.objects.create(pk=KampungProfile.SINGLETON_ID, name="Kampung Latihan")
    user = get_user_model().objects.create(username="bendahara", first_name="Sri", is_staff=True)
    grant_role(user=user, role=BENDAHARA)
    for number in range(1, rts + 1):
        rt = RT.objects.create(number=number, display_order=number)
        Household.objects.bulk_create(
            Household(
                rt=rt,
                address=f"No. {i}",
                head_name=f"Warga {number}-{i}",
                phone=f"08123{number:02d}{i:04d}",
                route_position=i,
                usual_amount=500,
            )
            for i in range(1, per_rt + 1)
        )
    return {"user_id": user.pk}


def write_round(rt, evening: dt.date, households: list, rng: random.Random, user_id: int, pause: float = 0.0) -> int:
    """One round with its contributions and a consistent stored total, in one transaction."""
    from django.db import transaction

    from nightly.models import Contribution, ContributionState, Round

    amounts = [rng.choice([0, 100, 200, 500, 500, 1000]) for _ in households]
    with transaction.atomic():
        round_ = Round.objects.create(
            rt=rt,
            evening=evening,
            recorded_by_id=user_id,
            total=sum(amounts),
            households_listed=len(households),
            households_paid=sum(1 for a in amounts if a),
        )
        Contribution.objects.bulk_create(
            Contribution(
                round=round_,
                household=h,
                evening=evening,
                amount=a,
                state=ContributionState.PAID if a else ContributionState.EMPTY,
            )
            for h, a in zip(households, amounts, strict=False)
        )
        if pause:
            time.sleep(pause)  # keeps the transaction open: a backup must not see half of it
    return round_.pk


def dump_state(keep_round_ids: set[int] | None = None) -> dict:
    """Every row of every table, and the cash book. With `keep_round_ids`, the rounds not in it (and
    their contributions and history) are left out first, inside a transaction that is rolled back."""
    from django.db import connection, transaction

    from ledger import selectors
    from nightly.models import Contribution, Round

    class Rollback(Exception):
        pass

    answer: dict = {}
    try:
        with transaction.atomic():
            if keep_round_ids is not None:
                # Deleting records history rows of its own ("-"), so history is cleared after.
                Round.objects.exclude(pk__in=keep_round_ids).delete()
                Round.history.model.objects.exclude(id__in=keep_round_ids).delete()
                Contribution.history.model.objects.exclude(round_id__in=keep_round_ids).delete()
            tables = {}
            skip = {"sqlite_sequence", "django_session"}
            with connection.cursor() as cursor:
                for table in sorted(connection.introspection.table_names(cursor)):
                    if table in skip:
                        continue
                    cursor.execute(f'SELECT * FROM "{table}"')
                    rows = [json.dumps(row, default=str) for row in cursor.fetchall()]
                    tables[table] = sorted(rows)
            answer["tables"] = tables
            answer["round_ids"] = sorted(Round.objects.values_list("pk", flat=True))
            flows = selectors.monthly_flows()
            if flows:
                book = selectors.cash_book(min(flows), max(flows), flows)
                answer["cash_book"] = [
                    [s.month.isoformat(), s.opening, s.jimpitan, s.other_income, s.expenses, s.closing] for s in book
                ]
            else:
                answer["cash_book"] = []
            answer["balance"] = selectors.current_balance()
            raise Rollback
    except Rollback:
        pass
    return answer


def task_backup_during_writes(archive: str) -> dict:
    """Seed, then back up while a second thread keeps saving rounds; report what was committed when."""
    from django.core.files.base import ContentFile
    from django.db import connection

    from households.models import RT, Household
    from jimpitan.lib.backup import create_backup
    from jimpitan.tenancy import kampung_thread
    from spending.models import Expense

    info = seed_kampung()
    expense = Expense(
        spent_on=dt.date(2026, 3, 2), description="Sapu lidi", amount=25_000, recorded_by_id=info["user_id"]
    )
    expense.receipt.save("nota-sapu.jpg", ContentFile(b"\xff\xd8 nota sapu lidi"), save=True)
    rts = list(RT.objects.all())
    households = {rt.pk: list(Household.objects.filter(rt=rt)) for rt in rts}
    committed: list[int] = []
    stop = threading.Event()
    errors: list[str] = []

    def writer():
        rng = random.Random(7)
        i = 0
        try:
            while not stop.is_set() and i < 3000:
                rt = rts[i % len(rts)]
                evening = dt.date(2026, 3, 1) + dt.timedelta(days=i // len(rts))
                committed.append(write_round(rt, evening, households[rt.pk], rng, info["user_id"], pause=0.002))
                i += 1
        except Exception as error:  # reported to the test, which fails on it
            errors.append(repr(error))
        finally:
            connection.close()

    thread = kampung_thread(writer)
    thread.start()
    while len(committed) < 30 and thread.is_alive():
        time.sleep(0.01)
    before = len(committed)
    started = time.monotonic()
    result = create_backup(Path(archive))
    seconds = time.monotonic() - started
    after = len(committed)
    while len(committed) < after + 20 and thread.is_alive():
        time.sleep(0.01)
    stop.set()
    thread.join()
    return {
        "committed": committed,
        "before": before,
        "after": after,
        "errors": errors,
        "backup_seconds": round(seconds, 3),
        "manifest": result.manifest,
    }


def task_dump(keep_ids_json: str = "") -> dict:
    keep = set(json.loads(keep_ids_json)) if keep_ids_json else None
    return dump_state(keep)


CONFLICT_WORDS = "sudah diubah orang lain"


def _sheet_version(client, url: str) -> int:
    import re

    response = client.get(url)
    if response.status_code != 200:
        raise AssertionError(f"GET {url} answered {response.status_code}")
    match = re.search(r'name="version" value="(\d+)"', response.content.decode())
    return int(match.group(1))


def _sheet_post(households, amounts: dict[int, int], version: int, thread: int) -> dict:
    data = {"version": str(version), "collectors": f"Regu {thread}", "notes": "", "counted_cash": ""}
    for household in households:
        amount = amounts[household.pk]
        data[f"a-{household.pk}"] = str(amount)
        data[f"s-{household.pk}"] = "dibayar" if amount else "kosong"
    return data


def task_concurrency(threads: str = "8", saves: str = "100", per_rt: str = "10") -> dict:
    """8 users save rounds through the sheet view at once: their own RT's rounds (each a different round)
    and, every fourth save, all of them the same round of a shared RT at the same instant."""
    from django.contrib.auth import get_user_model
    from django.db import connections
    from django.test import Client

    from households.models import RT, Household
    from jimpitan.lib.evening import evening_of
    from jimpitan.roles import BENDAHARA, grant_role
    from jimpitan.tenancy import kampung_thread
    from nightly.models import Contribution, Round

    n_threads, n_saves, n_households = int(threads), int(saves), int(per_rt)
    seed_kampung(rts=n_threads + 1, per_rt=n_households)
    users = []
    for i in range(n_threads):
        user = get_user_model().objects.create(username=f"bendahara{i}", is_staff=True)
        grant_role(user=user, role=BENDAHARA)
        users.append(user)
    rts = list(RT.objects.order_by("number"))
    shared_rt, own_rts = rts[-1], rts[:n_threads]
    households = {rt.pk: list(Household.objects.filter(rt=rt).order_by("pk")) for rt in rts}
    today = evening_of()
    connections.close_all()

    races = n_saves // 4
    barrier = threading.Barrier(n_threads)
    lock = threading.Lock()
    errors: list[str] = []
    expected: dict[tuple[int, str], dict[int, int]] = {}  # (rt, evening) -> the amounts last saved
    race_log: list[dict] = []  # per race: who won, with what sheet
    counts = {"attempted": 0, "saved": 0, "conflicts": 0}

    def url(rt, evening):
        from urllib.parse import urlencode

        return "/jimpitan/lembar/?" + urlencode({"malam": evening.isoformat(), "rt": rt.pk})

    def post(client, rt, evening, amounts, version, thread):
        with lock:
            counts["attempted"] += 1
        try:
            response = client.post(url(rt, evening), _sheet_post(households[rt.pk], amounts, version, thread))
        except Exception as error:  # a 500 would reach the user: the drill fails on it
            with lock:
                errors.append(f"thread {thread}: {error!r}")
            return "error"
        if response.status_code == 302:
            with lock:
                counts["saved"] += 1
            return "saved"
        body = response.content.decode()
        if response.status_code == 409 and CONFLICT_WORDS in body:
            with lock:
                counts["conflicts"] += 1
            return "conflict"
        with lock:
            errors.append(f"thread {thread}: status {response.status_code}")
        return "error"

    def worker(thread: int):
        rng = random.Random(thread)
        client = Client()
        client.force_login(users[thread])
        own = own_rts[thread]
        own_saved: dict[str, int] = {}
        try:
            for step in range(n_saves):
                if step % 4 == 0:
                    race = step // 4
                    # Half the races are first saves of a new evening, half are corrections of the last one.
                    evening = today - dt.timedelta(days=(race + 1) // 2)
                    version = _sheet_version(client, url(shared_rt, evening))
                    amounts = {h.pk: 100 * (thread + 1) for h in households[shared_rt.pk]}
                    barrier.wait(timeout=60)  # everyone read the same version; now all save at once
                    outcome = post(client, shared_rt, evening, amounts, version, thread)
                    with lock:
                        race_log.append(
                            {
                                "race": race,
                                "evening": evening.isoformat(),
                                "thread": thread,
                                "outcome": outcome,
                                "amounts": amounts,
                            }
                        )
                        if outcome == "saved":
                            expected[(shared_rt.pk, evening.isoformat())] = amounts
                    barrier.wait(timeout=60)  # the race is over before anyone reads the next version
                else:
                    # A round of this thread's own RT: new most of the time, sometimes a correction.
                    if own_saved and rng.random() < 0.3:
                        evening = dt.date.fromisoformat(rng.choice(sorted(own_saved)))
                    else:
                        evening = today - dt.timedelta(days=len(own_saved))
                    version = _sheet_version(client, url(own, evening))
                    amounts = {h.pk: rng.choice([0, 100, 200, 500, 1000]) for h in households[own.pk]}
                    if post(client, own, evening, amounts, version, thread) == "saved":
                        own_saved[evening.isoformat()] = version + 1
                        with lock:
                            expected[(own.pk, evening.isoformat())] = amounts
        except threading.BrokenBarrierError:
            with lock:
                errors.append(f"thread {thread}: barrier broken")
        except Exception as error:
            with lock:
                errors.append(f"thread {thread}: {error!r}")
            barrier.abort()
        finally:
            connections.close_all()

    started = time.monotonic()
    pool = [kampung_thread(worker, i) for i in range(n_threads)]
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join()
    seconds = time.monotonic() - started

    # What is stored, against what each successful save put there.
    lost, mismatched = 0, []
    for (rt_id, evening), amounts in expected.items():
        rnd = Round.objects.filter(rt_id=rt_id, evening=evening).first()
        stored = dict(Contribution.objects.filter(round=rnd).values_list("household_id", "amount")) if rnd else {}
        lost += sum(1 for hid in amounts if hid not in stored)
        if stored != amounts or rnd.total != sum(amounts.values()):
            mismatched.append([rt_id, evening])
    winners_per_race: dict[int, int] = {}
    for entry in race_log:
        if entry["outcome"] == "saved":
            winners_per_race[entry["race"]] = winners_per_race.get(entry["race"], 0) + 1
    return {
        **counts,
        "errors": errors,
        "seconds": round(seconds, 1),
        "lost": lost,
        "mismatched": mismatched,
        "races": races,
        "winners_per_race": winners_per_race,
        "rounds": Round.objects.count(),
        "contributions": Contribution.objects.count(),
        "expected_rounds": len(expected),
        "expected_contributions": sum(len(a) for a in expected.values()),
    }


def _save_one(index: int, day: dt.date) -> int:
    """Thread `index`'s document, saved through its service; the first one is refused by the balance rule after
    it took its number (the row is written, then checked). Returns the number it kept."""
    from spending import services
    from spending.models import Expense, OtherIncome

    if index == 0:
        services.save_expense(Expense(spent_on=day, description="Terlalu mahal", amount=10**9), user=None)
    elif index % 2:
        expense = services.save_expense(Expense(spent_on=day, description=f"Belanja {index}", amount=1_000), user=None)
        return expense.number
    income = OtherIncome(received_on=day, description=f"Donasi {index}", amount=2_000)
    return services.save_other_income(income, user=None).number


def task_numbers(threads: str = "6") -> dict:
    """`threads` documents saved at the same instant (a barrier) by as many threads, each on its own connection.
    Used in a child process on a SQLite file, and in the test process itself on PostgreSQL."""
    from django.core.exceptions import ValidationError
    from django.db import connections

    from jimpitan.models import KampungProfile
    from jimpitan.tenancy import kampung_thread
    from ledger.models import IssuedNumber
    from spending import services
    from spending.models import Expense, OtherIncome

    KampungProfile.objects.get_or_create(pk=KampungProfile.SINGLETON_ID, defaults={"name": "Kampung Latihan"})
    day = dt.date(2026, 5, 2)
    services.save_other_income(OtherIncome(received_on=day, description="Kas awal", amount=100_000), user=None)
    count = int(threads)
    barrier = threading.Barrier(count)
    kept: list[int] = []
    refused: list[int] = []
    errors: list[str] = []

    def worker(index: int) -> None:
        try:
            barrier.wait(20)
            kept.append(_save_one(index, day))
        except ValidationError:
            refused.append(index)
        except Exception as error:
            errors.append(f"thread {index}: {error!r}")
        finally:
            connections.close_all()

    started = time.monotonic()
    pool = [kampung_thread(worker, i) for i in range(count)]
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join()
    documents = [
        *Expense.objects.values_list("number_year", "number"),
        *OtherIncome.objects.values_list("number_year", "number"),
    ]
    return {
        "kept": sorted(kept),
        "refused": refused,
        "errors": errors,
        "issued": list(IssuedNumber.objects.order_by("year", "seq").values_list("year", "seq")),
        "documents": sorted(documents),
        "seconds": round(time.monotonic() - started, 2),
    }


TASKS = {
    "backup-during-writes": task_backup_during_writes,
    "dump": task_dump,
    "concurrency": task_concurrency,
    "numbers": task_numbers,
}


if __name__ == "__main__":
    _setup_django()
    name, *arguments = sys.argv[1:]
    print(json.dumps(TASKS[name](*arguments), default=str))
