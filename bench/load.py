"""`make load`: gunicorn (2 workers) on 127.0.0.1 over a copy of the benchmark database, driven by locust
headless twice, with the resident mix and then the trivial-view baseline. Under two minutes in all.

Writes var/bench/load.json and prints a table; the gunicorn log is checked for "database is locked".
"""

from __future__ import annotations

import datetime as dt
import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import common  # noqa: E402

USERS = int(os.environ.get("LOAD_USERS", "20"))
MIX_SECONDS = int(os.environ.get("LOAD_MIX_SECONDS", "40"))
BASELINE_SECONDS = int(os.environ.get("LOAD_BASELINE_SECONDS", "25"))
WORKERS = 2


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def prepare_targets(db_path: Path) -> dict:
    """URLs for the crowd and a known password for the treasurer, from the load database itself."""
    os.environ.update(common.bench_env(db_path))
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.urls import reverse

    from households.models import RT, Household, HouseholdStatus
    from jimpitan.lib.evening import evening_of
    from spending.models import Project

    password = "load-" + secrets.token_urlsafe(12)
    user = get_user_model().objects.get(username="bendahara")
    user.set_password(password)
    user.save()

    households = [
        reverse("household_page", args=[code])
        for code in Household.objects.filter(status=HouseholdStatus.ACTIVE)
        .exclude(rt__number=common.BENCH_RT_NUMBER)
        .values_list("private_code", flat=True)[:50]
    ]
    projects = [reverse("public_project", args=[pk]) for pk in Project.objects.values_list("pk", flat=True)[:20]]
    # The treasurer keeps saving tonight's sheet of RT 01, an RT with five years of rounds behind it.
    rt = RT.objects.get(number=1)
    sheet = reverse("nightly:sheet") + f"?malam={evening_of().isoformat()}&rt={rt.pk}"
    connection.close()
    return {
        "ledger": reverse("public_ledger"),
        "trivial": reverse("ping"),
        "login": reverse("login"),
        "projects": projects,
        "households": households,
        "sheet": sheet,
        "username": "bendahara",
        "password": password,
    }


