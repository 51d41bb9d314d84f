from __future__ import annotations

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from households.forms import HouseholdAdminForm
from households.models import RT, Household
from jimpitan.admin_mixins import ExportActionsMixin, FilteredTotalsMixin, ReadOnlyHistoryAdmin, rupiah_column
from jimpitan.roles import BENDAHARA, user_roles


@admin.register(RT)
class RTAdmin(admin.ModelAdmin):
    list_display = ["__str__", "name", "display_order"]
    list_editable = ["display_order"]
    search_fields = ["name", "number"]
    ordering = ["display_order", "number"]


@admin.register(Household)
class HouseholdAdmin(FilteredTotalsMixin, ExportActionsMixin, ReadOnlyHistoryAdmin):
    form = HouseholdAdminForm
    list_display = [
        "address",
        "head_name",
        "rt",
        "status",
        rupiah_column("usual_amount", _("Jumlah biasa")),
        "route_position",
    ]
    list_display_links = ["address", "head_name"]
    list_editable = ["route_position"]
    list_filter = ["rt", "status"]
    list_select_related = ["rt"]
    search_fields = ["head_name", "address", "phone"]
    readonly_fields = ["private_code"]

    def get_search_fields(self, request):
        # A phone number is private: only the treasurer may find a household by it.
        if request.user.is_superuser or BENDAHARA in user_roles(request.user):
            return self.search_fields
        return [field for field in self.search_fields if field != "phone"]

    ordering = ["rt__display_order", "rt__number", "route_position", "id"]
    history_list_display = ["status", "moved_on"]
    # The sum of usual amounts is what the filtered households would give on a full night.
    total_fields = [("usual_amount", _("Jumlah biasa"))]
    export_columns = [
        ("rt", _("RT")),
        ("address", _("Nomor rumah")),
        ("head_name", _("Kepala keluarga")),
        ("status", _("Status")),
        ("usual_amount", _("Jumlah biasa")),
        ("route_position", _("Urutan rute")),
    ]
    export_money_columns = ["usual_amount"]
    export_filename = "daftar-rumah"
