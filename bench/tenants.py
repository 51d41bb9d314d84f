"""Issue 18 §4, many kampungs: one kampung's pages at 1 and at 100 kampungs on PostgreSQL (BENCH_DATABASE_URL).

Three databases on the bench server, built once and kept (a stamp in var/bench says with which seeding recipe):
  bench100_base         seed_demo's kampung: 300 households and a year of rounds, closed months, spending;
  bench100_tenants_1    a copy of it (CREATE DATABASE ... TEMPLATE);
  bench100_tenants_100  a copy of it plus 99 more kampungs, each a copy of the first written by one
                        INSERT ... SELECT ... CROSS JOIN generate_series per tenant table (about 11 million
                        contributions), every row carrying its kampung key and ids moved by a stride per kampung.
Both working databases then get the sheet cases' 500-house RT in kampung 1, and `migrate`, so a kept database
follows newer migrations instead of being rebuilt (a rebuild costs minutes on the shared machine). History rows
of the copies are not written: no page reads another kampung's history.

`python bench/tenants.py replicate N` runs inside Django on the database DATABASE_URL names.
"""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import common  # noqa: E402

# At least 100 kampungs, and enough of them for the 11 million contributions: a seeded kampung-year has
# rainy nights, missed RTs and total-only rounds, so 300 households give about 93,700 contributions, not 109,500.
# The ratios keep the names (tenants_100_vs_1_*): "100" there means this database.
KAMPUNGS = 118
HOUSEHOLDS = 300
MONTHS = 12
# Ids of kampung k are kampung 1's plus (k - 1) * STRIDE, so every key between copies stays consistent.
STRIDE = 10_000_000
# Bump when the build below changes what the databases hold.
RECIPE = "tenants-2"
# The key of the many-kampung database in what tenant_databases returns, and in the cases' and ratios' names.
MANY_LABEL = 100
BASE = "bench100_base"


def recipe_key() -> str:
    digest = hashlib.sha256(f"{RECIPE}/{KAMPUNGS}/{HOUSEHOLDS}/{MONTHS}/{STRIDE}".encode())
    digest.update((common.ROOT / "demo" / "seeding.py").read_bytes())
    return digest.hexdigest()[:12]


def _url(server_url: str, name: str) -> str:
    return server_url.rstrip("/").rsplit("/", 1)[0] + "/" + name


def _env(url: str) -> dict[str, str]:
    env = common.bench_env(common.BENCH_DIR / "unused.sqlite3")
    env["DATABASE_URL"] = url
    return env


def _scalar(url: str, sql: str):
    import psycopg

    with psycopg.connect(url) as db:
        return db.execute(sql).fetchone()[0]


def _size_mb(url: str) -> float:
    return round(_scalar(url, "SELECT pg_database_size(current_database())") / 1e6, 1)


def tenant_databases(server_url: str) -> tuple[dict[int, str], dict]:
    """{1: url, MANY_LABEL: url} of the two working databases, built when missing or of another recipe, and the facts
    of their build (seconds, sizes). A kept database is migrated to the current schema before use."""
    import psycopg

    common.BENCH_DIR.mkdir(parents=True, exist_ok=True)
    stamp = common.BENCH_DIR / "bench100_tenants.json"
    names = {1: "bench100_tenants_1", MANY_LABEL: f"bench100_tenants_{KAMPUNGS}"}
    urls = {n: _url(server_url, name) for n, name in names.items()}
    with psycopg.connect(server_url, autocommit=True) as admin:
        present = {row[0] for row in admin.execute("SELECT datname FROM pg_database").fetchall()}
    facts = json.loads(stamp.read_text()) if stamp.exists() else {}
    if facts.get("recipe") == recipe_key() and set(names.values()) <= present:
        started = time.perf_counter()
        for url in urls.values():
            common._manage(_env(url), "migrate", "--noinput", "-v0")
        facts["migrate_on_reuse_s"] = round(time.perf_counter() - started, 1)
        return urls, facts
    facts = _build(server_url, names, urls)
    stamp.write_text(json.dumps(facts, indent=2) + "\n")
    return urls, facts


def _build(server_url: str, names: dict[int, str], urls: dict[int, str]) -> dict:
    import psycopg

    seed_s = _seeded_base(server_url)
    seeded = time.perf_counter()
    with psycopg.connect(server_url, autocommit=True) as admin:
        for name in names.values():
            admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
        for name in names.values():
            admin.execute(f'CREATE DATABASE "{name}" TEMPLATE "{BASE}"')
    for url in urls.values():
        common._manage(_env(url), "migrate", "--noinput", "-v0")
    cloned = time.perf_counter()
    print(f"Copying kampung 1 into {KAMPUNGS - 1} more kampungs...", flush=True)
    # The replication runs in a Django process of its own, on the 100-kampung database.
    subprocess.run(
        [common.PYTHON, __file__, "replicate", str(KAMPUNGS)], env=_env(urls[MANY_LABEL]), cwd=common.ROOT, check=True
    )
    replicated = time.perf_counter()
    for url in urls.values():
        common._manage(_env(url), "shell", "-c", common.PREPARE_SCRIPT)
        with psycopg.connect(url, autocommit=True) as db:
            db.execute("ANALYZE")
    done = time.perf_counter()
    return {
        "recipe": recipe_key(),
        "kampungs": KAMPUNGS,
        "households_per_kampung": HOUSEHOLDS,
        "months": MONTHS,
        "seed_s": seed_s,
        "clone_s": round(cloned - seeded, 1),
        "replicate_s": round(replicated - cloned, 1),
        "build_s": round(seed_s + done - seeded, 1),
        "contributions": _scalar(urls[MANY_LABEL], "SELECT count(*) FROM nightly_contribution"),
        "size_mb": {str(n): _size_mb(url) for n, url in urls.items()},
    }


