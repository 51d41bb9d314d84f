"""Backups of the whole kampung: the database and the uploaded files (receipts, photos) in one archive.

An archive is a .tar.gz holding `manifest.json`, the database (`db.sqlite3`, or `db.pgdump` from
pg_dump's custom format) and `media/`. Taking one is safe while the app serves requests:
- SQLite: the online backup API copies the database in one step inside one read transaction, so the
  copy is the database exactly as it stood at one moment; writers carry on meanwhile (WAL mode).
- PostgreSQL: pg_dump reads everything in one snapshot.
The media folder is copied *after* the database: a receipt is written to disk before its row is
committed, so every file the copied database refers to is already there.
With media in an S3-compatible bucket (JIMPITAN_S3_BUCKET) the archive holds the database only and its
manifest names the bucket: the bucket is kept by its own versioning and replication, not copied through
one app server's disk.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.db import DatabaseError, connections, transaction

FORMAT_VERSION = 1
MANIFEST_NAME = "manifest.json"
SQLITE_NAME = "db.sqlite3"
PGDUMP_NAME = "db.pgdump"
MEDIA_DIR = "media"
ARCHIVE_PREFIX = "jimpitan-"
ARCHIVE_SUFFIX = ".tar.gz"
# The tables counted in the manifest and after a restore: what an operator recognises.
COUNTED_MODELS = (
    "auth.User",
    "households.Household",
    "nightly.Round",
    "nightly.Contribution",
    "spending.Expense",
    "spending.OtherIncome",
    "ledger.MonthClosing",
)
# Data that makes a database "not empty": our own apps and the user accounts.
DATA_APPS = ("jimpitan", "households", "nightly", "spending", "ledger")
# Rows that the migrations themselves make in a new database (the Kas tunai account): not data.
MIGRATION_ROWS = {
    "ledger.account": {"is_default": True, "opening_balance": 0},
    # The first kampung, made by the migration before any setup.
    "jimpitan.kampung": {"pk": 1, "slug": "kampung"},
    "jimpitan.historicalkampung": {"id": 1, "slug": "kampung"},
}


class BackupError(Exception):
    """A backup or restore that cannot go ahead; the message says what to do."""


@dataclass
class BackupResult:
    path: Path
    manifest: dict


def engine() -> str:
    vendor = connections["default"].vendor
    if vendor not in ("sqlite", "postgresql"):
        raise BackupError(f"Backups support SQLite and PostgreSQL, not {vendor}.")
    return vendor


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _sqlite_path() -> Path:
    return Path(settings.DATABASES["default"]["NAME"])


def _pg_env() -> dict[str, str]:
    """libpq environment for pg_dump/pg_restore, so that the password never shows in `ps`."""
    db: Mapping[str, object] = settings.DATABASES["default"]
    env = dict(os.environ)
    for key, name in (
        ("HOST", "PGHOST"),
        ("PORT", "PGPORT"),
        ("USER", "PGUSER"),
        ("PASSWORD", "PGPASSWORD"),
        ("NAME", "PGDATABASE"),
    ):
        if db.get(key):
            env[name] = str(db[key])
    return env


def _pg_tool(name: str) -> str:
    path = shutil.which(name)
    if not path:
        raise BackupError(
            f"{name} was not found. The database is PostgreSQL, and its backups need the PostgreSQL client "
            f"tools: install them with `apt-get install postgresql-client` (the same major version as the "
            f"server, or newer), then run this command again."
        )
    return path


def _table_counts_sqlite(db_file: Path) -> dict[str, int]:
    counts = {}
    conn = sqlite3.connect(db_file)
    try:
        for label in COUNTED_MODELS:
            table = apps.get_model(label)._meta.db_table
            try:
                counts[label] = conn.execute(f'SELECT COUNT(*) FROM "{table}"').fetchone()[0]
            except sqlite3.OperationalError:
                counts[label] = 0
    finally:
        conn.close()
    return counts


def _sqlite_connect(path: Path, **kwargs) -> sqlite3.Connection:
    """A plain sqlite3 connection that knows Django's SQL functions: CHECK constraints call them,
    and integrity_check evaluates the constraints."""
    from django.db.backends.sqlite3._functions import register

    conn = sqlite3.connect(path, **kwargs)
    register(conn)
    return conn


def snapshot_sqlite(source: Path, target: Path) -> str:
    """Copy a live SQLite database into `target` as one consistent file; returns integrity_check's word."""
    src = sqlite3.connect(source, timeout=60)
    dest = _sqlite_connect(target)
    try:
        # pages=-1: the whole database in one step, under one read transaction, hence one moment.
        src.backup(dest, pages=-1)
        # The copy is a single self-contained file: no -wal beside it.
        dest.execute("PRAGMA journal_mode=DELETE")
        return dest.execute("PRAGMA integrity_check").fetchone()[0]
    finally:
        dest.close()
        src.close()


