"""Backup drill: back up while another thread saves rounds, restore the copy elsewhere, and compare
every row and the cash book with the source as it stood at the backup's moment."""

import json
import tarfile

import pytest

from tests.drills.support import SUITE_BACKENDS, DrillDatabase


@pytest.fixture(params=SUITE_BACKENDS)
def drill_dbs(request, tmp_path, migrated):
    source = migrated.database(tmp_path / "source", request.param, "src")
    target = DrillDatabase(tmp_path / "target", request.param, "dst")
    yield source, target
    source.drop()
    target.drop()


def test_backup_while_saving_restores_a_consistent_moment(drill_dbs, tmp_path):
    source, target = drill_dbs
    archive = tmp_path / "backup.tar.gz"

    run = source.task("backup-during-writes", str(archive))
    assert run["errors"] == []
    committed = run["committed"]
    assert len(committed) >= run["after"] + 20, "the writer kept saving after the backup"

    # Restore into an empty place; the restore command itself runs migrate and check_ledger.
    restore = target.manage("restore", str(archive))
    assert "Restore complete" in restore.stdout

    copy = target.task("dump")
    copied = copy["round_ids"]
    k = len(copied)
    # The copy holds exactly the rounds committed up to one moment during the backup: a prefix.
    assert run["before"] <= k <= run["after"] + 1, (run["before"], k, run["after"])
    assert sorted(committed[:k]) == copied
    # Every row of every table equals the source's, once the rounds saved after that moment are set aside.
    expected = source.task("dump", json.dumps(copied))
    assert copy["round_ids"] == expected["round_ids"]
    assert copy["tables"].keys() == expected["tables"].keys()
    for table, rows in expected["tables"].items():
        assert copy["tables"][table] == rows, table
    assert copy["cash_book"] == expected["cash_book"]
    assert copy["balance"] == expected["balance"] > 0
    # The nightly totals add up in the copy: the stored round totals match their contributions.
    contributions = copy["tables"]["nightly_contribution"]
    assert len(contributions) == k * 30

    # The receipt came back byte for byte.
    receipt = next(target.folder.joinpath("media", "receipts").iterdir())
    assert receipt.read_bytes() == b"\xff\xd8 nota sapu lidi"
    with tarfile.open(archive) as tar:
        names = tar.getnames()
    assert names[0] == "manifest.json"
    assert any(n.startswith("media/receipts/nota-sapu") for n in names)
    print(
        f"\nbackup drill ({source.backend}): {len(committed)} rounds saved, {k} in the copy "
        f"(between {run['before']} and {run['after'] + 1}), backup took {run['backup_seconds']} s"
    )
