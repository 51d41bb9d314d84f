"""The roles are Django groups; their permissions are granted by rule, so that a new model
gets the right permissions when `sync_role_permissions` runs again in a later migration."""

from __future__ import annotations

BENDAHARA = "Bendahara"
PETUGAS = "Petugas"
POKJA = "Pokja"
# Reads the books and downloads the reports, writes nothing: the outgoing Bendahara after a committee
# handover keeps sight of the books they kept.
READER = "Pembaca"
ROLES = (BENDAHARA, PETUGAS, POKJA, READER)
# The roles that write: a committee handover takes them from the outgoing Bendahara.
WRITING_ROLES = (BENDAHARA, PETUGAS, POKJA)

# Our own apps: the treasurer keeps all of their books.
BOOK_APPS = ("jimpitan", "households", "nightly", "spending", "ledger")

# Custom permissions that are not add/change/delete/view of a model.
PETUGAS_PERMISSIONS = {
    ("nightly", "add_round"),
    ("nightly", "change_round"),
    ("nightly", "view_round"),
    ("nightly", "add_contribution"),
    ("nightly", "change_contribution"),
    ("nightly", "view_contribution"),
    # A petugas asks to swap or hand over an evening; the Bendahara decides.
    ("nightly", "add_rosterswap"),
    ("nightly", "view_rosterswap"),
    ("households", "view_household"),
    ("households", "view_rt"),
}
# The Pokja checks the treasurer's spending: they may approve an expense someone else recorded.
POKJA_EXTRA = {("ledger", "export_report"), ("spending", "approve_expense")}
READ_ONLY_FOR_TREASURER = {
    "reopen_month",
    "change_monthclosing",
    "delete_monthclosing",
    "add_kampungprofile",
    "delete_kampungprofile",
}


def _wanted(role: str, app_label: str, codename: str) -> bool:
    if app_label not in BOOK_APPS:
        return False
    if role == BENDAHARA:
        # History and the reopening log are append-only records: readable, never edited.
        # Reopening a closed month is for a superuser only.
        if "_historical" in codename or codename.endswith("_monthreopening"):
            return codename.startswith("view_")
        return codename not in READ_ONLY_FOR_TREASURER
    if role == PETUGAS:
        return (app_label, codename) in PETUGAS_PERMISSIONS
    if role == POKJA:
        return codename.startswith("view_") or (app_label, codename) in POKJA_EXTRA
    if role == READER:
        return codename.startswith("view_") or (app_label, codename) == ("ledger", "export_report")
    return False


def sync_role_permissions(apps, schema_editor=None) -> None:
    """Create the groups and (re)grant their permissions. Used by data migrations."""
    from django.contrib.auth.management import create_permissions

    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    permissions = list(Permission.objects.select_related("content_type"))
    for role in ROLES:
        group, _ = Group.objects.get_or_create(name=role)
        group.permissions.set([p for p in permissions if _wanted(role, p.content_type.app_label, p.codename)])


def user_roles(user) -> set[str]:
    if not user.is_authenticated:
        return set()
    cached = getattr(user, "_jimpitan_roles", None)
    if cached is None:
        cached = set(user.groups.values_list("name", flat=True))
        user._jimpitan_roles = cached
    return cached
