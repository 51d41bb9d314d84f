"""Sign-in and permissions: a user's roles count in the kampung being worked for, and nowhere else."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Permission

from jimpitan.tenancy import active_kampung_id

# Per-kampung caches on the user object, keyed by kampung id; `roles.forget_roles` drops them.
GROUP_PERM_CACHE = "_kampung_group_perm_cache"
ALL_PERM_CACHE = "_kampung_perm_cache"


def _cache(user_obj, name: str) -> dict[int, set[str]]:
    cache = getattr(user_obj, name, None)
    if cache is None:
        cache = {}
        setattr(user_obj, name, cache)
    return cache


class KampungRoleBackend(ModelBackend):
    """Django's ModelBackend, with the group permissions of the user's memberships (`jimpitan.Membership`) in
    the active kampung instead of their `auth_user_groups`. A Bendahara of A is no one in B. A superuser (the
    platform operator) keeps every permission everywhere, as in ModelBackend."""

    def _get_group_permissions(self, user_obj):
        return Permission.objects.filter(
            group__memberships__user=user_obj, group__memberships__kampung_id=active_kampung_id()
        )

    def get_group_permissions(self, user_obj, obj=None):
        if not user_obj.is_active or user_obj.is_anonymous or obj is not None:
            return set()
        cache = _cache(user_obj, GROUP_PERM_CACHE)
        kampung_id = active_kampung_id()
        if kampung_id not in cache:
            perms = Permission.objects.all() if user_obj.is_superuser else self._get_group_permissions(user_obj)
            rows = perms.values_list("content_type__app_label", "codename").order_by()
            cache[kampung_id] = {f"{app_label}.{codename}" for app_label, codename in rows}
        return cache[kampung_id]

    def get_all_permissions(self, user_obj, obj=None):
        if not user_obj.is_active or user_obj.is_anonymous or obj is not None:
            return set()
        cache = _cache(user_obj, ALL_PERM_CACHE)
        kampung_id = active_kampung_id()
        if kampung_id not in cache:
            cache[kampung_id] = {*self.get_user_permissions(user_obj), *self.get_group_permissions(user_obj)}
        return cache[kampung_id]

    def with_perm(self, perm, is_active=True, include_superusers=True, obj=None):
        """The users holding `perm` through a role in the active kampung (or directly, or as superusers)."""
        users = super().with_perm(perm, is_active=is_active, include_superusers=include_superusers, obj=obj)
        if obj is not None or not isinstance(perm, str):
            return users
        app_label, codename = perm.split(".", 1)
        by_role = self._with_role_perm(app_label, codename, is_active)
        return (users | by_role).distinct()

    @staticmethod
    def _with_role_perm(app_label: str, codename: str, is_active):
        users = get_user_model()._default_manager.filter(
            memberships__kampung_id=active_kampung_id(),
            memberships__role__permissions__codename=codename,
            memberships__role__permissions__content_type__app_label=app_label,
        )
        return users if is_active is None else users.filter(is_active=is_active)
