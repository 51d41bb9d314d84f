from django.apps import AppConfig
from django.contrib.admin.apps import AdminConfig
from django.utils.translation import gettext_lazy as _

# Imported for its @register: our system checks (a placeholder secret key fails `check --deploy`).
from jimpitan import checks  # noqa: F401


def _use_sqlite_variable_limit(sender, connection, **kwargs) -> None:
    """Django 5.2 assumes SQLite's old limit of 999 query parameters and so splits a 500-row sheet into
    several INSERTs. Modern SQLite (>= 3.32) allows 32766; reading the real limit keeps saving a sheet at
    a constant number of queries. (Django 6.0 reads the limit itself.)"""
    if connection.vendor != "sqlite":
        return
    import sqlite3

    limit = connection.connection.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER)
    connection.features.max_query_params = limit


def _ensure_first_kampung(sender, using, **kwargs) -> None:
    """A flushed database (a test's, or `manage.py flush`) still has the install's first kampung, which every
    new row takes when no other is active. The migration made it; a flush removed it."""
    kampung = sender.get_model("Kampung")
    if not kampung.objects.using(using).exists():
        kampung.ensure_first()


class JimpitanConfig(AppConfig):
    """The kampung itself: its profile, roles, first-run setup and shared helpers."""

    name = "jimpitan"
    verbose_name = _("Kampung")

    def ready(self) -> None:
        from django.db.backends.signals import connection_created
        from django.db.models.signals import post_migrate

        connection_created.connect(_use_sqlite_variable_limit, dispatch_uid="jimpitan_sqlite_variable_limit")
        post_migrate.connect(_ensure_first_kampung, sender=self, dispatch_uid="jimpitan_first_kampung")


class JimpitanAdminConfig(AdminConfig):
    default_site = "jimpitan.sites.JimpitanAdminSite"

    def ready(self) -> None:
        super().ready()
        from django.contrib import admin

        from jimpitan.admin import register_user_admin

        register_user_admin(admin.site)
