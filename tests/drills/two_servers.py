"""Two-server drill (`make two-server-drill`): two gunicorn servers, A and B, each with its own var folder, on one
PostgreSQL database, one Redis (CACHE_URL) and one S3 endpoint (moto's server mode), all on loopback.

What must hold, or the drill exits non-zero:
The deployment serves two kampungs by path (/k/latihan/ and /k/tetangga/), as a deployment of many does.

- a sheet saved through A shows on `/` through B at once, though B served `/` from its cache just before, and
  the other kampung's page through B keeps its own balance;
- a receipt uploaded through A opens through B with the same bytes as in the bucket, and neither server keeps
  it on its own disk;
- a session started on A works on B, and a logout on B ends it on A;
- login failures on A lock the user out on B (django-axes counts in the database);
- `manage.py check_ledger` passes at the end, for every kampung.

Run: DRILL_DATABASE_URL=postgres://user@host:port/name python -m tests.drills.two_servers
The database named there is dropped and created again; Redis and moto are started here on free ports.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import secrets
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import boto3
import psycopg
import redis as redis_client
from psycopg import sql

from tests.drills.crash import PASSWORD, ROOT, App, Browser, _check_ledger, _django, _free_port

HOUSEHOLDS = 20
KAMPUNG, NEIGHBOUR = "latihan", "tetangga"
NEIGHBOUR_CASH = 500_000
SHEET_AMOUNT = 1_500
BUCKET = "jimpitan-drill"
S3_KEYS = {"JIMPITAN_S3_ACCESS_KEY_ID": "drill", "JIMPITAN_S3_SECRET_ACCESS_KEY": "drill-secret"}


def _wait_for(what: str, probe, process: subprocess.Popen, timeout: float = 30) -> None:
    """Until `probe()` answers true; a helper that never gets ready is stopped, not left running."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and process.poll() is None:
        try:
            if probe():
                return
        except OSError:
            pass
        time.sleep(0.1)
    process.terminate()
    process.wait(10)
    raise RuntimeError(f"{what} did not become ready (exit code {process.returncode})")


def _start(command: list[str], log: Path) -> subprocess.Popen:
    return subprocess.Popen(command, cwd=ROOT, stdout=open(log, "ab"), stderr=subprocess.STDOUT)  # noqa: SIM115


def start_redis(work: Path) -> tuple[subprocess.Popen, str]:
    port = _free_port()
    redis = shutil.which("redis-server") or "/usr/bin/redis-server"
    process = _start(
        [redis, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", str(work)],
        work / "redis.log",
    )
    url = f"redis://127.0.0.1:{port}/0"

    def ping() -> bool:
        try:
            return bool(redis_client.Redis.from_url(url).ping())
        except redis_client.ConnectionError:  # not listening yet
            return False

    _wait_for("redis-server", ping, process)
    return process, url


def start_s3(work: Path) -> tuple[subprocess.Popen, str]:
    port = _free_port()
    moto = Path(sys.executable).with_name("moto_server")
    process = _start([str(moto), "-H", "127.0.0.1", "-p", str(port)], work / "moto.log")
    endpoint = f"http://127.0.0.1:{port}"

    def up() -> bool:
        with urllib.request.urlopen(endpoint, timeout=2) as response:
            return response.status == 200

    _wait_for("moto_server", up, process)
    _s3(endpoint).create_bucket(Bucket=BUCKET)
    return process, endpoint


def _s3(endpoint: str):
    return boto3.client(
        "s3",
        endpoint_url=endpoint,
        region_name="us-east-1",
        aws_access_key_id=S3_KEYS["JIMPITAN_S3_ACCESS_KEY_ID"],
        aws_secret_access_key=S3_KEYS["JIMPITAN_S3_SECRET_ACCESS_KEY"],
    )


def fresh_database(url: str) -> None:
    """Drop and create the drill's database, through the server's maintenance database."""
    parts = urllib.parse.urlsplit(url)
    name = parts.path.lstrip("/")
    if not name or parts.scheme not in {"postgres", "postgresql"}:
        raise SystemExit(f"DRILL_DATABASE_URL={url!r} must name a PostgreSQL database")
    admin = urllib.parse.urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
        connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def server_env(base: dict, var_dir: Path) -> dict:
    var_dir.mkdir(parents=True)
    return {**base, "JIMPITAN_VAR_DIR": str(var_dir)}


def seed() -> dict:
    """The kampung, its Bendahara and a Pokja member, one RT of households, and cash to spend."""
    from django.contrib.auth import get_user_model

    from households.models import RT, Household
    from jimpitan.models import Kampung, KampungProfile
    from jimpitan.roles import BENDAHARA, POKJA, grant_role
    from jimpitan.tenancy import FIRST_KAMPUNG_ID, activate
    from spending.models import OtherIncome

    KampungProfile.objects.create(name="Kampung Latihan Dua Server")
    Kampung.objects.filter(pk=FIRST_KAMPUNG_ID).update(slug=KAMPUNG)
    neighbour = Kampung.objects.create(slug=NEIGHBOUR, name="Kampung Tetangga")
    with activate(neighbour.pk):
        KampungProfile.objects.create(kampung=neighbour, name="Kampung Tetangga")
        OtherIncome.objects.create(
            received_on=dt.date.today() - dt.timedelta(days=3), description="Kas", amount=NEIGHBOUR_CASH
        )
    users = get_user_model().objects
    grant_role(user=users.create_user("bendahara", password=PASSWORD, is_staff=True), role=BENDAHARA)
    grant_role(user=users.create_user("pokja", password=PASSWORD), role=POKJA)
    rt = RT.objects.create(number=1)
    Household.objects.bulk_create(
        Household(rt=rt, address=f"No. {i}", head_name=f"Warga {i}", route_position=i) for i in range(1, HOUSEHOLDS + 1)
    )
    OtherIncome.objects.create(received_on=dt.date.today() - dt.timedelta(days=3), description="Kas", amount=1_000_000)
    return {"rt": rt.pk, "households": list(Household.objects.order_by("pk").values_list("pk", flat=True))}


def public_balance(base: str) -> int:
    """`/` as an anonymous visitor sees it (no cookies, so the shared page is served)."""
    with urllib.request.urlopen(base + "/", timeout=30) as response:
        page = response.read().decode()
    figure = re.search(r'data-figure="balance">([^<]+)<', page).group(1)
    return int(re.sub(r"\D", "", figure))


def multipart(fields: dict, files: dict) -> tuple[bytes, str]:
    boundary = secrets.token_hex(16)
    parts = []
    for name, value in fields.items():
        parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode())
    for name, (filename, content, content_type) in files.items():
        head = f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; filename="{filename}"\r\n'
        parts.append(f"{head}Content-Type: {content_type}\r\n\r\n".encode() + content + b"\r\n")
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


