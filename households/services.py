"""Writes to the register. Each one is a single transaction."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import ProtectedError
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from households.importing import ImportPlan
from households.models import RT, AwayPeriod, Household, HouseholdStatus, ImportColumnChoice, new_private_code
from jimpitan.tenancy import active_kampung_id


class HouseholdInUse(ValidationError):
    """A household with recorded collections is part of the books: it can move away, never vanish."""


def in_use_message() -> str:
    return _(
        "Rumah ini tidak bisa dihapus karena sudah punya catatan jimpitan. "
        "Tandai sebagai pindah supaya tidak muncul lagi di lembar jimpitan, dan catatan lamanya tetap utuh."
    )


def create_household(household: Household) -> Household:
    """Save a new household at the end of its RT's route."""
    with transaction.atomic():
        household.route_position = Household.objects.next_route_position(household.rt)
        household.save()
    return household


def update_household(household: Household, *, rt_changed: bool) -> Household:
    with transaction.atomic():
        if rt_changed:
            # Moving to another RT puts the household at the end of that RT's route.
            household.route_position = Household.objects.next_route_position(household.rt)
        household.save()
    return household


def mark_moved(household: Household, moved_on: dt.date) -> Household:
    with transaction.atomic():
        household.status = HouseholdStatus.MOVED
        household.moved_on = moved_on
        household._change_reason = _("Ditandai pindah")
        household.save()
    return household


def regenerate_private_code(household: Household) -> Household:
    """A new code for a lost or leaked sticker: the old QR page stops working at once."""
    with transaction.atomic():
        household.private_code = new_private_code()
        household._change_reason = _("Kode pribadi diganti")
        household.save(update_fields=["private_code"])
    return household


def delete_household(household: Household) -> None:
    """Refuse when any collection is recorded; the FK PROTECT is the net under this check."""
    with transaction.atomic():
        if household.contributions.exists():
            raise HouseholdInUse(in_use_message(), code="in_use")
        try:
            household.delete()
        except ProtectedError:
            raise HouseholdInUse(in_use_message(), code="in_use") from None


class AwayOverlap(ValidationError):
    """Another away period of the household covers some of the same evenings."""


def save_away_period(*, period: AwayPeriod, user=None) -> AwayPeriod:
    """Create or change an away period. The form checks the overlap for its message; two saves at once are
    settled by the database trigger, whose refusal comes back as AwayOverlap."""
    try:
        with transaction.atomic():
            period._history_user = user
            period.save()
    except IntegrityError as error:
        raise AwayOverlap(
            _("Masa pergi ini bertumpuk dengan masa pergi lain rumah ini. Muat ulang halaman lalu periksa."),
            code="overlap",
        ) from error
    return period


def delete_away_period(*, period: AwayPeriod, user=None) -> None:
    with transaction.atomic():
        period._history_user = user
        period.delete()


class RouteChanged(ValidationError):
    pass


def save_route_order(rt: RT, household_ids: list[int]) -> int:
    """Number the RT's households 1, 2, 3… in the given order. The list must name exactly the households
    on the route (not moved away); otherwise someone changed the RT meanwhile and the page is stale.
    Returns how many positions changed."""
    with transaction.atomic():
        households = {h.pk: h for h in Household.objects.filter(rt=rt).on_route().select_for_update()}
        if len(household_ids) != len(set(household_ids)) or set(household_ids) != households.keys():
            raise RouteChanged(_("Daftar rumah di RT ini baru saja berubah. Muat ulang halaman lalu atur lagi."))
        changed = []
        for position, pk in enumerate(household_ids, start=1):
            household = households[pk]
            if household.route_position != position:
                household.route_position = position
                changed.append(household)
        # Reordering is not a change to a household's record: no history rows for it.
        Household.objects.bulk_update(changed, ["route_position"])
    return len(changed)


def apply_import(plan: ImportPlan, *, user=None) -> dict[str, int]:
    """Carry out a clean plan: create the missing RTs, then create and update households in bulk.

    The caller builds the plan inside the same transaction (see views.importing), so nothing can change
    between validation and writing."""
    assert plan.ok, "apply_import needs a plan without errors"
    reason = _("Impor dari berkas")
    with transaction.atomic():
        rts = {rt.number: rt for rt in RT.objects.filter(number__in={r.rt_number for r in plan.rows})}
        for number in plan.new_rt_numbers:
            rts[number] = RT.objects.create(number=number, display_order=number)
        next_position = {number: Household.objects.next_route_position(rt) for number, rt in rts.items()}
        new = []
        for row in plan.to_create:
            values = dict(row.values)
            if values["route_position"] is None:
                values["route_position"] = next_position[row.rt_number]
                next_position[row.rt_number] += 1
            new.append(Household(rt=rts[row.rt_number], **values))
        bulk_create_with_history(new, Household, batch_size=500, default_user=user, default_change_reason=reason)
        updated = []
        fields = set()
        for row in plan.to_update:
            for name in row.changed:
                setattr(row.household, name, row.values[name])
            fields.update(row.changed)
            updated.append(row.household)
        if updated:
            bulk_update_with_history(
                updated, Household, sorted(fields), batch_size=500, default_user=user, default_change_reason=reason
            )
        remember_import_columns(choices=plan.column_choices)
    return {
        "created": len(new),
        "updated": len(updated),
        "unchanged": len(plan.unchanged),
        "rts_created": len(plan.new_rt_numbers),
    }


def remember_import_columns(*, choices: dict[str, str]) -> None:
    """Store which field each header went into, so the next file headed the same way maps without asking."""
    with transaction.atomic():
        for header, field in choices.items():
            ImportColumnChoice.objects.update_or_create(
                kampung_id=active_kampung_id(), header=header[:200], defaults={"field": field}
            )
