"""Every round recorded before handovers existed was counted on the default account (Kas tunai) on its evening.
To keep every figure, each such evening gets one handover into the default account, received that evening,
counted = expected = the evening's rounds' total, with a note saying why.

The rounds' closed-month update trigger (ledger migrations 0002/0005) is dropped first: linking a round of a
closed month to its handover changes no figure, and migration 0010 puts back a trigger that allows exactly that.
"""

import importlib

from django.db import migrations
from django.db.models import Sum

TRIGGERS = importlib.import_module("ledger.migrations.0002_closed_month_triggers")

NOTE = "Dicatat sebelum ada setoran: uang ronde ini sudah di Kas tunai sejak malamnya."
NAME = "Petugas ronda"


def _drop_round_update_trigger(schema_editor) -> None:
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute("DROP TRIGGER IF EXISTS nightly_round_closed_update;")
    else:
        schema_editor.execute("DROP TRIGGER IF EXISTS nightly_round_closed_month ON nightly_round;")


def _create_round_update_trigger(schema_editor) -> None:
    """The trigger as ledger migration 0005 left it."""
    if schema_editor.connection.vendor == "sqlite":
        statement = next(s for s in _sqlite_round_triggers() if "nightly_round_closed_update" in s)
        schema_editor.execute(statement)
    else:
        schema_editor.execute(
            "CREATE TRIGGER nightly_round_closed_month BEFORE INSERT OR UPDATE OR DELETE ON nightly_round "
            "FOR EACH ROW EXECUTE FUNCTION ledger_refuse_closed_month('evening');"
        )


def _sqlite_round_triggers() -> list[str]:
    return TRIGGERS._sqlite_create("nightly_round", "evening")


def hand_over_existing_rounds(apps, schema_editor):
    _drop_round_update_trigger(schema_editor)
    Account = apps.get_model("ledger", "Account")
    Handover = apps.get_model("nightly", "Handover")
    Round = apps.get_model("nightly", "Round")
    evenings = list(Round.objects.order_by("evening").values("evening").annotate(total=Sum("total")))
    if not evenings:
        return
    account = Account.objects.filter(is_default=True).first()
    if account is None:
        account = Account.objects.create(name="Kas tunai", kind="tunai", opening_balance=0, is_default=True)
    Handover.objects.bulk_create(
        [
            Handover(
                received_on=row["evening"],
                handed_by_name=NAME,
                account_id=account.pk,
                expected=row["total"] or 0,
                counted=row["total"] or 0,
                difference=0,
                explanation=NOTE,
            )
            for row in evenings
        ],
        batch_size=1000,
    )
    # One statement links every round to its evening's handover.
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(
            "UPDATE nightly_round SET handover_id = (SELECT h.id FROM nightly_handover h "
            "WHERE h.received_on = nightly_round.evening AND h.explanation = %s) WHERE handover_id IS NULL",
            [NOTE],
        )


def undo(apps, schema_editor):
    Handover = apps.get_model("nightly", "Handover")
    Round = apps.get_model("nightly", "Round")
    Round.objects.filter(handover__explanation=NOTE).update(handover=None)
    Handover.objects.filter(explanation=NOTE).delete()
    _create_round_update_trigger(schema_editor)


class Migration(migrations.Migration):
    dependencies = [("nightly", "0008_handover")]

    operations = [migrations.RunPython(hand_over_existing_rounds, undo)]
