"""Reads shared by the register pages."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Field, OuterRef, Subquery
from django.utils import timezone
from django.utils.formats import date_format
from django_scopes import scopes_disabled  # type: ignore[import-untyped]

from households.models import RT, AwayPeriod, Household, HouseholdStatus, ImportColumnChoice, could_be_private_code
from jimpitan.lib.money import format_rupiah
from jimpitan.lib.people import display_name
from jimpitan.lib.whatsapp import fill_text, wa_link, wa_number
from jimpitan.models import DEFAULT_REMINDER_TEXT, DEFAULT_THANKS_TEXT, KampungProfile
from jimpitan.tenancy import active_kampung_id

HISTORY_LIMIT = 50


def kampung_of_sticker_link(rest: str) -> int | None:
    """The kampung of an old sticker link /h/<code>/...: the household's. Sought across every kampung (scopes
    off), since the link names no kampung; the private code is unique across the deployment."""
    code = rest.partition("/")[0]
    if not could_be_private_code(code):
        return None
    with scopes_disabled():
        return Household.objects.filter(private_code=code).values_list("kampung_id", flat=True).first()


def remembered_import_columns() -> dict[str, str]:
    """Canonical header words -> the field (or "skip") that header was last imported into."""
    return dict(ImportColumnChoice.objects.filter(kampung_id=active_kampung_id()).values_list("header", "field"))


def register_queryset(today: dt.date | None = None):
    """The register's households, each with its current or next away period (`away_starts`, `away_ends`,
    `away_reason`, None when there is none) in the same query, for the list's badge."""
    today = today or timezone.localdate()
    nearest = AwayPeriod.objects.filter(household_id=OuterRef("pk"), ends_on__gte=today).order_by("starts_on")[:1]
    return Household.objects.select_related("rt").annotate(
        away_starts=Subquery(nearest.values("starts_on")),
        away_ends=Subquery(nearest.values("ends_on")),
        away_reason=Subquery(nearest.values("reason")),
    )


AWAY_PERIODS_SHOWN = 20


def away_periods(household: Household) -> list[AwayPeriod]:
    """The household's latest away periods, newest first (one query)."""
    return list(household.away_periods.order_by("-starts_on", "-id")[:AWAY_PERIODS_SHOWN])


@dataclass(frozen=True)
class WhatsAppLinks:
    reminder: str
    thanks: str
    has_number: bool


def whatsapp_links(household: Household, profile: KampungProfile | None) -> WhatsAppLinks:
    """The Bendahara's private wa.me links for one household: a polite reminder and a thank-you, in the
    kampung's words. Never for a public page: the link carries the phone number."""
    values = {
        "nama": household.head_name,
        "rumah": household.address,
        "rt": str(household.rt),
        "kampung": profile.name if profile else "",
    }
    reminder = (profile.reminder_text if profile else "") or DEFAULT_REMINDER_TEXT
    thanks = (profile.thanks_text if profile else "") or DEFAULT_THANKS_TEXT
    return WhatsAppLinks(
        wa_link(household.phone, fill_text(reminder, values)),
        wa_link(household.phone, fill_text(thanks, values)),
        bool(wa_number(household.phone)),
    )


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