def _seeded_base(server_url: str) -> float:
    """Seed BASE unless a seeding of this recipe is there already (kept apart: it is the slow part, two minutes);
    the seconds the seeding took."""
    import psycopg

    stamp = common.BENCH_DIR / f"{BASE}.json"
    with psycopg.connect(server_url, autocommit=True) as admin:
        present = admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", [BASE]).fetchone()
        facts = json.loads(stamp.read_text()) if stamp.exists() else {}
        if present and facts.get("recipe") == recipe_key():
            return facts["seed_s"]
        admin.execute(f'DROP DATABASE IF EXISTS "{BASE}"')
        admin.execute(f'CREATE DATABASE "{BASE}"')
    started = time.perf_counter()
    base_env = _env(_url(server_url, BASE))
    print(f"Building {BASE} ({HOUSEHOLDS} households, {MONTHS} months)...", flush=True)
    common._manage(base_env, "migrate", "--noinput", "-v0")
    common._manage(
        base_env, "seed_demo", "--households", str(HOUSEHOLDS), "--months", str(MONTHS), "--seed", str(common.SEED)
    )
    seed_s = round(time.perf_counter() - started, 1)
    stamp.write_text(json.dumps({"recipe": recipe_key(), "seed_s": seed_s}) + "\n")
    return seed_s


# --- inside Django: the copy of kampung 1 into kampungs 2..N ---------------------------------------------------


def _tenant_models() -> list:
    """The tenant tables to copy, the profile and the roles included: every model with its own kampung key."""
    from django.apps import apps

    return [
        model
        for model in apps.get_models()
        if any(field.name == "kampung" for field in model._meta.concrete_fields)
        and not model.__name__.startswith("Historical")
        and not model._meta.proxy
    ]


def _select_list(model, tenant_tables: set[str]) -> tuple[str, str]:
    """The column list and the SELECT expressions that turn kampung 1's row into kampung k's."""
    from django.db import connection

    q = connection.ops.quote_name
    columns, values = [], []
    for field in model._meta.concrete_fields:
        column = q(field.column)
        columns.append(column)
        if field.name == "kampung":
            values.append("k")
        elif field.primary_key or (field.is_relation and field.related_model._meta.db_table in tenant_tables):
            values.append(f"t.{column} + (k - 1) * {STRIDE}")
        elif field.unique and field.get_internal_type() == "UUIDField":
            values.append(f"md5(t.{column}::text || k)::uuid")
        elif field.unique:
            values.append(f"t.{column} || '-' || k")
        else:
            values.append(f"t.{column}")
    return ", ".join(columns), ", ".join(values)


def replicate(kampungs: int) -> None:
    import django

    django.setup()
    from django.db import connection, transaction

    models = _tenant_models()
    tables = {model._meta.db_table for model in models}
    q = connection.ops.quote_name
    with transaction.atomic(), connection.cursor() as cursor:
        # As a restore does: the closed-month triggers and the foreign-key checks stay off while loading.
        cursor.execute("SET LOCAL session_replication_role = replica")
        cursor.execute(
            "INSERT INTO jimpitan_kampung (id, slug, name, is_suspended, publishes_overview, created_at, setup_nonce) "
            "SELECT k, 'bench-' || k, 'Kampung Bench ' || k, false, true, now(), '' "
            "FROM generate_series(2, %s) AS k",
            [kampungs],
        )
        for model in models:
            table = q(model._meta.db_table)
            cursor.execute(f"SELECT COALESCE(MAX(id), 0) FROM {table}")
            if cursor.fetchone()[0] >= STRIDE:
                raise RuntimeError(f"{table} has ids past the stride {STRIDE}")
            columns, values = _select_list(model, tables)
            started = time.perf_counter()
            cursor.execute(
                f"INSERT INTO {table} ({columns}) SELECT {values} FROM {table} AS t "
                f"CROSS JOIN generate_series(2, %s) AS k WHERE t.kampung_id = 1",
                [kampungs],
            )
            print(f"  {table}: {cursor.rowcount} rows in {time.perf_counter() - started:.1f} s", flush=True)
        for model in [*models, *_kampung_model()]:
            table = model._meta.db_table
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                f"(SELECT COALESCE(MAX(id), 0) + 1 FROM {q(table)}), false)"
            )


def _kampung_model() -> list:
    from jimpitan.models import Kampung

    return [Kampung]


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "replicate":
        replicate(int(sys.argv[2]))
        raise SystemExit(0)
    raise SystemExit("usage: bench/tenants.py replicate N")
