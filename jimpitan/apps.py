from django.apps import AppConfig
from django.contrib.admin.apps import AdminConfig
from django.utils.translation import gettext_lazy as _


class JimpitanConfig(AppConfig):
    """The kampung itself: its profile, roles, first-run setup and shared helpers."""

    name = "jimpitan"
    verbose_name = _("Kampung")


class JimpitanAdminConfig(AdminConfig):
    default_site = "jimpitan.sites.JimpitanAdminSite"
