"""A closed month freezes only its own kampung's records: every guard that looks for a row of
ledger_monthclosing now asks for the guarded row's kampung too, so closing kampung A's May leaves kampung B's
May open.

The guards were written by several migrations (ledger 0002, 0003, 0005, 0006, 0010; nightly 0010, 0013); this
one rewrites each of them in place from the database's own text, keeping every trigger's name: on SQLite a
trigger is dropped and created again, on PostgreSQL a function is replaced. A guard's closing lookup takes one
of four shapes, each qualified by the kampung of the row it checks; the migration refuses to finish if any
lookup is left without its kampung.
"""

import re

from django.db import migrations

CLOSINGS = "ledger_monthclosing"

# (pattern, replacement) pairs that put the kampung into a closing lookup; each matches only an unqualified one.
PER_KAMPUNG = [
    # A joined closing of a parent row (handover, catch-up): the parent's kampung.
    (
        r"(JOIN ledger_monthclosing m\s+ON )(m\.month = (?:date_trunc\('month', |date\()(\w+)\.)",
        r"\1m.kampung_id = \3.kampung_id AND \2",
    ),
    # The month of one row, NEW or OLD (SQLite).
    (
        r"(FROM ledger_monthclosing WHERE )(month = (?:date\(|CASE WHEN )(NEW|OLD)\.)",
        r"\1kampung_id = \3.kampung_id AND \2",
    ),
    # PostgreSQL's shared guard reads the row's date through jsonb into `day`, NEW's first and OLD's after.
    (
        r"(to_jsonb\((NEW|OLD)\) ->> TG_ARGV\[0\]\)::date;\s+IF EXISTS \(SELECT 1 FROM ledger_monthclosing WHERE )"
        r"(month = date_trunc\('month', day\)::date\))",
        r"\1kampung_id = \2.kampung_id AND \3",
    ),
    # An account's opening in PostgreSQL: the old month in OLD's kampung, the new one in NEW's.
    (
        r"FROM ledger_monthclosing WHERE month IN \(old_month, new_month\)",
        "FROM ledger_monthclosing WHERE (kampung_id = OLD.kampung_id AND month = old_month) "
        "OR (kampung_id = NEW.kampung_id AND month = new_month)",
    ),
    # Both months of an update (profile or account opening, a round's evening): either kampung of the row.
    (
        r"(FROM ledger_monthclosing WHERE )(month IN \(\s*(?:CASE|date))",
        r"\1kampung_id IN (OLD.kampung_id, NEW.kampung_id) AND \2",
    ),
]

PER_MONTH = [
    # The account opening's pair first: the single-row rule below would otherwise take its two halves apart.
    (
        r"\(kampung_id = OLD\.kampung_id AND month = old_month\) OR \(kampung_id = NEW\.kampung_id AND "
        r"month = new_month\)",
        "month IN (old_month, new_month)",
    ),
    (r"m\.kampung_id = \w+\.kampung_id AND ", ""),
    (r"kampung_id = (?:NEW|OLD)\.kampung_id AND (month = )", r"\1"),
    (r"kampung_id IN \(OLD\.kampung_id, NEW\.kampung_id\) AND ", ""),
]

LOOKUP = re.compile(r"(?:FROM|JOIN) ledger_monthclosing\b")
QUALIFIED = re.compile(
    r"(?:FROM|JOIN) ledger_monthclosing(?: m\s+ON m\.kampung_id| WHERE kampung_id| WHERE \(kampung_id)"
)


def rewrite(text: str, rules: list[tuple[str, str]]) -> str:
    for pattern, replacement in rules:
        text = re.sub(pattern, replacement, text)
    return text


def _guards(schema_editor) -> dict[str, str]:
    """name -> definition of every trigger (SQLite) or function (PostgreSQL) that looks up a closing."""
    with schema_editor.connection.cursor() as cursor:
        if schema_editor.connection.vendor == "sqlite":
            cursor.execute(
                "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND sql LIKE %s", [f"%{CLOSINGS}%"]
            )
        else:
            cursor.execute(
                "SELECT p.proname, pg_get_functiondef(p.oid) FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace "
                "WHERE n.nspname = current_schema() AND p.prosrc LIKE %s",
                [f"%{CLOSINGS}%"],
            )
        return dict(cursor.fetchall())


def _replace(schema_editor, rules: list[tuple[str, str]], *, check: bool) -> None:
    sqlite = schema_editor.connection.vendor == "sqlite"
    for name, text in _guards(schema_editor).items():
        new = rewrite(text, rules)
        if check and len(LOOKUP.findall(new)) != len(QUALIFIED.findall(new)):
            raise RuntimeError(f"{name}: a closed-month lookup is left without its kampung")
        if new == text:
            continue
        if sqlite:
            schema_editor.execute(f"DROP TRIGGER {name};")
        schema_editor.execute(new)


def per_kampung(apps, schema_editor):
    _replace(schema_editor, PER_KAMPUNG, check=True)


def per_month(apps, schema_editor):
    _replace(schema_editor, PER_MONTH, check=False)


class Migration(migrations.Migration):
    dependencies = [
        ("jimpitan", "0009_kampung"),
        ("ledger", "0012_numbers_per_kampung"),
        ("nightly", "0014_kampung"),
        ("spending", "0006_kampung"),
    ]

    operations = [migrations.RunPython(per_kampung, per_month)]
