from __future__ import annotations

from django.contrib import admin
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from jimpitan.models import KampungProfile
from ledger.cache import invalidate_public_figures


@admin.register(KampungProfile)
class KampungProfileAdmin(admin.ModelAdmin):
    list_display = ["name", "kelurahan", "city", "privacy_level"]

    def save_model(self, request, obj, form, change) -> None:
        super().save_model(request, obj, form, change)
        # Admin bypasses the profile form: the public ledger must still show the new figures.
        transaction.on_commit(invalidate_public_figures)

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