def post_multipart(browser: Browser, path: str, fields: dict, files: dict) -> int:
    body, content_type = multipart({**fields, "csrfmiddlewaretoken": browser.csrf()}, files)
    request = urllib.request.Request(
        browser.base + path, data=body, headers={"Content-Type": content_type, "Referer": browser.base + path}
    )
    try:
        with browser.opener.open(request, timeout=60) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def get_bytes(browser: Browser, path: str) -> tuple[int, bytes]:
    try:
        with browser.opener.open(browser.base + path, timeout=30) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, b""


def on(server: str, browser: Browser) -> Browser:
    """The same visitor (the same cookies) talking to another server."""
    other = Browser(server)
    other.jar = browser.jar
    other.opener = browser.opener
    return other


def local_files(*folders: Path) -> list[str]:
    return [str(p) for folder in folders for p in (folder / "media").rglob("*") if p.is_file()]


def check_public_page(a: str, b: str, bendahara: Browser, world: dict) -> tuple[bool, str]:
    before = public_balance(b)
    public_balance(b)  # served from B's own copy now
    evening = dt.date.today() - dt.timedelta(days=1)
    path = "/jimpitan/lembar/?" + urllib.parse.urlencode({"malam": evening.isoformat(), "rt": world["rt"]})
    bendahara.get(path)
    data = {"version": "0", "collectors": "Regu Pon", "notes": "", "counted_cash": ""}
    for household in world["households"]:
        data[f"a-{household}"], data[f"s-{household}"] = str(SHEET_AMOUNT), "dibayar"
    status = bendahara.post(path, data)
    after = public_balance(b)
    expected = before + SHEET_AMOUNT * HOUSEHOLDS
    neighbour = public_balance(_kampung_base(b, NEIGHBOUR))
    ok = status == 302 and after == expected and public_balance(a) == expected and neighbour == NEIGHBOUR_CASH
    return ok, (
        f"sheet saved on A ({status}); balance on B Rp {before} -> Rp {after} (expected Rp {expected}); "
        f"the other kampung on B Rp {neighbour} (expected Rp {NEIGHBOUR_CASH})"
    )


def _kampung_base(base: str, slug: str) -> str:
    """The same server's address for another kampung of the deployment."""
    return base.rsplit("/k/", 1)[0] + f"/k/{slug}"


def check_receipt(a_bendahara: Browser, b: str, endpoint: str, var_dirs: list[Path]) -> tuple[bool, str]:
    from spending.models import Expense
    from tests.spending.factories import jpeg_bytes

    fields = {"spent_on": dt.date.today().isoformat(), "description": "Gas elpiji", "amount": "150000"}
    a_bendahara.get("/kas/pengeluaran/baru/")
    status = post_multipart(
        a_bendahara, "/kas/pengeluaran/baru/", fields, {"receipt_file": ("nota.jpg", jpeg_bytes(), "image/jpeg")}
    )
    expense = Expense.objects.order_by("pk").last()
    if status != 302 or expense is None or not expense.receipt:
        return False, f"upload on A answered {status}; no receipt saved"
    stored = _s3(endpoint).get_object(Bucket=BUCKET, Key=expense.receipt.name)["Body"].read()
    b_status, b_bytes = get_bytes(on(b, a_bendahara), f"/kas/pengeluaran/{expense.pk}/nota/")
    a_status, a_bytes = get_bytes(a_bendahara, f"/kas/pengeluaran/{expense.pk}/nota/")
    on_disk = local_files(*var_dirs)
    ok = b_status == a_status == 200 and b_bytes == a_bytes == stored and not on_disk
    return ok, (
        f"receipt {expense.receipt.name} uploaded on A ({status}); B answered {b_status} with "
        f"{len(b_bytes)} bytes, {'the same' if b_bytes == stored else 'NOT the same'} as the bucket's "
        f"{len(stored)}; files on the servers' own disks: {len(on_disk)}"
    )


