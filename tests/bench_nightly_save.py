"""Median time to save a 500-household sheet on SQLite (file database, WAL, synchronous=FULL, as in production).

Run: JIMPITAN_SQLITE_PATH=/tmp/bench.sqlite3 python tests/bench_nightly_save.py
Times the service call (one transaction) for 20 first saves (500 inserts + history) and 20 full corrections
(500 updates + history), and one full POST of the sheet through the test client.
"""

from __future__ import annotations

import datetime as dt
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jimpitan.settings")
# A manual timing script: debug settings as before (plain HTTP through the test client, no collectstatic).
os.environ.setdefault("DJANGO_DEBUG", "1")
os.environ.setdefault("JIMPITAN_SQLITE_PATH", "/tmp/jimpitan-bench.sqlite3")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402

REPEATS = 20
HOUSEHOLDS = 500


def main() -> None:
    db_path = Path(settings.DATABASES["default"]["NAME"])
    for suffix in ("", "-wal", "-shm"):
        Path(f"{db_path}{suffix}").unlink(missing_ok=True)
    call_command("migrate", verbosity=0)
    from django.contrib.auth.models import Group, User
    from django.test import Client

    from jimpitan.lib.evening import evening_of
    from jimpitan.models import KampungProfile
    from nightly.services import SheetRow, save_sheet
    from tests.nightly_factories import make_rt, sheet_post

    KampungProfile.objects.create(pk=1, name="Bench")
    user = User.objects.create_user("bench", password="x")
    user.groups.add(Group.objects.get(name="Bendahara"))
    rt, households = make_rt(households=HOUSEHOLDS)
    today = evening_of()

    def timed(fn) -> float:
        start = time.perf_counter()
        fn()
        return (time.perf_counter() - start) * 1000

    first, correction = [], []
    for i in range(REPEATS):
        evening = today - dt.timedelta(days=i + 1)
        rows = [SheetRow(h.pk, "dibayar", 500) for h in households]
        first.append(timed(lambda: save_sheet(rt=rt, evening=evening, user=user, version=0, rows=rows)))
        amount = 1000
        rows = [SheetRow(h.pk, "dibayar", amount) for h in households]
        correction.append(timed(lambda: save_sheet(rt=rt, evening=evening, user=user, version=1, rows=rows)))

    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    client = Client()
    client.force_login(user)
    posts = []
    for i in range(REPEATS):
        evening = today - dt.timedelta(days=REPEATS + i + 1)
        data = sheet_post(evening, rt, households)
        response = None

        def post():
            nonlocal response
            response = client.post("/jimpitan/lembar/", data)

        posts.append(timed(post))
        assert response.status_code == 302, response.status_code
    print(f"SQLite {db_path}, {HOUSEHOLDS} households, {REPEATS} repeats (ms):")
    print(f"  first save (service)      median {statistics.median(first):.1f}  min {min(first):.1f}  max {max(first):.1f}")
    print(f"  full correction (service) median {statistics.median(correction):.1f}  min {min(correction):.1f}  "
          f"max {max(correction):.1f}")
    print(f"  whole POST via client     median {statistics.median(posts):.1f}  min {min(posts):.1f}  max {max(posts):.1f}")


if __name__ == "__main__":
    main()
