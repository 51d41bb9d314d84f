"""Transaction numbers (nomor bukti, issue 17 section 2): the existing documents get theirs, then database triggers
keep the numbers honest beneath the services and the admin.

- Backfill: every expense, other income, adjustment, transfer and handover, per year in date order (then the
  order they were recorded), one sequence for all kinds. The closed-month and handover triggers would refuse
  writing a number into a closed month's rows, so they stand aside for the backfill only (SQLite: dropped and
  created again from their stored text; PostgreSQL: disabled and enabled).
- ledger_issuednumber: a number is refused unless it is the year's highest plus one; an issued number is never
  changed or removed (a removed document's number stays, void).
- Each document table: a row is refused unless its number was issued to its kind, and a number never changes.

Issued numbers have no TRUNCATE guard: the test suite's flush on PostgreSQL truncates every table.
"""

from django.db import migrations

from jimpitan.roles import sync_role_permissions

NEXT = "nomor bukti harus nomor berikutnya tahun itu"
KEPT = "nomor bukti yang sudah diberikan tidak bisa diubah atau dihapus"
NOT_ISSUED = "nomor bukti belum diberikan untuk dokumen ini"
CHANGED = "nomor bukti tidak bisa diubah"

# (app, model, table, date field, kind) of every numbered document.
DOCUMENTS = [
    ("spending", "Expense", "spending_expense", "spent_on", "pengeluaran"),
    ("spending", "OtherIncome", "spending_otherincome", "received_on", "pemasukan"),
    ("ledger", "Adjustment", "ledger_adjustment", "entry_date", "koreksi"),
    ("ledger", "Transfer", "ledger_transfer", "transfer_date", "pindah"),
    ("nightly", "Handover", "nightly_handover", "received_on", "setoran"),
]
TABLES = [table for _app, _model, table, _field, _kind in DOCUMENTS]


def sqlite_statements() -> list[str]:
    statements = [
        "CREATE TRIGGER ledger_issuednumber_next BEFORE INSERT ON ledger_issuednumber "
        "WHEN NEW.seq IS NOT (SELECT COALESCE(MAX(seq), 0) + 1 FROM ledger_issuednumber WHERE year = NEW.year) "
        f"BEGIN SELECT RAISE(ABORT, '{NEXT}'); END;",
        f"CREATE TRIGGER ledger_issuednumber_no_update BEFORE UPDATE ON ledger_issuednumber "
        f"BEGIN SELECT RAISE(ABORT, '{KEPT}'); END;",
        f"CREATE TRIGGER ledger_issuednumber_no_delete BEFORE DELETE ON ledger_issuednumber "
        f"BEGIN SELECT RAISE(ABORT, '{KEPT}'); END;",
    ]
    for _app, _model, table, _field, kind in DOCUMENTS:
        statements += sqlite_document_statements(table, kind)
    return statements


def sqlite_document_statements(table: str, kind: str) -> list[str]:
    """The guard of one numbered document table (a later numbered model's migration uses it too)."""
    return [
        f"CREATE TRIGGER {table}_number_insert BEFORE INSERT ON {table} WHEN NOT EXISTS (SELECT 1 FROM "
        f"ledger_issuednumber WHERE year = NEW.number_year AND seq = NEW.number AND kind = '{kind}') "
        f"BEGIN SELECT RAISE(ABORT, '{NOT_ISSUED}'); END;",
        f"CREATE TRIGGER {table}_number_update BEFORE UPDATE OF number, number_year ON {table} "
        "WHEN NEW.number IS NOT OLD.number OR NEW.number_year IS NOT OLD.number_year "
        f"BEGIN SELECT RAISE(ABORT, '{CHANGED}'); END;",
    ]


def postgres_document_statement(table: str, kind: str) -> str:
    """The guard of one numbered document table, on the function this migration creates."""
    return (
        f"CREATE TRIGGER {table}_number BEFORE INSERT OR UPDATE ON {table} "
        f"FOR EACH ROW EXECUTE FUNCTION ledger_document_number_guard('{kind}');"
    )


POSTGRES_FUNCTIONS = [
    f"""
CREATE OR REPLACE FUNCTION ledger_issuednumber_guard() RETURNS trigger AS $$
BEGIN
    IF TG_OP <> 'INSERT' THEN
        RAISE EXCEPTION '{KEPT}' USING ERRCODE = '23000';
    END IF;
    IF NEW.seq IS DISTINCT FROM
            (SELECT COALESCE(MAX(seq), 0) + 1 FROM ledger_issuednumber WHERE year = NEW.year) THEN
        RAISE EXCEPTION '{NEXT}' USING ERRCODE = '23000';
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;
""",
    f"""
CREATE OR REPLACE FUNCTION ledger_document_number_guard() RETURNS trigger AS $$
BEGIN
    -- TG_ARGV[0] is the kind the row's number must have been issued to.
    IF TG_OP = 'INSERT' THEN
        IF NOT EXISTS (SELECT 1 FROM ledger_issuednumber
                       WHERE year = NEW.number_year AND seq = NEW.number AND kind = TG_ARGV[0]) THEN
            RAISE EXCEPTION '{NOT_ISSUED}' USING ERRCODE = '23000';
        END IF;
    ELSIF NEW.number IS DISTINCT FROM OLD.number OR NEW.number_year IS DISTINCT FROM OLD.number_year THEN
        RAISE EXCEPTION '{CHANGED}' USING ERRCODE = '23000';
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;
""",
]


