"""Reads shared by the register pages."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Field
from django.utils.formats import date_format

from households.models import RT, Household, HouseholdStatus, ImportColumnChoice
from jimpitan.lib.money import format_rupiah
from jimpitan.lib.people import display_name

HISTORY_LIMIT = 50


def remembered_import_columns() -> dict[str, str]:
    """Canonical header words -> the field (or "skip") that header was last imported into."""
    return dict(ImportColumnChoice.objects.values_list("header", "field"))


def register_queryset():
    return Household.objects.select_related("rt")


@dataclass
class HistoryEntry:
    when: object
    who: str
    kind: str  # "+", "~" or "-" as simple-history records it
    reason: str
    changes: list[tuple[str, str, str]]


def _shown(field: str, value) -> str:
    if value in (None, ""):
        return "–"
    if field == "status":
        return str(HouseholdStatus(value).label)
    if field == "usual_amount":
        return format_rupiah(value)
    if field == "rt":
        return str(RT.objects.filter(pk=value).first() or value)
    if isinstance(value, dt.date):
        return date_format(value, "j F Y")
    return str(value)


def household_history(household: Household) -> list[HistoryEntry]:
    """The household's changes, newest first, each with what changed from what to what."""
    records = list(
        household.history.select_related("history_user").order_by("-history_date", "-history_id")[: HISTORY_LIMIT + 1]
    )
    entries = []
    for index, record in enumerate(records[:HISTORY_LIMIT]):
        older = records[index + 1] if index + 1 < len(records) else None
        changes = []
        if older is not None and record.history_type == "~":
            for change in record.diff_against(older).changes:
                if change.field == "route_position":
                    continue  # reordering the route is not a change of the household's record
                field = Household._meta.get_field(change.field)
                # History tracks concrete fields only; a relation would have no verbose_name of its own.
                label = str(field.verbose_name) if isinstance(field, Field) else change.field
                changes.append((label, _shown(change.field, change.old), _shown(change.field, change.new)))
            if not changes:
                continue
        user = record.history_user
        entries.append(
            HistoryEntry(
                when=record.history_date,
                who=display_name(user),
                kind=record.history_type,
                reason=record.history_change_reason or "",
                changes=changes,
            )
        )
    return entries


def route_households(rt: RT):
    return Household.objects.filter(rt=rt).on_route().order_by("route_position", "id")
