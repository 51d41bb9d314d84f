"""`make bench`: time every page case against floors measured in the same process, on the benchmark database.

Each case runs through django.test.Client with the settings of a real run (DEBUG off, manifest static files,
file cache, SQLite in WAL with synchronous=FULL). Warm-ups first, then timed repeats; the SQL query count
comes from one extra, untimed request under CaptureQueriesContext. Results go to var/bench/results.json and
a table on stdout. `BENCH_ONLY=sheet_post_500,sql_floor_sheet_post make bench` runs just those cases (a ratio
whose two cases did not both run shows n/a).
"""

from __future__ import annotations

import datetime as dt
import gc
import json
import math
import os
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import common  # noqa: E402
from bench.tenants import MANY_LABEL  # noqa: E402


@dataclass
class Case:
    name: str
    # Returns (prepare, run); prepare() is untimed.
    build: Callable[[], tuple[Callable[[], None], Callable[[], object]]]
    warmup: int = 3
    repeats: int = 20


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[max(0, math.ceil(fraction * len(ordered)) - 1)]


def main() -> int:
    db_path = common.working_copy("run")
    env = common.bench_env(db_path)
    common.collect_static(env)
    os.environ.update(env)

    import django

    django.setup()
    from bench import cases
    from jimpitan.tenancy import FIRST_KAMPUNG_ID, activate_for_process

    # The bench's pages and floors are the first kampung's, as a request of a single-kampung install.
    activate_for_process(FIRST_KAMPUNG_ID)
    started = time.perf_counter()
    context = cases.Context.create()
    dataset = context.dataset()  # before the import case adds its households
    results: dict[str, dict] = {}
    only = {name for name in os.environ.get("BENCH_ONLY", "").split(",") if name}
    for case in cases.all_cases(context):
        if only and case.name not in only:
            continue
        results[case.name] = measure(case)
        print(f"  {case.name:<34} {describe(results[case.name])}", flush=True)
    history = run_history(only)
    errors = history.pop("errors", [])
    for years, part in history.items():
        for name, result in part.pop("cases").items():
            results[f"history_{years}_{name}"] = result
    tenants = run_tenants(only)
    for part in tenants.get("parts", {}).values():
        results.update(part.pop("cases"))
    ratios = compute_ratios(results)
    output = {
        "dataset": dataset,
        "cases": results,
        "ratios": ratios,
        "history": history,
        "history_queries": history_queries(results),
        "history_errors": errors,
        "tenants": tenants,
        "tenants_queries": tenants_queries(results),
        "measured_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "python": sys.version.split()[0],
        "database": "sqlite (WAL, synchronous=FULL)",
    }
    out_path = common.BENCH_DIR / "results.json"
    out_path.write_text(json.dumps(output, indent=2) + "\n")
    print()
    print(table(output))
    print(f"\nWritten to {out_path.relative_to(common.ROOT)} in {time.perf_counter() - started:.0f} s.")
    unequal = [page for page, counts in output["tenants_queries"].items() if not counts["equal"]]
    if unequal:
        print(f"Query counts differ between 1 and {TENANT_COUNTS[-1]} kampungs: {', '.join(unequal)}")
        return 1
    return 0


# 1 kampung, and the database of tenants.KAMPUNGS (at least 100) kampungs under the label.
TENANT_COUNTS = (1, MANY_LABEL)
TENANT_PAGES = ("ledger", "sheet_post", "report")


# Each database is measured in this many rounds, taken in turn (1, 100, 1, 100, ...): the shared machine's drift
# over minutes then falls on both sides of the ratio instead of on whichever database ran second.
TENANT_ROUNDS = 3


def run_tenants(only: set[str]) -> dict:
    """Kampung 1's pages on the 1- and on the 100-kampung PostgreSQL database (bench/tenants.py), each round in a
    child process: the build's facts and, by "tenants_1" and "tenants_100", each part's dataset and cases (the
    rounds' timings pooled). Nothing without BENCH_DATABASE_URL; a failure is reported, as the PostgreSQL
    history's is."""
    server = os.environ.get("BENCH_DATABASE_URL", "")
    if not server or (only and not any(name.startswith("tenants_") for name in only)):
        return {}
    from bench import tenants

    try:
        urls, facts = tenants.tenant_databases(server)
        rounds: dict[int, list[dict]] = {count: [] for count in TENANT_COUNTS}
        for _ in range(TENANT_ROUNDS):
            for count in TENANT_COUNTS:
                rounds[count].append(_tenants_round(count, urls[count]))
        parts = {f"tenants_{count}": _pooled(rounds[count]) for count in TENANT_COUNTS}
    except Exception as error:
        print(f"PostgreSQL tenants failed: {error}", flush=True)
        return {"error": str(error)}
    return {"build": facts, "rounds": TENANT_ROUNDS, "parts": parts}


