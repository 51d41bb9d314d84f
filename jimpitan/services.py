"""Writes of the kampung profile.

The profile's opening balance is money: it counts in the cash book on its date. Level 0 cannot name the
books, so the ledger app connects its closed-month guard (and, inside a write, its lock) to
`opening_balance_changing` from `LedgerConfig.ready`. The settings page and the admin check a change
with `check_opening_balance` as the form is cleaned, and every write goes through `save_profile`, which
asks again inside its transaction, before the row is written; a database trigger refuses underneath.
"""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.dispatch import Signal
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from jimpitan.lib.people import display_name
from jimpitan.models import KampungProfile, SignatureColumn, TreasurerHandover
from jimpitan.roles import BENDAHARA, READER, WRITING_ROLES, forget_roles, grant_role, revoke_role, users_with_role

# Sent with `months_of`: the dates on which the old and the new opening balance count (None where it
# counts nowhere), and `in_write`: True inside save_profile's transaction. A receiver raises
# ValidationError to refuse the change; nothing is written then.
opening_balance_changing = Signal()


def _counted_on(balance: int | None, day: dt.date | None) -> tuple[int, dt.date | None]:
    """(balance, the date it counts on): a zero balance counts on no date at all."""
    balance = balance or 0
    return balance, day if balance else None


def _stored_opening(profile: KampungProfile) -> tuple[int, dt.date | None]:
    stored = KampungProfile.objects.filter(pk=profile.pk).values("opening_balance", "opening_balance_date").first()
    if stored is None:
        return 0, None
    return _counted_on(stored["opening_balance"], stored["opening_balance_date"])


def check_opening_balance(
    profile: KampungProfile, *, balance: int | None, day: dt.date | None, in_write: bool = False
) -> None:
    """Raise ValidationError when changing `profile`'s opening balance to (balance, day) is not allowed."""
    old, new = _stored_opening(profile), _counted_on(balance, day)
    if old != new:
        opening_balance_changing.send(sender=KampungProfile, months_of=[old[1], new[1]], in_write=in_write)


def save_profile(profile: KampungProfile, *, publishes_overview: bool | None = None) -> KampungProfile:
    """Save `profile` (its fields already set); its opening balance only under the ledger's rules. With
    `publishes_overview`, also whether the kampung shows on the city overview (kept on its Kampung row)."""
    with transaction.atomic():
        check_opening_balance(profile, balance=profile.opening_balance, day=profile.opening_balance_date, in_write=True)
        profile.save()
        if publishes_overview is not None and profile.kampung.publishes_overview != publishes_overview:
            profile.kampung.publishes_overview = publishes_overview
            profile.kampung.save(update_fields=["publishes_overview"])
    return profile


def save_signature_columns(*, profile: KampungProfile, rows: list[dict[str, str]]) -> list[SignatureColumn]:
    """Replace the signing columns with `rows` (heading, role, name), left to right; rows without a role are
    skipped, so an emptied row removes its column."""
    kept = [row for row in rows if row.get("role")]
    with transaction.atomic():
        profile.signature_columns.all().delete()
        return SignatureColumn.objects.bulk_create(
            SignatureColumn(
                profile=profile,
                position=position,
                heading=row.get("heading", ""),
                role=row["role"],
                name=row.get("name", ""),
            )
            for position, row in enumerate(kept, start=1)
        )


# --- The handover between committees (serah terima bendahara) -------------------------------------------

# Lower case without look-alikes (l, 1, o, 0): read off the screen once and typed on a phone.
PASSWORD_ALPHABET = "abcdefghijkmnpqrstuvwxyz23456789"
PASSWORD_GROUPS, PASSWORD_GROUP_LENGTH = 3, 4  # about 60 bits


def one_time_password() -> str:
    def group() -> str:
        return "".join(secrets.choice(PASSWORD_ALPHABET) for _ in range(PASSWORD_GROUP_LENGTH))

    return "-".join(group() for _ in range(PASSWORD_GROUPS))


@dataclass(frozen=True)
class CommitteeHandoverResult:
    handover: TreasurerHandover
    # The incoming Bendahara's first password when their account was made by the handover: shown once, never kept.
    one_time_password: str | None


def is_treasurer(user) -> bool:
    return users_with_role(BENDAHARA).filter(pk=user.pk).exists()


def latest_committee_handover() -> TreasurerHandover | None:
    return TreasurerHandover.objects.order_by("-handed_over_on", "-pk").first()


