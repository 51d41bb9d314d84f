"""Median time of the monthly XLSX and PDF for a 500-household kampung, 31 evenings of per-household rows.

Run: /work/main/.venv/bin/python -m pytest tests/bench_ledger_reports.py -q -s -p no:randomly
(not collected by the normal suite: the file name does not start with test_).
"""

import datetime as dt
import statistics
import time

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from reports import data
from reports.pdf import build_pdf
from reports.xlsx import build_xlsx
from tests.ledger_public_seed import seed_kampung

pytestmark = pytest.mark.django_db
RUNS = 5


def _median(fn) -> tuple[float, int, int]:
    durations = []
    for _ in range(RUNS):
        with CaptureQueriesContext(connection) as captured:
            start = time.perf_counter()
            content = fn(data.build(dt.date(2026, 1, 1)))
            durations.append(time.perf_counter() - start)
    return statistics.median(durations), len(captured), len(content)


def test_measure_reports(kampung):
    seed_kampung(500, 1, dt.date(2026, 1, 31), rts=8, contribution_days=31)
    for name, fn in (("xlsx", build_xlsx), ("pdf", build_pdf)):
        seconds, queries, size = _median(fn)
        print(f"\n{name}: median {seconds:.2f} s over {RUNS} runs (report data included), {queries} queries, {size} bytes")
        assert seconds < 10
