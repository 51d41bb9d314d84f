"""Shared by `make bench` and `make load`: the environment of a real run, and the cached benchmark database.

The database is built once with seed_demo (500 households, 60 months) plus one extra RT of 500 active
households for the nightly-sheet cases, and cached as var/bench/db-<hash>.sqlite3. The hash covers every
migration and the demo-data code, so a model change rebuilds it. Each run works on a copy, because the
sheet and import cases write to it. The history databases (1 and 10 years of rounds of the same kampung, for
issue 18's history-growth cases) are cached the same way, and copied into PostgreSQL when BENCH_DATABASE_URL is set.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH_DIR = ROOT / "var" / "bench"
HOUSEHOLDS = 500
MONTHS = 60
SEED = 1
BENCH_RT_NUMBER = 90  # the extra RT holding 500 households for sheet_get_500 / sheet_post_500
BENCH_RT_SIZE = 500
PYTHON = sys.executable
# History growth (issue 18 §4): the same kampung (households, RTs, accounts) with 1 and with 10 years of rounds.
HISTORY_YEARS = (1, 10)
# Bump when the build recipe below changes.
BUILD_RECIPE = "3"


def bench_env(db_path: Path) -> dict[str, str]:
    """Settings of a production run (DEBUG off, manifest static files, file cache), on loopback HTTP."""
    env = os.environ.copy()
    env.pop("DATABASE_URL", None)
    env.update(
        DJANGO_SETTINGS_MODULE="jimpitan.settings",
        DJANGO_DEBUG="0",
        DJANGO_SECRET_KEY="bench-only-key-not-for-production-3f9a1c77e2b84d0c",
        DJANGO_ALLOWED_HOSTS="127.0.0.1,localhost,testserver",
        JIMPITAN_SQLITE_PATH=str(db_path),
        JIMPITAN_CACHE_DIR=str(BENCH_DIR / "cache"),
        JIMPITAN_STATIC_ROOT=str(BENCH_DIR / "static"),
        JIMPITAN_MEDIA_ROOT=str(BENCH_DIR / "media"),
        # Plain HTTP on loopback: no HTTPS redirect, cookies without the Secure flag.
        JIMPITAN_SSL_REDIRECT="0",
        JIMPITAN_SECURE_COOKIES="0",
        JIMPITAN_HSTS_SECONDS="0",
        JIMPITAN_LOG_LEVEL="WARNING",
    )
    return env


def schema_key() -> str:
    digest = hashlib.sha256(BUILD_RECIPE.encode())
    files = sorted(ROOT.glob("*/migrations/*.py")) + sorted(ROOT.glob("*/demo.py")) + [ROOT / "demo" / "seeding.py"]
    for path in files:
        if path.exists():
            digest.update(str(path.relative_to(ROOT)).encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


def _manage(env: dict[str, str], *args: str) -> None:
    subprocess.run([PYTHON, str(ROOT / "manage.py"), *args], env=env, cwd=ROOT, check=True)


PREPARE_SCRIPT = f"""
import datetime as dt
from django.db import transaction
from households.models import RT, Household
from jimpitan.tenancy import FIRST_KAMPUNG_ID, activate_for_process
activate_for_process(FIRST_KAMPUNG_ID)
# A new RT that joins today: it fills tonight's sheet cases and stays out of last month's report grid.
with transaction.atomic():
    rt = RT.objects.create(number={BENCH_RT_NUMBER}, name="Bench", display_order=99)
    Household.objects.bulk_create(
        [Household(rt=rt, address=f"Blok Z No. {{n}}", head_name=f"Warga Uji {{n}}", usual_amount=500,
                   route_position=n, joined_on=dt.date.today()) for n in range(1, {BENCH_RT_SIZE} + 1)],
        batch_size=1000,
    )