def _tenants_round(count: int, url: str) -> dict:
    env = common.bench_env(common.BENCH_DIR / "unused.sqlite3")
    env["DATABASE_URL"] = url
    env["JIMPITAN_CACHE_DIR"] = str(common.BENCH_DIR / f"cache-tenants-{count}")
    out = common.BENCH_DIR / f"tenants-{count}-results.json"
    out.unlink(missing_ok=True)
    subprocess.run([sys.executable, __file__, "--tenants", str(count), str(out)], env=env, check=True)
    return json.loads(out.read_text())


def _pooled(rounds: list[dict]) -> dict:
    """One part from its rounds: each case's timings pooled, its query count the same in every round."""
    cases = {}
    for name in rounds[0]["cases"]:
        times = [t for part in rounds for t in part["cases"][name]["times_ms"]]
        counts = {part["cases"][name]["queries"] for part in rounds}
        if len(counts) != 1:
            raise RuntimeError(f"{name} made {sorted(counts)} queries in different rounds")
        cases[name] = summary(times, queries=counts.pop())
    return {"dataset": rounds[0]["dataset"], "cases": cases}


def tenants_child(count: str, out: Path) -> int:
    """In the child process: kampung 1's cases, run inside its kampung as a request is."""
    import django

    django.setup()
    from bench import cases
    from jimpitan.tenancy import FIRST_KAMPUNG_ID, activate

    results = {}
    with activate(FIRST_KAMPUNG_ID):
        context = cases.TenantsContext.create(FIRST_KAMPUNG_ID)
        for case in cases.tenants_cases(context):
            name = f"tenants_{count}_{case.name}"
            results[name] = measure(case, keep_times=True)
            print(f"  {name:<34} {describe(results[name])}", flush=True)
        dataset = context.dataset()
    out.write_text(json.dumps({"dataset": dataset, "cases": results}, indent=2) + "\n")
    return 0


def tenants_queries(results: dict[str, dict]) -> dict[str, dict]:
    """The query counts of each of kampung 1's cases at 1 and at 100 kampungs: they must be equal."""
    counts = {}
    for page in TENANT_PAGES:
        by_count = {f"{n}": results.get(f"tenants_{n}_{page}", {}).get("queries") for n in TENANT_COUNTS}
        if None not in by_count.values():
            counts[page] = {**by_count, "equal": len(set(by_count.values())) == 1}
    return counts


def run_history(only: set[str]) -> dict:
    """The history cases, each history database in a child process of its own (a Django process serves one
    database): its dataset, what building it cost, and its cases' results, by "1y" and "10y" on SQLite, then
    by "pg_1y" and "pg_10y" on PostgreSQL when BENCH_DATABASE_URL names a server."""
    history = {}
    server = os.environ.get("BENCH_DATABASE_URL", "")
    for backend in ("sqlite", "pg") if server else ("sqlite",):
        for years in common.HISTORY_YEARS:
            tag = f"{years}y" if backend == "sqlite" else f"pg_{years}y"
            if only and not any(name.startswith(f"history_{tag}_") for name in only):
                continue
            try:
                history[tag] = history_part(tag, years, server if backend == "pg" else "")
            except Exception as error:
                if backend == "sqlite":
                    raise
                # The SQLite figures stand on their own: a PostgreSQL failure is reported, not fatal.
                print(f"PostgreSQL history {tag} failed: {error}", flush=True)
                history.setdefault("errors", []).append(f"{tag}: {error}")
    return history