def wait_until_up(base: str, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(base + "/ping", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise SystemExit("gunicorn did not answer /ping within 30 s; see var/bench/gunicorn.log")


def run_locust(base: str, env: dict, label: str, classes: list[str], seconds: int) -> dict:
    prefix = common.BENCH_DIR / f"load-{label}"
    command = [
        sys.executable,
        "-m",
        "locust",
        "-f",
        str(common.ROOT / "bench" / "locustfile.py"),
        "--headless",
        "-u",
        str(USERS),
        "-r",
        str(USERS),
        "-t",
        f"{seconds}s",
        "--stop-timeout",
        "5",
        "--host",
        base,
        "--json-file",
        str(prefix),
        "--only-summary",
        "--skip-log",
        "--exit-code-on-error",
        "0",
        *classes,
    ]
    print(f"locust {label}: {USERS} users for {seconds} s ({', '.join(classes)})", flush=True)
    with open(f"{prefix}.log", "w") as log:
        subprocess.run(command, env=env, cwd=common.ROOT, check=True, stdout=log, stderr=subprocess.STDOUT)
    entries = json.loads(Path(f"{prefix}.json").read_text())
    start = min(e["start_time"] for e in entries)
    end = max(e["last_request_timestamp"] for e in entries)
    duration = max(end - start, 1e-9)
    by_name = {}
    everything: Counter = Counter()
    for entry in entries:
        histogram = Counter({int(float(k)): v for k, v in entry["response_times"].items()})
        everything.update(histogram)
        label = (
            entry["name"]
            if entry["method"] == "GET" or entry["name"] == "sheet POST"
            else f"{entry['method']} {entry['name']}"
        )
        by_name[label] = summarise(entry["num_requests"], entry["num_failures"], histogram, duration)
    by_name["Aggregated"] = summarise(
        sum(e["num_requests"] for e in entries), sum(e["num_failures"] for e in entries), everything, duration
    )
    return by_name


def summarise(requests: int, errors: int, histogram: Counter, duration: float) -> dict:
    def percentile(fraction: float) -> int | None:
        if not requests:
            return None
        wanted, seen = fraction * sum(histogram.values()), 0
        for ms in sorted(histogram):
            seen += histogram[ms]
            if seen >= wanted:
                return ms
        return max(histogram)

    return {
        "requests": requests,
        "errors": errors,
        "rps": round(requests / duration, 1),
        "p50_ms": percentile(0.50),
        "p95_ms": percentile(0.95),
        "p99_ms": percentile(0.99),
    }


def main() -> int:
    db_path = common.working_copy("load")
    env = common.bench_env(db_path)
    common.collect_static(env)
    targets = prepare_targets(db_path)
    targets_path = common.BENCH_DIR / "load-targets.json"
    targets_path.write_text(json.dumps(targets))
    env["LOAD_TARGETS"] = str(targets_path)

    port = free_port()
    base = f"http://127.0.0.1:{port}"
    log_path = common.BENCH_DIR / "gunicorn.log"
    log = open(log_path, "w")  # noqa: SIM115 - the server writes to it for as long as it runs
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "jimpitan.wsgi:application",
            "--workers",
            str(WORKERS),
            "--bind",
            f"127.0.0.1:{port}",
            "--error-logfile",
            "-",
            "--capture-output",
            "--log-level",
            "warning",
        ],
        env=env,
        cwd=common.ROOT,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    started = time.perf_counter()
    try:
        wait_until_up(base)
        mix = run_locust(base, env, "mix", ["Resident", "Treasurer"], MIX_SECONDS)
        baseline = run_locust(base, env, "baseline", ["BaselineResident"], BASELINE_SECONDS)
    finally:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            server.kill()
        log.close()
    log_text = log_path.read_text()
    locked = log_text.count("database is locked")
    mix_total = mix["Aggregated"]
    residents = {k: v for k, v in mix.items() if k in ("/", "project page", "household page")}
    resident_rps = round(sum(v["rps"] for v in residents.values()), 1)
    base_total = baseline["Aggregated"]
    result = {
        "measured_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "users": USERS,
        "gunicorn_workers": WORKERS,
        "mix": {"seconds": MIX_SECONDS, **mix_total, "by_page": mix},
        "baseline": {"seconds": BASELINE_SECONDS, **base_total},
        "mix_vs_baseline_rps": round(mix_total["rps"] / base_total["rps"], 2) if base_total["rps"] else None,
        "resident_rps": resident_rps,
        "database_is_locked_in_log": locked,
        "targets": {
            "zero_errors": mix_total["errors"] == 0 and base_total["errors"] == 0,
            "no_database_locked": locked == 0,
            "mix_at_least_half_of_baseline": bool(base_total["rps"]) and mix_total["rps"] >= 0.5 * base_total["rps"],
        },
        "pages_missing": [k for k in ("projects", "households", "sheet") if not targets[k]],
    }
    (common.BENCH_DIR / "load.json").write_text(json.dumps(result, indent=2) + "\n")
    print(table(result))
    print(f"\nWritten to var/bench/load.json in {time.perf_counter() - started:.0f} s; log: var/bench/gunicorn.log")
    return 0


def table(result: dict) -> str:
    lines = [
        f"| {'run':<22} | {'requests':>8} | {'rps':>7} | {'p50 ms':>7} | {'p95 ms':>7} | {'p99 ms':>7} "
        f"| {'errors':>6} |",
        f"|{'-' * 24}|{'-' * 10}|{'-' * 9}|{'-' * 9}|{'-' * 9}|{'-' * 9}|{'-' * 8}|",
    ]

    def row(label: str, r: dict) -> str:
        return (
            f"| {label:<22} | {r['requests']:>8} | {r['rps']:>7.1f} | {r['p50_ms']!s:>7} | {r['p95_ms']!s:>7} "
            f"| {r['p99_ms']!s:>7} | {r['errors']:>6} |"
        )

    lines.append(row("mix (all)", result["mix"]))
    for name, r in result["mix"]["by_page"].items():
        if name != "Aggregated":
            lines.append(row(f"  {name}", r))
    lines.append(row("baseline (trivial)", result["baseline"]))
    lines.append("")
    lines.append(
        f"mix/baseline rps: {result['mix_vs_baseline_rps']} (target >= 0.5); "
        f'"database is locked" in log: {result["database_is_locked_in_log"]}; '
        f"pages missing: {', '.join(result['pages_missing']) or 'none'}"
    )
    return "\n".join(lines)


if __name__ == "__main__":
    raise SystemExit(main())
