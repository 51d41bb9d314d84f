"""The roles are Django groups; their permissions are granted by rule, so that a new model
gets the right permissions when `sync_role_permissions` runs again in a later migration.

A user holds a role in one kampung (`Membership`), never globally: `grant_role` / `revoke_role` / `set_roles`
are the only writers, `user_roles` and `users_with_role` read the active kampung's, and the authentication
backend (`jimpitan.backends`) grants the permissions of those roles only."""

from __future__ import annotations

import contextlib
from collections.abc import Iterable
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction
from django.db.models import QuerySet

from jimpitan.backends import ALL_PERM_CACHE, GROUP_PERM_CACHE
from jimpitan.models import Membership
from jimpitan.tenancy import active_kampung_id

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


ROLES_CACHE = "_jimpitan_roles"


def user_roles(user) -> set[str]:
    """The names of the user's roles in the active kampung: one query per user and kampung."""
    if not user.is_authenticated:
        return set()
    cached = getattr(user, ROLES_CACHE, None)
    if cached is None:
        cached = {}
        setattr(user, ROLES_CACHE, cached)
    kampung_id = active_kampung_id()
    if kampung_id not in cached:
        names = Membership.objects.filter(kampung_id=kampung_id, user_id=user.pk).values_list("role__name", flat=True)
        cached[kampung_id] = set(names)
    return cached[kampung_id]


def users_with_role(*roles: str, kampung_id: int | None = None) -> QuerySet:
    """The users holding any of `roles` in the kampung (the active one by default)."""
    kampung_id = active_kampung_id() if kampung_id is None else kampung_id
    members = Membership.objects.filter(kampung_id=kampung_id, role__name__in=roles).values("user_id")
    return get_user_model().objects.filter(pk__in=members)


def forget_roles(user) -> None:
    """Drop the roles and permissions cached on the user object, after a grant or a revoke."""
    for cache in (
        ROLES_CACHE,
        ALL_PERM_CACHE,
        GROUP_PERM_CACHE,
        "_perm_cache",
        "_user_perm_cache",
        "_group_perm_cache",
    ):
        # delattr, not the instance dict: request.user is a lazy object that passes it on to the user.
        with contextlib.suppress(AttributeError):
            delattr(user, cache)


def grant_role(*, user: Any, role: str, kampung_id: int | None = None) -> Membership:
    """Give the user `role` in the kampung (the active one by default); kept as it is when held already."""
    kampung_id = active_kampung_id() if kampung_id is None else kampung_id
    membership, _ = Membership.objects.get_or_create(
        kampung_id=kampung_id, user_id=user.pk, role=Group.objects.get(name=role)
    )
    forget_roles(user)
    return membership


def revoke_role(*, user: Any, role: str, kampung_id: int | None = None) -> bool:
    """Take `role` in the kampung (the active one by default) from the user; False when they did not hold it.
    Deleted one by one, so that the history records each."""
    kampung_id = active_kampung_id() if kampung_id is None else kampung_id
    held = list(Membership.objects.filter(kampung_id=kampung_id, user_id=user.pk, role__name=role))
    with transaction.atomic():
        for membership in held:
            membership.delete()
    forget_roles(user)
    return bool(held)


def set_roles(*, user: Any, roles: Iterable[str], kampung_id: int | None = None) -> None:
    """Make `roles` the user's whole set of roles in the kampung (the active one by default)."""
    kampung_id = active_kampung_id() if kampung_id is None else kampung_id
    wanted = set(roles)
    held = set(Membership.objects.filter(kampung_id=kampung_id, user_id=user.pk).values_list("role__name", flat=True))
    with transaction.atomic():
        for role in held - wanted:
            revoke_role(user=user, role=role, kampung_id=kampung_id)
        for role in wanted - held:
            grant_role(user=user, role=role, kampung_id=kampung_id)
    forget_roles(user)