def history_part(tag: str, years: int, server: str) -> dict:
    if server:
        url, facts = common.pg_history_database(years, server)
        env = common.bench_env(common.BENCH_DIR / "unused.sqlite3")
        env["DATABASE_URL"] = url
    else:
        db_path, facts = common.history_copy(years)
        env = common.bench_env(db_path)
    # A cache folder of its own: no page of another database is ever served from the shared one.
    env["JIMPITAN_CACHE_DIR"] = str(common.BENCH_DIR / f"cache-history-{tag}")
    out = common.BENCH_DIR / f"history-{tag}-results.json"
    out.unlink(missing_ok=True)
    subprocess.run([sys.executable, __file__, "--history", tag, str(out)], env=env, check=True)
    part = json.loads(out.read_text())
    return {"build": facts, "dataset": part["dataset"], "cases": part["cases"]}


def history_child(tag: str, out: Path) -> int:
    """In the child process: the history cases on the database the environment names."""
    import django

    django.setup()
    from bench import cases
    from jimpitan.tenancy import FIRST_KAMPUNG_ID, activate_for_process

    activate_for_process(FIRST_KAMPUNG_ID)
    context = cases.HistoryContext.create()
    results = {}
    for case in cases.history_cases(context):
        results[case.name] = measure(case)
        print(f"  {'history_' + tag + '_' + case.name:<34} {describe(results[case.name])}", flush=True)
    out.write_text(json.dumps({"dataset": context.dataset(), "cases": results}, indent=2) + "\n")
    return 0


def history_queries(results: dict[str, dict]) -> dict[str, dict]:
    """The query counts of each history page at 1 and at 10 years, per database: they must be equal."""
    counts = {}
    for backend in ("", "pg_"):
        for page in ("ledger", "household"):
            tags = [f"{backend}{years}y" for years in common.HISTORY_YEARS]
            by_years = {tag: results.get(f"history_{tag}_{page}", {}).get("queries") for tag in tags}
            if None not in by_years.values():
                counts[f"{backend}{page}"] = {**by_years, "equal": len(set(by_years.values())) == 1}
    return counts


def measure(case: Case, *, keep_times: bool = False) -> dict:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    prepare, run = case.build()
    # Garbage left by earlier cases is collected before this case starts, not charged to whichever case
    # happens to trigger the collector (xlsx_floor ran at 85 ms alone and 160 ms after the sheet cases).
    # Once per case, not per repeat: a full collection before each repeat leaves the CPU caches cold and
    # slowed the sub-millisecond cases threefold.
    gc.collect()
    for _ in range(case.warmup):
        prepare()
        run()
    times = []
    for _ in range(case.repeats):
        prepare()
        start = time.perf_counter()
        run()
        times.append((time.perf_counter() - start) * 1000)
    prepare()
    with CaptureQueriesContext(connection) as queries:
        run()
    result = summary(times, queries=len(queries))
    return {**result, "times_ms": [round(t, 2) for t in times]} if keep_times else result


def summary(times: list[float], *, queries: int) -> dict:
    return {
        "median_ms": round(statistics.median(times), 2),
        "p95_ms": round(percentile(times, 0.95), 2),
        "queries": queries,
        "repeats": len(times),
    }


def compute_ratios(results: dict[str, dict]) -> dict[str, float | None]:
    def ratio(a: str, b: str) -> float | None:
        x, y = results.get(a, {}).get("median_ms"), results.get(b, {}).get("median_ms")
        return round(x / y, 2) if x and y else None

    return {
        "ledger_vs_trivial": ratio("ledger_public_uncached", "trivial_view"),
        "ledger_vs_sql_floor": ratio("ledger_public_uncached", "sql_floor_ledger"),
        "sheet_post_vs_sql_floor": ratio("sheet_post_500", "sql_floor_sheet_post"),
        "keliling_sync_vs_sheet_post": ratio("keliling_sync_500", "sheet_post_500"),
        "xlsx_vs_floor": ratio("export_xlsx_month", "xlsx_floor"),
        "sheet_post_vs_floor_with_history": ratio("sheet_post_500", "sql_floor_sheet_post_with_history"),
        "history_10y_vs_1y_ledger": ratio("history_10y_ledger", "history_1y_ledger"),
        "history_10y_vs_1y_household": ratio("history_10y_household", "history_1y_household"),
        "pg_history_10y_vs_1y_ledger": ratio("history_pg_10y_ledger", "history_pg_1y_ledger"),
        "pg_history_10y_vs_1y_household": ratio("history_pg_10y_household", "history_pg_1y_household"),
        "tenants_100_vs_1_ledger": ratio("tenants_100_ledger", "tenants_1_ledger"),
        "tenants_100_vs_1_sheet_post": ratio("tenants_100_sheet_post", "tenants_1_sheet_post"),
        "tenants_100_vs_1_report": ratio("tenants_100_report", "tenants_1_report"),
    }


