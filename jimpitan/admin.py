from __future__ import annotations

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from jimpitan.models import KampungProfile


@admin.register(KampungProfile)
class KampungProfileAdmin(admin.ModelAdmin):
    list_display = ["name", "kelurahan", "city", "privacy_level"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
