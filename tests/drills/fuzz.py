"""Shared pieces of the bad-input drill: hostile field values and a fingerprint of the whole database."""

from __future__ import annotations

import json

from django.db import connection
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

# Hypothesis budget per form: enough to find crashes, small enough for a 2-core CI run.
FUZZ = settings(
    max_examples=120,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large],
    derandomize=True,
)

# Tables that a rejected submit may legitimately touch: sessions, and the login-attempt log (throttling).
VOLATILE_TABLES = ("django_session", "axes_")

AMOUNT_TEXTS = [
    "",
    "0",
    "500",
    "3.500.000",
    "3500000",
    "-1",
    "-500",
    "1.000,50",
    "1e9",
    "9" * 30,
    "Rp 500",
    "rp500",
    " 500 ",
    "½",
    "٣٠٠",
    "500.",
    ".500",
    "5.00.0",
    "NaN",
    "inf",
    "0x10",
    "१२३",
    "\x00",
    "500\x00",
    "9223372036854775808",
]
DATE_TEXTS = [
    "",
    "2026-02-30",
    "2026-13-01",
    "0000-00-00",
    "9999-12-31",
    "1900-01-01",
    "kemarin",
    "2026-03-04",
    "04/03/2026",
    "2026-3-4",
    "\x00",
]


def hostile_text(max_size: int = 300):
    """Any text, and the classics: markup, SQL, formula injection, NUL, RTL marks, very long."""
    return st.one_of(
        st.text(max_size=max_size),
        st.sampled_from(
            [
                "",
                " ",
                "<script>alert(1)</script>",
                "'; DROP TABLE households_household; --",
                '=HYPERLINK("x")',
                "\x00",
                "a\x00b",
                "\u202eRT",
                "x" * 5000,
                "RT 03",
                "Jl. Melati No. 5",
                "{{ 7*7 }}",
                "%(name)s",
            ]
        ),
    )


def amount_text():
    return st.one_of(st.sampled_from(AMOUNT_TEXTS), st.integers(-(10**20), 10**20).map(str), st.text(max_size=20))


def date_text():
    return st.one_of(st.sampled_from(DATE_TEXTS), st.dates().map(lambda d: d.isoformat()), st.text(max_size=12))


def db_state() -> dict[str, object]:
    """Every row of every table (but sessions and login-attempt logs), for before/after comparison."""
    with connection.cursor() as cursor:
        tables = [
            table
            for table in sorted(connection.introspection.table_names(cursor))
            if not table.startswith(VOLATILE_TABLES) and table != "sqlite_sequence"
        ]
        if connection.vendor == "postgresql":
            return _pg_state(cursor, tables)
        state = {}
        for table in tables:
            cursor.execute(f'SELECT * FROM "{table}"')
            state[table] = sorted(json.dumps(row, default=str) for row in cursor.fetchall())
    return state


def _pg_state(cursor, tables: list[str]) -> dict[str, object]:
    """The same fingerprint in one query: each table's rows as their text, sorted and joined by the server. A
    query per table cost most of a submit's time on PostgreSQL (the drill takes two fingerprints per submit)."""
    rows = "coalesce(string_agg(t::text, E'\\n' ORDER BY t::text COLLATE \"C\"), '')"
    parts = [f'SELECT %s::text, {rows} FROM "{table}" AS t' for table in tables]
    cursor.execute(" UNION ALL ".join(parts), tables)
    return dict(cursor.fetchall())


def changed_tables(before: dict, after: dict) -> list[str]:
    return [table for table in before.keys() | after.keys() if before.get(table) != after.get(table)]


class Tally:
    """Counts the generated submissions per form, printed by the tests (the drill's figure)."""

    counts: dict[str, int] = {}

    @classmethod
    def add(cls, form: str) -> None:
        cls.counts[form] = cls.counts.get(form, 0) + 1