TARGETS = {
    "ledger_vs_trivial": 5.0,
    "ledger_vs_sql_floor": 1.0,
    "sheet_post_vs_sql_floor": 3.0,
    # The phone's batch writes the sheet's rows (500 contributions and their history) and one more row per tap,
    # its idempotency record, and reads 500 JSON records with their times: 1.5 x the rows, so at most 2 x.
    "keliling_sync_vs_sheet_post": 2.0,
    "xlsx_vs_floor": 2.0,
    # Issue 18 section 4: the save against the work it must do (its rows and their history), and the pages
    # residents open at 10 years of rounds against the same at 1 year.
    "sheet_post_vs_floor_with_history": 2.0,
    "history_10y_vs_1y_ledger": 1.5,
    "history_10y_vs_1y_household": 1.5,
    "pg_history_10y_vs_1y_ledger": 1.5,
    "pg_history_10y_vs_1y_household": 1.5,
    # Issue 18 section 4: a kampung's pages among 100 kampungs against the same kampung alone.
    "tenants_100_vs_1_ledger": 1.2,
    "tenants_100_vs_1_sheet_post": 1.2,
    "tenants_100_vs_1_report": 1.2,
}


def describe(result: dict) -> str:
    return f"median {result['median_ms']:>9.2f} ms  p95 {result['p95_ms']:>9.2f} ms  {result['queries']:>3} queries"


def table(output: dict) -> str:
    d = output["dataset"]
    lines = [
        f"Dataset: {d['households']} households, {d['months']} months, {d['contributions']} contributions",
        "",
        f"| {'case':<34} | {'median ms':>10} | {'p95 ms':>10} | {'queries':>7} |",
        f"|{'-' * 36}|{'-' * 12}|{'-' * 12}|{'-' * 9}|",
    ]
    for name, r in output["cases"].items():
        lines.append(f"| {name:<34} | {r['median_ms']:>10.2f} | {r['p95_ms']:>10.2f} | {r['queries']:>7} |")
    lines += ["", f"| {'ratio':<34} | {'value':>7} | {'target':>7} | met |", f"|{'-' * 36}|{'-' * 9}|{'-' * 9}|-----|"]
    for name, value in output["ratios"].items():
        target = TARGETS[name]
        met = "-" if value is None else ("yes" if value <= target else "NO")
        shown = "n/a" if value is None else f"{value:.2f}"
        lines.append(f"| {name:<34} | {shown:>7} | {'<= ' + format(target, 'g'):>7} | {met:<3} |")
    for tag, part in output.get("history", {}).items():
        b, d = part["build"], part["dataset"]
        lines.append(
            f"History {tag}: {d['rounds']} rounds, {d['contributions']} contributions, {d['closed_months']} closed "
            f"months; {b['size_mb']} MB, built in {b['build_s']} s, check_ledger passed"
        )
    build = output.get("tenants", {}).get("build")
    if build:
        lines.append(
            f"Tenants: {build['kampungs']} kampungs of {build['households_per_kampung']} households and "
            f"{build['months']} months, {build.get('contributions', '?')} contributions; {build['size_mb']} MB, "
            f"built in {build['build_s']} s"
        )
    for page, counts in output.get("tenants_queries", {}).items():
        lines.append(f"Queries of kampung 1's {page} at 1 / 100 kampungs: {counts['1']} / {counts['100']}")
    for page, counts in output.get("history_queries", {}).items():
        shown = " / ".join(f"{tag} {n}" for tag, n in counts.items() if tag != "equal")
        lines.append(f"Queries of the {page} page: {shown}: {'equal' if counts['equal'] else 'NOT EQUAL'}")
    return "\n".join(lines)


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "--history":
        raise SystemExit(history_child(sys.argv[2], Path(sys.argv[3])))
    if len(sys.argv) == 4 and sys.argv[1] == "--tenants":
        raise SystemExit(tenants_child(sys.argv[2], Path(sys.argv[3])))
    raise SystemExit(main())
