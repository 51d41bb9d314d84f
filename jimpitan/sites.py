from __future__ import annotations

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from jimpitan.models import KampungProfile


class JimpitanAdminSite(admin.AdminSite):
    """The admin, headed with the kampung's own name."""

    site_title = _("Jimpitan")
    index_title = _("Pengelolaan data")

    def each_context(self, request):
        context = super().each_context(request)
        profile = KampungProfile.load()
        context["site_header"] = profile.name if profile else _("Jimpitan")
        return context
