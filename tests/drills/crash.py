"""Crash drill (`make crash-drill`): the app under gunicorn on a temporary SQLite database; a 500-row
nightly sheet is being saved when its worker is killed with SIGKILL. After the restart the round must
be wholly saved or wholly absent (for a correction: wholly new or wholly old), and the books must check.

How "part-way" is made sure of: SQLite's write lock. While the worker is inside the sheet's transaction
(BEGIN IMMEDIATE), a probe's own `BEGIN IMMEDIATE` with no timeout is refused as busy; the drill kills the
worker the moment that happens. Other trials kill at a random moment of the request, and the last one
kills the whole gunicorn (master too) and starts it again.

Run: python -m tests.drills.crash [--trials N]. Exit status 0 when every trial held.
"""

from __future__ import annotations

import argparse
import datetime as dt
import http.client
import http.cookiejar
import json
import os
import random
import re
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
HOUSEHOLDS = 500
PASSWORD = "latihan-mati-listrik"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class App:
    """gunicorn with one worker, on the drill's database."""

    def __init__(self, env: dict, port: int, log: Path):
        self.env, self.port, self.log = env, port, log
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        gunicorn = Path(sys.executable).with_name("gunicorn")
        self.process = subprocess.Popen(
            [
                str(gunicorn),
                "jimpitan.wsgi:application",
                "--bind",
                f"127.0.0.1:{self.port}",
                "--workers",
                "1",
                "--timeout",
                "120",
                "--graceful-timeout",
                "1",
            ],
            cwd=ROOT,
            env=self.env,
            stdout=open(self.log, "ab"),  # noqa: SIM115 - gunicorn writes to it until it is killed
            stderr=subprocess.STDOUT,
        )
        self.wait_ready()

    def worker_pids(self) -> list[int]:
        path = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        try:
            return [int(pid) for pid in path.read_text().split()]
        except FileNotFoundError:
            return []

    def wait_ready(self, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited; see {self.log}")
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{self.port}/healthz", timeout=5) as response:
                    if response.status == 200 and self.worker_pids():
                        return
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                pass
            time.sleep(0.1)
        raise RuntimeError("gunicorn did not become ready")

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    def kill_all(self) -> None:
        for pid in self.worker_pids():
            os.kill(pid, signal.SIGKILL)
        self.process.kill()
        self.process.wait()


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    """A save answers 302 on success: report that status instead of following it."""

    def redirect_request(self, *args, **kwargs):
        return None


class Browser:
    """A logged-in user, with cookies and the CSRF token, over plain HTTP."""

    def __init__(self, base: str):
        self.base = base
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar), _NoRedirect())

    def csrf(self) -> str:
        return next(c.value for c in self.jar if c.name == "csrftoken")

    def get(self, path: str) -> str:
        with self.opener.open(self.base + path, timeout=60) as response:
            return response.read().decode()

    def post(self, path: str, data: dict) -> int:
        body = urllib.parse.urlencode({**data, "csrfmiddlewaretoken": self.csrf()}).encode()
        request = urllib.request.Request(self.base + path, data=body, headers={"Referer": self.base + path})
        try:
            with self.opener.open(request, timeout=120) as response:
                return response.status
        except urllib.error.HTTPError as error:
            return error.code

    def login(self, username: str) -> None:
        self.get("/masuk/")
        self.post("/masuk/", {"username": username, "password": PASSWORD})
        if "Keluar" not in self.get("/beranda/"):
            raise RuntimeError("login failed")


def _django(env: dict):
    os.environ.update(env)
    os.environ["DJANGO_SETTINGS_MODULE"] = "jimpitan.settings"
    import django

    django.setup()
    # A drill's own process works for the install's first kampung, as its requests do: a tenant query
    # outside any kampung raises.
    from jimpitan.tenancy import FIRST_KAMPUNG_ID, activate_for_process

    activate_for_process(FIRST_KAMPUNG_ID)


