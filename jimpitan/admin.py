from __future__ import annotations

from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin

from jimpitan.forms import KampungProfileForm
from jimpitan.models import KampungProfile, Membership
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


class MembershipInline(admin.TabularInline):
    """A user's roles, each in its kampung: the only place a role is held (`auth_user_groups` stays empty)."""

    model = Membership
    fields = ["kampung", "role"]
    readonly_fields = ["kampung"]
    # A new role row is made in the kampung being worked for; an existing one never moves.
    extra = 0


class KampungUserAdmin(UserAdmin):
    """Django's user admin without its groups field, which the permissions no longer read."""

    inlines = [MembershipInline]
    fieldsets = tuple(
        (name, {**options, "fields": tuple(f for f in options["fields"] if f != "groups")})
        for name, options in UserAdmin.fieldsets or ()
    )
    list_filter = tuple(f for f in UserAdmin.list_filter if f != "groups")
    filter_horizontal = ("user_permissions",)


def register_user_admin(site: admin.AdminSite) -> None:
    """Called once the admin has discovered django.contrib.auth's registration (after this module's)."""
    user_model = get_user_model()
    if site.is_registered(user_model):
        site.unregister(user_model)
    site.register(user_model, KampungUserAdmin)
