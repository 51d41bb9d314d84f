from __future__ import annotations

from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from households.forms import HouseholdAdminForm
from households.models import RT, Household
from jimpitan.lib.money import format_rupiah


@admin.register(RT)
class RTAdmin(admin.ModelAdmin):
    list_display = ["__str__", "name", "display_order"]
    list_editable = ["display_order"]
    search_fields = ["name", "number"]
    ordering = ["display_order", "number"]


@admin.register(Household)
class HouseholdAdmin(SimpleHistoryAdmin):
    form = HouseholdAdminForm
    list_display = ["address", "head_name", "rt", "status", "amount", "route_position"]
    list_display_links = ["address", "head_name"]
    list_editable = ["route_position"]
    list_filter = ["rt", "status"]
    list_select_related = ["rt"]
    search_fields = ["head_name", "address", "phone"]
    readonly_fields = ["private_code"]
    ordering = ["rt__display_order", "rt__number", "route_position", "id"]
    history_list_display = ["status", "moved_on"]

    @admin.display(description=_("Jumlah biasa"), ordering="usual_amount")
    def amount(self, obj: Household) -> str:
        return format_rupiah(obj.usual_amount)