def _round_state(rt_id: int, evening: dt.date) -> dict:
    from django.db import connections

    from nightly.models import Contribution, Round

    connections.close_all()  # a fresh look at the file after the crash
    rnd = Round.objects.filter(rt_id=rt_id, evening=evening).first()
    if rnd is None:
        return {"exists": False, "contributions": Contribution.objects.filter(evening=evening).count()}
    amounts = dict(Contribution.objects.filter(round=rnd).values_list("household_id", "amount"))
    return {
        "exists": True,
        "version": rnd.version,
        "total": rnd.total,
        "amounts": amounts,
        "paid": rnd.households_paid,
        "listed": rnd.households_listed,
    }


def _check_ledger(env: dict) -> tuple[bool, str]:
    result = subprocess.run(
        [sys.executable, "manage.py", "check_ledger"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    return result.returncode == 0, (result.stdout + result.stderr).strip()


def _busy(db_path: Path) -> bool:
    """True while another connection holds SQLite's write lock (the sheet's transaction is open)."""
    probe = sqlite3.connect(db_path, timeout=0, isolation_level=None)
    try:
        probe.execute("BEGIN IMMEDIATE")
        probe.execute("ROLLBACK")
        return False
    except sqlite3.OperationalError:
        return True
    finally:
        probe.close()


def run(trials: int, seed: int = 1) -> dict:
    work = Path(tempfile.mkdtemp(prefix="jimpitan-crash-"))
    db_path = work / "db.sqlite3"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_URL", "JIMPITAN_"))}
    env.update(
        {
            "JIMPITAN_VAR_DIR": str(work),
            "JIMPITAN_SQLITE_PATH": str(db_path),
            "DJANGO_DEBUG": "1",
            "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
            "PYTHONPATH": str(ROOT),
        }
    )
    subprocess.run([sys.executable, "manage.py", "migrate", "--noinput", "-v0"], cwd=ROOT, env=env, check=True)
    _django(env)

    from django.contrib.auth import get_user_model

    from households.models import RT, Household
    from jimpitan.lib.evening import evening_of
    from jimpitan.models import KampungProfile
    from jimpitan.roles import BENDAHARA, grant_role

    KampungProfile.objects.create(pk=KampungProfile.SINGLETON_ID, name="Kampung Latihan Mati Listrik")
    user = get_user_model().objects.create_user("bendahara", password=PASSWORD, is_staff=True)
    grant_role(user=user, role=BENDAHARA)
    rt = RT.objects.create(number=1)
    Household.objects.bulk_create(
        Household(rt=rt, address=f"No. {i}", head_name=f"Warga {i}", route_position=i) for i in range(1, HOUSEHOLDS + 1)
    )
    household_ids = list(Household.objects.order_by("pk").values_list("pk", flat=True))

    port = _free_port()
    app = App(env, port, work / "gunicorn.log")
    app.start()
    browser = Browser(f"http://127.0.0.1:{port}")
    browser.login("bendahara")
    rng = random.Random(seed)
    today = evening_of()
    results = []

    def sheet_path(evening):
        return "/jimpitan/lembar/?" + urllib.parse.urlencode({"malam": evening.isoformat(), "rt": rt.pk})

    def sheet_data(version: int, amount: int) -> dict:
        data = {"version": str(version), "collectors": "Regu Pon", "notes": "", "counted_cash": ""}
        for hid in household_ids:
            data[f"a-{hid}"], data[f"s-{hid}"] = str(amount), "dibayar"
        return data

    def version_of(evening) -> int:
        return int(re.search(r'name="version" value="(\d+)"', browser.get(sheet_path(evening))).group(1))

    try:
        # A warm-up save tells how long a 500-row save takes here.
        started = time.monotonic()
        status = browser.post(sheet_path(today - dt.timedelta(days=40)), sheet_data(0, 300))
        request_seconds = time.monotonic() - started
        if status != 302:
            raise RuntimeError(f"warm-up save answered {status}")

        for trial in range(trials):
            # Even trials: a first save of a new evening. Odd trials: a correction of the previous one.
            correction = trial % 2 == 1
            evening = today - dt.timedelta(days=trial // 2)
            # A correction needs its round saved whole first, without a crash.
            needs_round = correction and not _round_state(rt.pk, evening)["exists"]
            if needs_round and browser.post(sheet_path(evening), sheet_data(version_of(evening), 50)) != 302:
                raise RuntimeError("could not save the round to correct")
            before = _round_state(rt.pk, evening)
            version = version_of(evening)
            amount = 100 * (trial + 1)
            mode = "whole-app" if trial == trials - 1 else ("mid-transaction" if trial % 3 != 2 else "random-moment")
            outcome: dict = {}

            def save(outcome=outcome, evening=evening, version=version, amount=amount):
                try:
                    outcome["status"] = browser.post(sheet_path(evening), sheet_data(version, amount))
                except (urllib.error.URLError, ConnectionError, http.client.HTTPException) as error:
                    outcome["error"] = type(error).__name__

            worker = app.worker_pids()[0]
            thread = threading.Thread(target=save)
            thread.start()
            killed_in_transaction = False
            if mode == "random-moment":
                time.sleep(rng.uniform(0, request_seconds * 2))
            else:
                deadline = time.monotonic() + 30
                while time.monotonic() < deadline and not _busy(db_path) and thread.is_alive():
                    time.sleep(0.0005)
                killed_in_transaction = _busy(db_path)
                time.sleep(rng.uniform(0, 0.01))  # somewhere inside the transaction
            if mode == "whole-app":
                app.kill_all()
            else:
                os.kill(worker, signal.SIGKILL)
            thread.join(130)
            if mode == "whole-app":
                app.start()
            else:
                app.wait_ready()  # gunicorn's master starts a new worker
            after = _round_state(rt.pk, evening)
            expected_new = dict.fromkeys(household_ids, amount)
            if after["exists"] and after["amounts"] == expected_new and after["total"] == amount * HOUSEHOLDS:
                verdict = "wholly saved"
            elif not before["exists"] and not after["exists"] and after["contributions"] == 0:
                verdict = "wholly absent"
            elif before["exists"] and after == before:
                verdict = "wholly old"
            else:
                verdict = "BROKEN"
            results.append(
                {
                    "trial": trial,
                    "mode": mode,
                    "correction": correction,
                    "killed_in_transaction": killed_in_transaction,
                    "verdict": verdict,
                    "response": outcome,
                }
            )
        ledger_ok, ledger_text = _check_ledger(env)
        from jimpitan.lib.backup import _sqlite_connect  # knows Django's SQL functions used by CHECKs

        integrity = _sqlite_connect(db_path).execute("PRAGMA integrity_check").fetchone()[0]
    finally:
        app.stop()
    ok = all(r["verdict"] != "BROKEN" for r in results) and ledger_ok and integrity == "ok"
    return {
        "ok": ok,
        "trials": results,
        "check_ledger_ok": ledger_ok,
        "check_ledger": ledger_text,
        "integrity_check": integrity,
        "save_seconds": round(request_seconds, 2),
        "folder": str(work),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--trials", type=int, default=12)
    parser.add_argument("--json", action="store_true", help="print the result as JSON")
    args = parser.parse_args()
    started = time.monotonic()
    result = run(args.trials)
    if args.json:
        print(json.dumps(result))
    else:
        for trial in result["trials"]:
            kind = "correction" if trial["correction"] else "new round"
            where = "inside the transaction" if trial["killed_in_transaction"] else "at a random moment"
            print(f"trial {trial['trial']}: {kind}, kill -9 ({trial['mode']}) {where}: {trial['verdict']}")
        print(f"check_ledger: {'passed' if result['check_ledger_ok'] else 'FAILED'} {result['check_ledger']}")
        print(
            f"SQLite integrity_check: {result['integrity_check']}; one 500-row save took {result['save_seconds']} s; "
            f"drill took {time.monotonic() - started:.0f} s"
        )
        print("CRASH DRILL PASSED" if result["ok"] else f"CRASH DRILL FAILED (files kept in {result['folder']})")
    if result["ok"]:
        import shutil

        shutil.rmtree(result["folder"], ignore_errors=True)
    return 0 if result["ok"] else 1


if __name__ == "__main__":
    sys.exit(main())