def check_sessions(a: str, b: str) -> tuple[bool, str]:
    visitor = Browser(a)
    visitor.login("pokja")
    on_b = on(b, visitor)
    signed_in_on_b = "Keluar" in on_b.get("/beranda/")
    logout = on_b.post("/keluar/", {})
    status, _ = get_bytes(visitor, "/beranda/")  # A: a redirect to the login page once the session is gone
    ok = signed_in_on_b and logout == 302 and status == 302
    return ok, f"logged in on A, signed in on B: {signed_in_on_b}; logged out on B, A then answered {status}"


def check_lockout(a: str, b: str) -> tuple[bool, str]:
    from django.conf import settings

    guesser = Browser(a)
    guesser.get("/masuk/")
    answers = [guesser.post("/masuk/", {"username": "bendahara", "password": f"salah-{n}"}) for n in range(5)]
    on_b = on(b, guesser)
    on_b.get("/masuk/")
    right = on_b.post("/masuk/", {"username": "bendahara", "password": PASSWORD})
    status, _ = get_bytes(on_b, "/beranda/")
    ok = right == settings.AXES_HTTP_RESPONSE_CODE and status == 302
    return ok, f"5 wrong passwords on A answered {answers}; the right one on B answered {right}"


def _attempt(check, *args) -> tuple[bool, str]:
    """A check that breaks (a missing object, an unexpected page) fails that check; the others still run."""
    try:
        return check(*args)
    except Exception as error:  # noqa: BLE001 - any error is this check's failure, reported by name
        return False, f"{type(error).__name__}: {error}"


def run() -> dict:
    database_url = os.environ.get("DRILL_DATABASE_URL", "")
    if not database_url:
        raise SystemExit("Set DRILL_DATABASE_URL to a PostgreSQL database the drill may drop and create.")
    work = Path(tempfile.mkdtemp(prefix="jimpitan-two-servers-"))
    fresh_database(database_url)
    processes: list[subprocess.Popen] = []
    apps: list[App] = []
    try:
        redis, cache_url = start_redis(work)
        processes.append(redis)
        s3, endpoint = start_s3(work)
        processes.append(s3)
        env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_URL", "JIMPITAN_"))}
        env.update(
            {
                "DATABASE_URL": database_url,
                "CACHE_URL": cache_url,
                "JIMPITAN_S3_BUCKET": BUCKET,
                "JIMPITAN_S3_ENDPOINT_URL": endpoint,
                "JIMPITAN_S3_REGION": "us-east-1",
                **S3_KEYS,
                # Every server of one deployment shares the key: it signs the sessions both must read.
                "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
                "DJANGO_DEBUG": "1",
                "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
                "JIMPITAN_KAMPUNG_ROUTING": "path",
                "PYTHONPATH": str(ROOT),
            }
        )
        subprocess.run([sys.executable, "manage.py", "migrate", "--noinput", "-v0"], cwd=ROOT, env=env, check=True)
        _django({**env, "JIMPITAN_VAR_DIR": str(work / "drill")})
        world = seed()
        var_dirs = [work / "server-a", work / "server-b"]
        for var_dir in var_dirs:
            apps.append(App(server_env(env, var_dir), _free_port(), var_dir / "gunicorn.log"))
            apps[-1].start()
        a, b = (f"http://127.0.0.1:{app.port}/k/{KAMPUNG}" for app in apps)
        bendahara = Browser(a)
        bendahara.login("bendahara")
        checks = {
            "public page": _attempt(check_public_page, a, b, bendahara, world),
            "receipt": _attempt(check_receipt, bendahara, b, endpoint, var_dirs),
            "sessions": _attempt(check_sessions, a, b),
            "login throttling": _attempt(check_lockout, a, b),
            "check_ledger": _attempt(_check_ledger, env),
        }
    finally:
        for app in apps:
            app.stop()
        for process in processes:
            process.terminate()
            process.wait(10)
    return {"ok": all(ok for ok, _ in checks.values()), "checks": checks, "folder": str(work)}


def main() -> int:
    started = time.monotonic()
    result = run()
    for name, (ok, detail) in result["checks"].items():
        print(f"{name}: {'held' if ok else 'FAILED'}: {detail}")
    print(f"drill took {time.monotonic() - started:.0f} s")
    if "--json" in sys.argv:
        print(json.dumps(result))
    if result["ok"]:
        shutil.rmtree(result["folder"], ignore_errors=True)
        print("TWO-SERVER DRILL PASSED")
        return 0
    print(f"TWO-SERVER DRILL FAILED (logs kept in {result['folder']})")
    return 1


if __name__ == "__main__":
    sys.exit(main())
