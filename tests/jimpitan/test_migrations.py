import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command


@pytest.mark.django_db
def test_no_model_changes_without_migrations():
    # Fails (SystemExit) when a model change has no migration.
    call_command("makemigrations", "--check", "--dry-run", verbosity=0)


@pytest.mark.django_db
def test_roles_are_groups_with_their_permissions():
    perms = {g.name: set(g.permissions.values_list("codename", flat=True)) for g in Group.objects.all()}
    assert set(perms) == {"Bendahara", "Petugas", "Pokja", "Pembaca"}
    assert {"add_round", "change_round", "add_expense", "change_household", "close_month"} <= perms["Bendahara"]
    assert "reopen_month" not in perms["Bendahara"]
    assert perms["Petugas"] >= {"add_round", "change_round"}
    assert not {p for p in perms["Petugas"] if p.endswith(("expense", "household")) and not p.startswith("view_")}
    assert all(p.startswith("view_") or p in ("export_report", "approve_expense") for p in perms["Pokja"])
    # The outgoing Bendahara after a serah terima: reads the books and the reports, writes nothing.
    assert "view_expense" in perms["Pembaca"] and "export_report" in perms["Pembaca"]
    assert all(p.startswith("view_") or p == "export_report" for p in perms["Pembaca"])
    assert {"add_treasurerhandover", "view_treasurerhandover"} <= perms["Bendahara"]
