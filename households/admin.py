from __future__ import annotations

from django.contrib import admin
from django.db import models
from django.db.models import Count, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from households.forms import HouseholdAdminForm
from households.models import RT, Household
from jimpitan.admin_mixins import ExportActionsMixin, FilteredTotalsMixin, ReadOnlyHistoryAdmin, rupiah_column
from jimpitan.models import Kampung
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


@admin.register(Kampung)
class KampungAdmin(admin.ModelAdmin):
    """The operator's list of the deployment's kampungs. Superusers only: a kampung's treasurer never sees the
    others. A kampung is added with `manage.py create_kampung` (it prints the setup link), never here."""

    list_display = ["name", "slug", "is_suspended", "publishes_overview", "created_at", "household_count"]
    list_filter = ["is_suspended", "publishes_overview"]
    search_fields = ["name", "slug"]
    readonly_fields = ["slug", "created_at"]
    fields = ["name", "slug", "is_suspended", "publishes_overview", "created_at"]
    actions = ["suspend", "resume"]

    def get_queryset(self, request):
        # The base manager: counting across every kampung is the point here, whatever scope a manager wants.
        households = (
            Household._base_manager.filter(kampung=OuterRef("pk"))
            .order_by()
            .values("kampung")
            .annotate(count=Count("pk"))
            .values("count")
        )
        counted = Subquery(households, output_field=models.IntegerField())
        return super().get_queryset(request).annotate(households=Coalesce(counted, 0))

    @admin.display(description=_("Rumah"), ordering="households")
    def household_count(self, kampung: Kampung) -> int:
        return kampung.households

    def _set_suspended(self, request, queryset, *, suspended: bool) -> int:
        changed = [kampung for kampung in queryset if kampung.is_suspended != suspended]
        for kampung in changed:
            kampung.is_suspended = suspended
            kampung.save(update_fields=["is_suspended"])  # one by one: each change leaves its history row
        return len(changed)

    @admin.action(description=_("Hentikan sementara kampung terpilih"))
    def suspend(self, request, queryset) -> None:
        count = self._set_suspended(request, queryset, suspended=True)
        self.message_user(request, _("%(count)d kampung dihentikan sementara.") % {"count": count})

    @admin.action(description=_("Aktifkan lagi kampung terpilih"))
    def resume(self, request, queryset) -> None:
        count = self._set_suspended(request, queryset, suspended=False)
        self.message_user(request, _("%(count)d kampung aktif lagi.") % {"count": count})

    def has_module_permission(self, request) -> bool:
        return request.user.is_active and request.user.is_superuser

    def has_view_permission(self, request, obj=None) -> bool:
        return request.user.is_active and request.user.is_superuser

    def has_change_permission(self, request, obj=None) -> bool:
        return request.user.is_active and request.user.is_superuser

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