def handover_day_error(day: dt.date, *, today: dt.date | None = None) -> str | None:
    """Why a serah terima cannot be dated `day` (None when it can): not in the future, not before the last one."""
    if day > (today or timezone.localdate()):
        return _("Tanggal serah terima belum terjadi. Pilih hari ini atau sebelumnya.")
    latest = latest_committee_handover()
    if latest is not None and day < latest.handed_over_on:
        return _("Serah terima sebelumnya tercatat %(day)s; tanggal ini tidak boleh lebih awal.") % {
            "day": date_format(latest.handed_over_on, "j F Y")
        }
    return None


def check_committee_handover(
    *, handed_over_on: dt.date, outgoing, incoming=None, new_username: str = "", today: dt.date | None = None
) -> None:
    """Raise ValidationError, keyed by the form's fields, when this handover cannot be recorded."""
    errors: dict[str, str] = {}
    if day_error := handover_day_error(handed_over_on, today=today):
        errors["handed_over_on"] = day_error
    if not is_treasurer(outgoing):
        errors["outgoing"] = _("%(name)s bukan Bendahara saat ini.") % {"name": display_name(outgoing)}
    if (incoming is None) == (not new_username):
        errors["incoming"] = _("Pilih akun bendahara baru, atau tulis nama pengguna untuk akun baru (salah satu).")
    elif incoming is not None and incoming.pk == outgoing.pk:
        errors["incoming"] = _("Bendahara baru harus orang lain, bukan bendahara lama.")
    elif incoming is not None and not incoming.is_active:
        errors["incoming"] = _("Akun ini tidak aktif.")
    elif new_username and get_user_model().objects.filter(username__iexact=new_username).exists():
        errors["new_username"] = _("Nama pengguna ini sudah dipakai. Pilih akun itu di atas, atau tulis nama lain.")
    if errors:
        raise ValidationError(errors)


def _new_treasurer_account(username: str, full_name: str):
    password = one_time_password()
    user = get_user_model().objects.create_user(username=username, password=password, first_name=full_name)
    return user, password


def _move_the_office(outgoing, incoming) -> None:
    """The incoming takes the Bendahara role (and the admin rights the office had); the outgoing keeps only
    the read-only role."""
    revoke_role(user=incoming, role=READER)
    grant_role(user=incoming, role=BENDAHARA)
    incoming.is_staff = True
    incoming.is_superuser = incoming.is_superuser or outgoing.is_superuser
    incoming.save(update_fields=["is_staff", "is_superuser"])
    for name in WRITING_ROLES:
        revoke_role(user=outgoing, role=name)
    grant_role(user=outgoing, role=READER)
    outgoing.is_superuser = False
    outgoing.save(update_fields=["is_superuser"])
    forget_roles(outgoing)
    forget_roles(incoming)


def record_committee_handover(
    *,
    handed_over_on: dt.date,
    outgoing,
    incoming=None,
    new_username: str = "",
    new_full_name: str = "",
    chair_title: str,
    chair_name: str,
    note: str = "",
    recorded_by,
    today: dt.date | None = None,
) -> CommitteeHandoverResult:
    """Record the serah terima and move the Bendahara's office in one transaction: the incoming (an existing
    account, or one made here with a one-time password) becomes the Bendahara, the outgoing read-only. The
    outgoing records it, or a superuser does."""
    if not (recorded_by.is_superuser or recorded_by.pk == outgoing.pk):
        raise PermissionDenied
    with transaction.atomic():
        # Two handovers of the same Bendahara at once: the second waits here, then finds them read-only.
        outgoing = get_user_model().objects.select_for_update().get(pk=outgoing.pk)
        check_committee_handover(
            handed_over_on=handed_over_on, outgoing=outgoing, incoming=incoming, new_username=new_username, today=today
        )
        password = None
        if incoming is None:
            incoming, password = _new_treasurer_account(new_username, new_full_name)
        handover = TreasurerHandover.objects.create(
            handed_over_on=handed_over_on,
            outgoing=outgoing,
            incoming=incoming,
            chair_title=chair_title,
            chair_name=chair_name,
            note=note,
            recorded_by=recorded_by,
        )
        _move_the_office(outgoing, incoming)
        # The reports sign with the new Bendahara's name from now on.
        SignatureColumn.objects.filter(role__istartswith="bendahara").update(name=display_name(incoming)[:150])
    if recorded_by.pk == outgoing.pk:  # the page that answers already shows them as read-only
        recorded_by.is_superuser = outgoing.is_superuser
        forget_roles(recorded_by)
    return CommitteeHandoverResult(handover, password)
