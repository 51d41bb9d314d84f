"""backup/restore commands: refusals, stale WAL files, damaged archives, retention, missing pg_dump."""

import shutil
import sqlite3
import tarfile
from pathlib import Path

import pytest

from jimpitan.lib import backup as backup_lib
from tests.drills.support import SUITE_BACKENDS, DrillDatabase

# A shell works for one kampung, as a request does: a tenant query outside any kampung raises.
IN_KAMPUNG = "from jimpitan.tenancy import activate_for_process; activate_for_process(1); "


@pytest.fixture(scope="module", params=SUITE_BACKENDS)
def seeded_with_backup(request, tmp_path_factory, migrated):
    """A seeded database with one receipt and its backup archive, made once: each test gets copies of them."""
    folder = tmp_path_factory.mktemp("seeded")
    source = migrated.database(folder / "source", request.param, "cseed")
    receipts = source.folder / "media" / "receipts"
    receipts.mkdir(parents=True)
    (receipts / "nota.jpg").write_bytes(b"nota")
    source.manage(
        "shell", "-c", IN_KAMPUNG + "from tests.drills.support import seed_kampung; seed_kampung(rts=1, per_rt=3)"
    )
    archive = folder / "kampung.tar.gz"
    result = source.manage("backup", "--output", str(archive))
    assert "Backup written" in result.stdout and "Household: 3" in result.stdout
    yield source, archive
    source.drop()


@pytest.fixture
def kampung_with_backup(seeded_with_backup, tmp_path):
    """A seeded database with one receipt, its backup archive, and an empty second place."""
    seeded, seeded_archive = seeded_with_backup
    source = DrillDatabase(tmp_path / "source", seeded.backend, "csrc", template=seeded)
    shutil.copytree(seeded.folder / "media", source.folder / "media")
    target = DrillDatabase(tmp_path / "target", seeded.backend, "cdst")
    archive = Path(shutil.copyfile(seeded_archive, tmp_path / "kampung.tar.gz"))
    yield source, target, archive
    source.drop()
    target.drop()


def _households(db: DrillDatabase) -> int:
    result = db.manage(
        "shell", "-c", IN_KAMPUNG + "from households.models import Household; print(Household.objects.count())"
    )
    return int(result.stdout.strip().splitlines()[-1])


def test_restore_refuses_a_target_with_data_unless_forced(kampung_with_backup):
    source, target, archive = kampung_with_backup
    refused = source.manage("restore", str(archive), check=False)
    assert refused.returncode != 0
    assert "Refusing to restore" in refused.stderr and "--force" in refused.stderr
    assert "database already holds data" in refused.stderr

    # Change the source, then force the backup back over it: the change is gone.
    source.manage(
        "shell",
        "-c",
        IN_KAMPUNG + "from households.models import Household; Household.objects.filter(address='No. 1').delete()",
    )
    assert _households(source) == 2
    forced = source.manage("restore", "--force", str(archive))
    assert "Restore complete" in forced.stdout
    assert _households(source) == 3


def test_restore_refuses_media_left_in_the_target(kampung_with_backup):
    source, target, archive = kampung_with_backup
    (target.folder / "media").mkdir()
    (target.folder / "media" / "old.jpg").write_bytes(b"x")
    refused = target.manage("restore", str(archive), check=False)
    assert refused.returncode != 0 and "media folder" in refused.stderr


def test_restore_into_an_empty_place_brings_media_and_data(kampung_with_backup, migrated, tmp_path):
    source, _target, archive = kampung_with_backup
    target = migrated.database(tmp_path / "fresh", source.backend, "cfresh")  # a set-up server: tables, no data
    try:
        result = target.manage("restore", str(archive))
        assert "Household: 3" in result.stdout
        assert (target.folder / "media" / "receipts" / "nota.jpg").read_bytes() == b"nota"
        assert _households(target) == 3
    finally:
        target.drop()


