"""Concurrency drill: 8 users save through the nightly sheet at once, on a real SQLite file (and on
PostgreSQL when the suite runs there): different rounds, and the same round at the same instant."""

import pytest

from tests.drills.support import SUITE_BACKENDS

THREADS, SAVES_EACH = 8, 100


@pytest.fixture(params=SUITE_BACKENDS)
def drill_db(request, tmp_path, migrated):
    db = migrated.database(tmp_path / "kampung", request.param, "conc")
    db.env["DJANGO_ALLOWED_HOSTS"] = "testserver"
    yield db
    db.drop()


def test_eight_savers_at_once_lose_nothing(drill_db):
    run = drill_db.task("concurrency", str(THREADS), str(SAVES_EACH), "10", timeout=300)
    print(
        f"\nconcurrency drill ({drill_db.backend}): {run['attempted']} saves attempted, {run['saved']} saved, "
        f"{run['conflicts']} conflict messages, {run['lost']} contributions lost, {run['seconds']} s"
    )
    # No "database is locked", no 500, nothing but success or the conflict message reached a user.
    assert run["errors"] == []
    assert run["attempted"] == THREADS * SAVES_EACH
    assert run["saved"] + run["conflicts"] == run["attempted"]
    # Every same-round race has exactly one winner; the 7 others were told of the conflict.
    assert run["winners_per_race"] == {str(race): 1 for race in range(run["races"])}
    assert run["conflicts"] == run["races"] * (THREADS - 1)
    # Every saved sheet is stored whole: no contribution lost, the stored total is the sheet's.
    assert run["lost"] == 0
    assert run["mismatched"] == []
    assert run["rounds"] == run["expected_rounds"]
    assert run["contributions"] == run["expected_contributions"]