def postgres_statements() -> list[str]:
    statements = [
        *POSTGRES_FUNCTIONS,
        "CREATE TRIGGER ledger_issuednumber_guard BEFORE INSERT OR UPDATE OR DELETE ON ledger_issuednumber "
        "FOR EACH ROW EXECUTE FUNCTION ledger_issuednumber_guard();",
    ]
    for _app, _model, table, _field, kind in DOCUMENTS:
        statements.append(postgres_document_statement(table, kind))
    return statements


def _numbered_rows(apps) -> list[tuple]:
    """(date, recorded_at, table, id, kind) of every document, in the order the numbers are given."""
    rows = []
    for app, model, table, field, kind in DOCUMENTS:
        for pk, day, recorded_at in apps.get_model(app, model).objects.values_list("pk", field, "recorded_at"):
            rows.append((day, recorded_at, table, pk, kind))
    rows.sort(key=lambda row: (row[0], row[1], row[2], row[3]))
    return rows


def _write_numbers(apps, schema_editor) -> None:
    IssuedNumber = apps.get_model("ledger", "IssuedNumber")
    last: dict[int, int] = {}
    issued, updates = [], {table: [] for table in TABLES}
    for day, _recorded_at, table, pk, kind in _numbered_rows(apps):
        last[day.year] = last.get(day.year, 0) + 1
        issued.append(IssuedNumber(year=day.year, seq=last[day.year], kind=kind))
        updates[table].append((day.year, last[day.year], pk))
    IssuedNumber.objects.bulk_create(issued, batch_size=2_000)
    with schema_editor.connection.cursor() as cursor:
        for table, params in updates.items():
            cursor.executemany(f"UPDATE {table} SET number_year = %s, number = %s WHERE id = %s", params)


def backfill_and_guard(apps, schema_editor) -> None:
    vendor = schema_editor.connection.vendor
    with schema_editor.connection.cursor() as cursor:
        if vendor == "sqlite":
            marks = ", ".join(["%s"] * len(TABLES))
            cursor.execute(f"SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name IN ({marks})", TABLES)
            standing_aside = cursor.fetchall()
            for name, _sql in standing_aside:
                cursor.execute(f'DROP TRIGGER "{name}"')
        elif vendor == "postgresql":
            for table in TABLES:
                cursor.execute(f"ALTER TABLE {table} DISABLE TRIGGER USER")
        else:
            raise RuntimeError(f"No number triggers for database vendor {vendor!r}")
    _write_numbers(apps, schema_editor)
    with schema_editor.connection.cursor() as cursor:
        if vendor == "sqlite":
            for _name, sql in standing_aside:
                cursor.execute(sql)
            statements = sqlite_statements()
        else:
            for table in TABLES:
                cursor.execute(f"ALTER TABLE {table} ENABLE TRIGGER USER")
            statements = postgres_statements()
        for statement in statements:
            cursor.execute(statement)


def drop_guards(apps, schema_editor) -> None:
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        for name in ("next", "no_update", "no_delete"):
            schema_editor.execute(f"DROP TRIGGER IF EXISTS ledger_issuednumber_{name};")
        for table in TABLES:
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_number_insert;")
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_number_update;")
    elif vendor == "postgresql":
        schema_editor.execute("DROP TRIGGER IF EXISTS ledger_issuednumber_guard ON ledger_issuednumber;")
        for table in TABLES:
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_number ON {table};")
        schema_editor.execute("DROP FUNCTION IF EXISTS ledger_issuednumber_guard();")
        schema_editor.execute("DROP FUNCTION IF EXISTS ledger_document_number_guard();")
    # Going back, the numbers go too: the tables' number columns are removed by the earlier migrations.
    schema_editor.execute("DELETE FROM ledger_issuednumber;")


class Migration(migrations.Migration):
    dependencies = [
        ("ledger", "0008_issued_numbers"),
        ("spending", "0005_numbers"),
        ("nightly", "0011_handover_numbers"),
    ]

    operations = [
        migrations.RunPython(backfill_and_guard, drop_guards),
        # The register of numbers: readable by the Bendahara and the Pokja, like every book.
        migrations.RunPython(sync_role_permissions, migrations.RunPython.noop),
    ]
