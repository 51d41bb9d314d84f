from __future__ import annotations

from django.contrib import admin

from jimpitan.forms import KampungProfileForm
from jimpitan.models import KampungProfile
from jimpitan.services import save_profile


@admin.register(KampungProfile)
class KampungProfileAdmin(admin.ModelAdmin):
    list_display = ["name", "kelurahan", "city", "privacy_level"]
    # The settings page's form: it checks the opening balance against closed months next to the field.
    form = KampungProfileForm

    def save_model(self, request, obj, form, change) -> None:
        # Through the service, so the opening balance takes the ledger lock and respects closed months.
        save_profile(obj, publishes_overview=form.cleaned_data.get("publishes_overview"))

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
