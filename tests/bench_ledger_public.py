"""Median render time of `/`, cached and uncached, on a 500-household, 5-year kampung.

Run: /work/main/.venv/bin/python -m pytest tests/bench_ledger_public.py -q -s -p no:randomly
(not collected by the normal suite: the file name does not start with test_).
"""

import statistics
import time

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from public.cache import invalidate_public_figures
from tests.ledger_public_seed import seed_kampung

pytestmark = pytest.mark.django_db

RUNS = 25


def _time(client, invalidate: bool) -> tuple[float, int]:
    durations, queries = [], 0
    for _ in range(RUNS):
        if invalidate:
            invalidate_public_figures()
        with CaptureQueriesContext(connection) as captured:
            start = time.perf_counter()
            response = client.get("/")
            durations.append(time.perf_counter() - start)
        assert response.status_code == 200
        queries = len(captured)
    return statistics.median(durations) * 1000, queries


def test_measure_public_ledger_render(client, bendahara):
    seed_kampung(500, 5, timezone.localdate(), rts=8, contribution_days=31)
    client.get("/")
    uncached, uncached_queries = _time(client, invalidate=True)
    cached, cached_queries = _time(client, invalidate=False)
    print(f"\n500 households, 5 years: uncached median {uncached:.1f} ms ({uncached_queries} queries), "
          f"cached median {cached:.1f} ms ({cached_queries} queries), {RUNS} runs each")