def test_restore_removes_stale_wal_and_shm_files(kampung_with_backup):
    source, target, archive = kampung_with_backup
    if source.backend != "sqlite":
        pytest.skip("SQLite files only")
    db = target.folder / "db.sqlite3"
    # A real write-ahead log left over from an earlier database (say, the one that broke): SQLite
    # would replay its pages onto the restored file and corrupt it.
    old = sqlite3.connect(db)
    old.execute("PRAGMA journal_mode=WAL")
    old.execute("PRAGMA wal_autocheckpoint=0")
    old.execute("CREATE TABLE households_household (id INTEGER PRIMARY KEY, junk TEXT)")
    with old:
        old.executemany("INSERT INTO households_household (junk) VALUES (?)", [("x" * 500,)] * 300)
    stale = {suffix: (target.folder / f"db.sqlite3{suffix}").read_bytes() for suffix in ("-wal", "-shm")}
    old.close()
    db.unlink()
    for suffix, data in stale.items():
        (target.folder / f"db.sqlite3{suffix}").write_bytes(data)
    assert len(stale["-wal"]) > 100_000
    target.manage("restore", str(archive))
    conn = backup_lib._sqlite_connect(db)
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert conn.execute("SELECT COUNT(*) FROM households_household").fetchone()[0] == 3
    conn.close()
    assert (
        not (target.folder / "db.sqlite3-wal").exists() or (target.folder / "db.sqlite3-wal").stat().st_size < 100_000
    )


def test_a_damaged_archive_changes_nothing(kampung_with_backup, tmp_path):
    source, target, archive = kampung_with_backup
    bad = tmp_path / "bad.tar.gz"
    with tarfile.open(archive) as tar_in, tarfile.open(bad, "w:gz") as tar_out:
        for member in tar_in.getmembers():
            data = tar_in.extractfile(member).read()
            if member.name.startswith("db."):
                middle = len(data) // 2
                data = data[:middle] + bytes(b ^ 0xFF for b in data[middle : middle + 64]) + data[middle + 64 :]
            import io

            tar_out.addfile(member, io.BytesIO(data))
    result = target.manage("restore", str(bad), check=False)
    assert result.returncode != 0 and "damaged" in result.stderr
    assert not (target.folder / "media").exists()
    not_archive = tmp_path / "notes.tar.gz"
    not_archive.write_text("hello")
    result = target.manage("restore", str(not_archive), check=False)
    assert "is not a Jimpitan backup archive" in result.stderr


def test_backup_into_a_folder_keeps_the_newest(kampung_with_backup, tmp_path):
    source, target, archive = kampung_with_backup
    folder = tmp_path / "nightly"
    folder.mkdir()
    for day in ("20260101-020000", "20260102-020000", "20260103-020000"):
        (folder / f"jimpitan-{day}.tar.gz").write_bytes(b"old")
    (folder / "something-else.txt").write_text("keep me")
    result = source.manage("backup", "--output", str(folder), "--keep", "2")
    names = sorted(p.name for p in folder.iterdir())
    assert len([n for n in names if n.startswith("jimpitan-")]) == 2
    assert "jimpitan-20260103-020000.tar.gz" in names and "something-else.txt" in names
    newest = [n for n in names if n.startswith("jimpitan-2026") and n != "jimpitan-20260103-020000.tar.gz"]
    assert newest and (folder / newest[0]).stat().st_mode & 0o077 == 0  # only the owner may read it
    assert "Backup written" in result.stdout


def test_missing_pg_dump_gives_a_clear_message(monkeypatch):
    monkeypatch.setattr(backup_lib.shutil, "which", lambda name: None)
    with pytest.raises(backup_lib.BackupError) as error:
        backup_lib._pg_tool("pg_dump")
    assert "apt-get install postgresql-client" in str(error.value)


def test_restore_reports_rounds_that_do_not_add_up(kampung_with_backup, tmp_path):
    """A backup whose round totals disagree with their rows is restored but reported, with a failing exit."""
    source, target, archive = kampung_with_backup
    source.manage(
        "shell",
        "-c",
        (
            IN_KAMPUNG + "import datetime as dt; from households.models import RT; from nightly.models import Round; "
            "Round.objects.create(rt=RT.objects.get(), evening=dt.date(2026, 3, 1), total=5000, households_listed=3)"
        ),
    )
    broken = tmp_path / "broken.tar.gz"
    source.manage("backup", "--output", str(broken))
    result = target.manage("restore", str(broken), check=False)
    assert result.returncode != 0
    assert "check_ledger found problems" in result.stderr
    assert "RT 1 malam 2026-03-01: tersimpan total 5000" in result.stderr  # names the round
    good = source.manage("restore", "--force", str(archive))
    assert "Buku kas cocok." in good.stdout
