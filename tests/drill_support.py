"""Helpers for the drills that need a real database file (or a real PostgreSQL database) shared by
several threads or processes. pytest-django's test database is an in-memory SQLite database inside
one connection, so the drills run their work in child processes with their own settings:
`python -m tests.drill_support <task>` with JIMPITAN_VAR_DIR / JIMPITAN_SQLITE_PATH / DATABASE_URL set.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import random
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent


# --- Parent side (inside pytest) --------------------------------------------------------------


def postgres_url() -> str | None:
    url = os.environ.get("DATABASE_URL", "")
    return url if url.startswith(("postgres://", "postgresql://")) else None


class DrillDatabase:
    """A fresh database for a drill: a file in `folder`, or a new PostgreSQL database when the suite
    runs on PostgreSQL. `env` is the environment for child processes using it."""

    def __init__(self, folder: Path, backend: str, name: str):
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
            self._admin(f'CREATE DATABASE "{self.pg_name}"')
            self.env["DATABASE_URL"] = urlunsplit(parts._replace(path=f"/{self.pg_name}"))
        else:
            self.env["JIMPITAN_SQLITE_PATH"] = str(folder / "db.sqlite3")

    def _admin(self, sql: str) -> None:
        import psycopg

        with psycopg.connect(self._admin_url, autocommit=True) as conn:
            conn.execute(sql)

    def drop(self) -> None:
        if self.pg_name:
            self._admin(f'DROP DATABASE IF EXISTS "{self.pg_name}" WITH (FORCE)')

    def manage(self, *args: str, check: bool = True, timeout: int = 180) -> subprocess.CompletedProcess:
        result = subprocess.run(
            [sys.executable, "manage.py", *args], cwd=ROOT, env=self.env, capture_output=True, text=True,
            timeout=timeout,
        )
        if check and result.returncode != 0:
            raise AssertionError(f"manage.py {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}")
        return result

    def task(self, name: str, *args: str, timeout: int = 180) -> dict:
        """Run a task of this module in a child process; returns its JSON answer."""
        result = subprocess.run(
            [sys.executable, "-m", "tests.drill_support", name, *args], cwd=ROOT, env=self.env,
            capture_output=True, text=True, timeout=timeout,
        )
        if result.returncode != 0:
            raise AssertionError(f"drill task {name} failed:\n{result.stdout}\n{result.stderr}")
        return json.loads(result.stdout.strip().splitlines()[-1])


# --- Child side -------------------------------------------------------------------------------


def _setup_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jimpitan.settings")
    import django

    django.setup()


def seed_kampung(rts: int = 3, per_rt: int = 30) -> dict:
    """A kampung with a treasurer (no usable password: the drills never log in by form) and households."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    from households.models import RT, Household
    from jimpitan.models import KampungProfile
    from jimpitan.roles import BENDAHARA

    KampungProfile.objects.create(pk=KampungProfile.SINGLETON_ID, name="Kampung Latihan")
    user = get_user_model().objects.create(username="bendahara", first_name="Sri", is_staff=True)
    user.groups.add(Group.objects.get(name=BENDAHARA))
    for number in range(1, rts + 1):
        rt = RT.objects.create(number=number, display_order=number)
        Household.objects.bulk_create(
            Household(rt=rt, address=f"No. {i}", head_name=f"Warga {number}-{i}", phone=f"08123{number:02d}{i:04d}",
                      route_position=i, usual_amount=500)
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
            rt=rt, evening=evening, recorded_by_id=user_id, total=sum(amounts),
            households_listed=len(households), households_paid=sum(1 for a in amounts if a),
        )
        Contribution.objects.bulk_create(
            Contribution(round=round_, household=h, evening=evening, amount=a,
                         state=ContributionState.PAID if a else ContributionState.EMPTY)
            for h, a in zip(households, amounts)
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
    from spending.models import Expense

    info = seed_kampung()
    expense = Expense(spent_on=dt.date(2026, 3, 2), description="Sapu lidi", amount=25_000,
                      recorded_by_id=info["user_id"])
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

    thread = threading.Thread(target=writer)
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
    return {"committed": committed, "before": before, "after": after, "errors": errors,
            "backup_seconds": round(seconds, 3), "manifest": result.manifest}


def task_dump(keep_ids_json: str = "") -> dict:
    keep = set(json.loads(keep_ids_json)) if keep_ids_json else None
    return dump_state(keep)


TASKS = {"backup-during-writes": task_backup_during_writes, "dump": task_dump}


if __name__ == "__main__":
    _setup_django()
    name, *arguments = sys.argv[1:]
    print(json.dumps(TASKS[name](*arguments), default=str))