def _dump_postgresql(target: Path) -> dict[str, int]:
    """pg_dump inside a snapshot we export, so the row counts in the manifest are of the same moment."""
    tool = _pg_tool("pg_dump")
    with transaction.atomic(using="default"):
        with connections["default"].cursor() as cursor:
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            cursor.execute("SELECT pg_export_snapshot()")
            snapshot = cursor.fetchone()[0]
        counts = row_counts()
        result = subprocess.run(
            [tool, "--format=custom", "--no-owner", "--no-privileges", f"--snapshot={snapshot}", f"--file={target}"],
            env=_pg_env(),
            capture_output=True,
            text=True,
        )
    if result.returncode != 0:
        raise BackupError(f"pg_dump failed: {result.stderr.strip()}")
    return counts


def _applied_migrations() -> dict[str, str]:
    from django.db.migrations.recorder import MigrationRecorder

    latest: dict[str, str] = {}
    for app, name in MigrationRecorder(connections["default"]).applied_migrations():
        if name > latest.get(app, ""):
            latest[app] = name
    return dict(sorted(latest.items()))


def media_bucket() -> str | None:
    """The S3 bucket the uploaded files live in, or None when they are in MEDIA_ROOT on this machine."""
    default = settings.STORAGES["default"]
    if default["BACKEND"] == "django.core.files.storage.FileSystemStorage":
        return None
    return default.get("OPTIONS", {}).get("bucket_name") or default["BACKEND"]


def _media_files(root: Path) -> list[Path]:
    if media_bucket() is not None or not root.is_dir():
        return []
    return sorted(p for p in root.rglob("*") if p.is_file() and not p.is_symlink())


def archive_name(now: dt.datetime | None = None) -> str:
    now = now or dt.datetime.now()
    return f"{ARCHIVE_PREFIX}{now:%Y%m%d-%H%M%S}{ARCHIVE_SUFFIX}"


def create_backup(output: Path, keep: int | None = None) -> BackupResult:
    """Write a backup archive to `output` (a file, or a folder that gets a dated file name)."""
    kind = engine()
    output = Path(output)
    if output.is_dir():
        output = output / archive_name()
    output.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix=".jimpitan-backup-", dir=output.parent) as work:
        work_dir = Path(work)
        if kind == "sqlite":
            db_file = work_dir / SQLITE_NAME
            integrity = snapshot_sqlite(_sqlite_path(), db_file)
            if integrity != "ok":
                raise BackupError(f"The database copy failed SQLite's integrity check: {integrity}")
            counts = _table_counts_sqlite(db_file)
        else:
            db_file = work_dir / PGDUMP_NAME
            counts = _dump_postgresql(db_file)
            integrity = "pg_dump"
        media_root = Path(settings.MEDIA_ROOT)
        media = _media_files(media_root)  # listed after the database copy: see the module docstring
        manifest = {
            "format": FORMAT_VERSION,
            "app": "jimpitan",
            "created_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            "engine": kind,
            "database_file": db_file.name,
            "database_sha256": _sha256(db_file),
            "integrity_check": integrity,
            "row_counts": counts,
            "migrations": _applied_migrations(),
            "media_bucket": media_bucket(),
            "media_files": len(media),
            "media_bytes": sum(p.stat().st_size for p in media),
        }
        partial = work_dir / "archive.partial"
        with tarfile.open(partial, "w:gz") as tar:
            data = json.dumps(manifest, indent=2).encode()
            info = tarfile.TarInfo(MANIFEST_NAME)
            info.size, info.mtime, info.mode = len(data), int(dt.datetime.now().timestamp()), 0o600
            tar.addfile(info, io.BytesIO(data))
            tar.add(db_file, arcname=db_file.name, recursive=False)
            for path in media:
                tar.add(path, arcname=f"{MEDIA_DIR}/{path.relative_to(media_root).as_posix()}", recursive=False)
        # Residents' names and phones are inside: only the owner may read the archive.
        partial.chmod(0o600)
        with open(partial, "rb") as handle:
            os.fsync(handle.fileno())
        os.replace(partial, output)  # a half-written archive never carries the final name
    if keep:
        prune_backups(output.parent, keep)
    return BackupResult(output, manifest)


def prune_backups(folder: Path, keep: int) -> list[Path]:
    """Delete all but the newest `keep` dated archives in `folder`; returns what was deleted."""
    archives = sorted(p for p in folder.glob(f"{ARCHIVE_PREFIX}*{ARCHIVE_SUFFIX}") if p.is_file())
    doomed = archives[:-keep] if keep > 0 else []
    for path in doomed:
        path.unlink()
    return doomed


# --- Restore --------------------------------------------------------------------------------


def read_manifest(archive: Path) -> dict:
    try:
        with tarfile.open(archive, "r:gz") as tar:
            member = tar.getmember(MANIFEST_NAME)
            manifest_file = tar.extractfile(member)
            if manifest_file is None:  # the name is there, but not as a regular file
                raise KeyError(MANIFEST_NAME)
            manifest = json.load(manifest_file)
    except (OSError, KeyError, tarfile.TarError, json.JSONDecodeError) as error:
        raise BackupError(f"{archive} is not a Jimpitan backup archive ({error}).") from None
    if manifest.get("app") != "jimpitan" or manifest.get("format") != FORMAT_VERSION:
        raise BackupError(f"{archive} is not a Jimpitan backup archive of format {FORMAT_VERSION}.")
    return manifest