"""


def ensure_database() -> Path:
    """The cached benchmark database for the current migrations, built if missing (about half a minute)."""
    BENCH_DIR.mkdir(parents=True, exist_ok=True)
    path = BENCH_DIR / f"db-{schema_key()}.sqlite3"
    if path.exists():
        return path
    building = path.with_suffix(".building")
    for stale in BENCH_DIR.glob(building.name + "*"):
        stale.unlink()
    env = bench_env(building)
    started = time.perf_counter()
    print(f"Building the benchmark database {path.name} ({HOUSEHOLDS} households, {MONTHS} months)...", flush=True)
    _manage(env, "migrate", "--noinput", "-v0")
    _manage(env, "seed_demo", "--households", str(HOUSEHOLDS), "--months", str(MONTHS), "--seed", str(SEED))
    _manage(env, "shell", "-c", PREPARE_SCRIPT)
    with sqlite3.connect(building) as db:
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        db.execute("ANALYZE")
    for old in BENCH_DIR.glob("db-*.sqlite3*"):
        old.unlink()
    for suffix in ("-wal", "-shm"):
        Path(str(building) + suffix).unlink(missing_ok=True)
    building.rename(path)
    print(f"Built in {time.perf_counter() - started:.0f} s.", flush=True)
    return path


def working_copy(name: str) -> Path:
    """A fresh copy of the cached database for one run."""
    source = ensure_database()
    target = BENCH_DIR / f"{name}.sqlite3"
    for suffix in ("", "-wal", "-shm"):
        Path(str(target) + suffix).unlink(missing_ok=True)
    shutil.copyfile(source, target)
    return target


def collect_static(env: dict[str, str]) -> None:
    """Manifest static files, as in production (DEBUG off needs them to render any page)."""
    _manage(env, "collectstatic", "--noinput", "-v0")


def history_database(years: int) -> tuple[Path, dict]:
    """The cached database of `years` years of rounds, closed months and spending (seed_demo, which writes the
    rounds with bulk `executemany` and closes every month but the last two through `close_month`), and what
    building it cost. `check_ledger` runs once on the built database and must pass."""
    BENCH_DIR.mkdir(parents=True, exist_ok=True)
    path = BENCH_DIR / f"history-{years}y-{schema_key()}.sqlite3"
    facts_path = path.with_suffix(".json")
    if path.exists() and facts_path.exists():
        return path, json.loads(facts_path.read_text())
    building = path.with_suffix(".building")
    for stale in BENCH_DIR.glob(building.name + "*"):
        stale.unlink()
    env = bench_env(building)
    months = 12 * years
    print(f"Building {path.name} ({HOUSEHOLDS} households, {months} months)...", flush=True)
    started = time.perf_counter()
    _manage(env, "migrate", "--noinput", "-v0")
    migrated = time.perf_counter()
    _manage(env, "seed_demo", "--households", str(HOUSEHOLDS), "--months", str(months), "--seed", str(SEED))
    seeded = time.perf_counter()
    with sqlite3.connect(building) as db:
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        db.execute("ANALYZE")
    built = time.perf_counter()
    _manage(env, "check_ledger")
    facts = {
        "years": years,
        "months": months,
        "build_s": round(built - started, 1),
        "migrate_s": round(migrated - started, 1),
        "seed_s": round(seeded - migrated, 1),
        "check_ledger_s": round(time.perf_counter() - built, 1),
        "check_ledger": "passed",
        "size_mb": round(building.stat().st_size / 1_000_000, 1),
    }
    for pattern in (f"history-{years}y-*.sqlite3", f"history-{years}y-*.json"):
        for old in BENCH_DIR.glob(pattern):
            old.unlink()
    for suffix in ("-wal", "-shm"):
        Path(str(building) + suffix).unlink(missing_ok=True)
    building.rename(path)
    facts_path.write_text(json.dumps(facts, indent=2) + "\n")
    print(f"Built in {facts['build_s']:.0f} s, {facts['size_mb']} MB; check_ledger passed.", flush=True)
    return path, facts


def history_copy(years: int) -> tuple[Path, dict]:
    """A fresh copy of the history database of `years` years for one run."""
    source, facts = history_database(years)
    target = BENCH_DIR / f"run-history-{years}y.sqlite3"
    for suffix in ("", "-wal", "-shm"):
        Path(str(target) + suffix).unlink(missing_ok=True)
    shutil.copyfile(source, target)
    return target, facts


# --- PostgreSQL (BENCH_DATABASE_URL): the same history databases, copied from the SQLite ones with COPY ----------

PG_SKIPPED_TABLES = frozenset({"django_migrations"})


def pg_history_database(years: int, server_url: str) -> tuple[str, dict]:
    """The URL of a PostgreSQL copy of the history database of `years` years, built if missing: the schema by
    `migrate`, every row by COPY from the SQLite database (triggers and foreign keys off while loading, as a
    restore does), the sequences moved past the copied ids, ANALYZE, and `check_ledger` once."""
    import psycopg

    source, _facts = history_database(years)
    name = f"bench_history_{years}y_{schema_key()}"
    url = server_url.rstrip("/").rsplit("/", 1)[0] + "/" + name
    facts_path = BENCH_DIR / f"{name}.json"
    with psycopg.connect(server_url, autocommit=True) as admin:
        exists = admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if exists and facts_path.exists():
            return url, json.loads(facts_path.read_text())
        # Databases of an older schema (another hash) go, as the SQLite files do.
        stale = admin.execute(
            "SELECT datname FROM pg_database WHERE datname LIKE %s", [f"bench\\_history\\_{years}y\\_%"]
        ).fetchall()
        for (old,) in stale:
            admin.execute(f'DROP DATABASE IF EXISTS "{old}"')
        admin.execute(f'CREATE DATABASE "{name}"')
    print(f"Building the PostgreSQL database {name} from {source.name}...", flush=True)
    env = bench_env(source)
    env["DATABASE_URL"] = url
    started = time.perf_counter()
    _manage(env, "migrate", "--noinput", "-v0")
    migrated = time.perf_counter()
    rows = _copy_into_postgres(source, url)
    copied = time.perf_counter()
    _manage(env, "check_ledger")
    facts = {
        "years": years,
        "build_s": round(copied - started, 1),
        "migrate_s": round(migrated - started, 1),
        "copy_s": round(copied - migrated, 1),
        "rows_copied": rows,
        "check_ledger_s": round(time.perf_counter() - copied, 1),
        "check_ledger": "passed",
    }
    with psycopg.connect(url) as db:
        facts["size_mb"] = round(db.execute("SELECT pg_database_size(current_database())").fetchone()[0] / 1e6, 1)
    facts_path.write_text(json.dumps(facts, indent=2) + "\n")
    print(f"Built in {facts['build_s']:.0f} s, {facts['size_mb']} MB; check_ledger passed.", flush=True)
    return url, facts


def _copy_into_postgres(source: Path, url: str) -> int:
    import psycopg

    copied = 0
    lite = sqlite3.connect(source)
    with psycopg.connect(url) as db:
        db.execute("SET session_replication_role = replica")
        db.execute("SET TIME ZONE 'UTC'")  # Django keeps UTC in SQLite's naive datetimes
        tables = [t for (t,) in lite.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
        pg_tables = {t for (t,) in db.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")}
        tables = [t for t in tables if t in pg_tables and t not in PG_SKIPPED_TABLES]
        db.execute("TRUNCATE " + ", ".join(f'"{t}"' for t in tables) + " RESTART IDENTITY CASCADE")
        for table in tables:
            columns = [row[1] for row in lite.execute(f'PRAGMA table_info("{table}")')]
            names = ", ".join(f'"{c}"' for c in columns)
            with db.cursor().copy(f'COPY "{table}" ({names}) FROM STDIN') as copy:
                for row in lite.execute(f'SELECT {names} FROM "{table}"'):
                    copy.write_row(row)
                    copied += 1
        sequences = db.execute(
            "SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = 'public' "
            "AND (is_identity = 'YES' OR column_default LIKE 'nextval%%')"
        ).fetchall()
        for table, column in sequences:
            db.execute(
                f"SELECT setval(pg_get_serial_sequence('\"{table}\"', '{column}'), "
                f'COALESCE((SELECT MAX("{column}") FROM "{table}"), 0) + 1, false)'
            )
        db.commit()
    with psycopg.connect(url, autocommit=True) as db:
        db.execute("ANALYZE")
    lite.close()
    return copied