def database_has_data() -> bool:
    """True when the target database holds any user, household, round, expense... (tables may be missing)."""
    if engine() == "sqlite":
        path = _sqlite_path()
        if not path.exists() or path.stat().st_size == 0:
            return False
    models = [apps.get_model("auth", "User")]
    models += [m for label in DATA_APPS for m in apps.get_app_config(label).get_models()]
    try:
        return any(
            # Every kampung's rows: the base manager, not the kampung-scoped default one.
            model._base_manager.using("default").exclude(**MIGRATION_ROWS.get(model._meta.label_lower, {})).exists()
            for model in models
        )
    except DatabaseError:
        # Tables not created yet: nothing in it. A failed query leaves PostgreSQL's connection unusable.
        connections["default"].close()
        return False
    finally:
        connections["default"].close()


def media_has_files() -> bool:
    return bool(_media_files(Path(settings.MEDIA_ROOT)))


def row_counts() -> dict[str, int]:
    return {label: apps.get_model(label)._base_manager.count() for label in COUNTED_MODELS}


def _remove_sqlite_sidecars(path: Path) -> list[Path]:
    """Delete -wal/-shm/-journal files: replayed onto a restored file they would corrupt it."""
    removed = []
    for suffix in ("-wal", "-shm", "-journal"):
        sidecar = path.with_name(path.name + suffix)
        if sidecar.exists():
            sidecar.unlink()
            removed.append(sidecar)
    return removed


def restore_backup(archive: Path, force: bool = False) -> dict:
    """Put an archive's database and media back. Refuses a target with data unless `force`."""
    archive = Path(archive)
    manifest = read_manifest(archive)
    if manifest.get("kampung"):
        raise BackupError(
            f"{archive} holds one kampung ({manifest['kampung']}), not a whole deployment: "
            "load it with manage.py restore --kampung-archive PATH."
        )
    kind = engine()
    if manifest["engine"] != kind:
        raise BackupError(
            f"This backup holds a {manifest['engine']} database but the app is set up for {kind}. "
            f"Set DATABASE_URL (or unset it for SQLite) to match the backup, then run restore again."
        )
    if not force:
        problems = []
        if database_has_data():
            problems.append("the database already holds data")
        if media_has_files():
            problems.append(f"the media folder {settings.MEDIA_ROOT} is not empty")
        if problems:
            raise BackupError(
                "Refusing to restore: " + " and ".join(problems) + ". Restoring replaces everything in them; "
                "to do that, run restore again with --force (take a backup of the current state first)."
            )
    media_root = Path(settings.MEDIA_ROOT)
    media_root.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix=".jimpitan-restore-", dir=media_root.parent) as work:
        staging = Path(work)
        with tarfile.open(archive, "r:gz") as tar:
            # The "data" filter refuses absolute paths, links out of the folder and device files.
            tar.extractall(staging, filter="data")
        db_file = staging / manifest["database_file"]
        if not db_file.is_file() or _sha256(db_file) != manifest["database_sha256"]:
            raise BackupError(f"The database inside {archive} is damaged (checksum mismatch); nothing was changed.")
        connections.close_all()
        if kind == "sqlite":
            _restore_sqlite(db_file)
        else:
            _restore_postgresql(db_file)
        staged_media = staging / MEDIA_DIR
        if media_root.exists():
            shutil.rmtree(media_root)
        if staged_media.is_dir():
            os.replace(staged_media, media_root)
        else:
            media_root.mkdir(parents=True)
    return manifest


def _restore_sqlite(db_file: Path) -> None:
    conn = _sqlite_connect(db_file)
    try:
        integrity = conn.execute("PRAGMA integrity_check").fetchone()[0]
    finally:
        conn.close()
    if integrity != "ok":
        raise BackupError(f"The database inside the backup fails SQLite's integrity check: {integrity}")
    target = _sqlite_path()
    target.parent.mkdir(parents=True, exist_ok=True)
    # Copy next to the target first, so the final step is one atomic rename on the same disk.
    incoming = target.with_name(target.name + ".restoring")
    shutil.copyfile(db_file, incoming)
    with open(incoming, "rb") as handle:
        os.fsync(handle.fileno())
    _remove_sqlite_sidecars(target)
    os.replace(incoming, target)
    _remove_sqlite_sidecars(target)


def _restore_postgresql(dump: Path) -> None:
    result = subprocess.run(
        [
            _pg_tool("pg_restore"),
            "--clean",
            "--if-exists",
            "--no-owner",
            "--no-privileges",
            "--single-transaction",
            "--exit-on-error",
            f"--dbname={_pg_env().get('PGDATABASE', '')}",
            str(dump),
        ],
        env=_pg_env(),
        capture_output=True,
        text=True,
    )
    if result.returncode != 0:
        raise BackupError(f"pg_restore failed; the database is as it was before: {result.stderr.strip()}")
