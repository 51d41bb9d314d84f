"""The public pages are rebuilt after any committed change to what they show, wherever it was made.

Every model a public page reads is watched here: a save or delete through a service, a form, the admin
or a management command schedules one invalidation for when its transaction commits, however many rows
it wrote. Writes that save no model (raw SQL, `QuerySet.update`, `bulk_create`) must call
`invalidate_public_figures` themselves, or, from an app below this one, send `rows_changed_in_bulk`.
"""

from __future__ import annotations

from django.conf import settings
from django.db import transaction
from django.db.models import Model
from django.db.models.signals import m2m_changed, post_delete, post_save

from households.models import RT, AwayPeriod, Household
from jimpitan.lib.sql import rows_changed_in_bulk
from jimpitan.models import KampungProfile
from ledger.models import Account, Adjustment, BalanceCheck, MonthClosing, Transfer
from nightly.models import CatchUp, CatchUpEvening, Contribution, RosterAssignment, Round
from public.cache import invalidate_public_figures
from spending.models import Expense, OtherIncome, Project

WATCHED_MODELS: tuple[type[Model], ...] = (
    KampungProfile,
    RT,
    Household,
    # A household's own page shows its away evenings.
    AwayPeriod,
    Round,
    Contribution,
    Expense,
    OtherIncome,
    Project,
    Adjustment,
    MonthClosing,
    # `/` names tonight's patrol where the kampung publishes names; an approved swap rewrites assignments too.
    RosterAssignment,
    Account,
    Transfer,
    # `/` shows the date of the latest bank match.
    BalanceCheck,
    # A catch-up is income on `/` and the months, and marks evenings on the household's own page.
    CatchUp,
    CatchUpEvening,
)
DISPATCH_PREFIX = "public-pages"


def schedule_invalidation(*, using: str | None = None, **_signal) -> None:
    """Invalidate once the current transaction commits (at once outside one): once per atomic block, however
    many rows it saves. Matching the block's own savepoints, not any pending callback, keeps a block nested
    in a longer transaction (a test's, say) from relying on a callback that an outer block may never run."""
    connection = transaction.get_connection(using)
    if connection.in_atomic_block:
        level = set(connection.savepoint_ids)
        if any(
            callback is invalidate_public_figures and savepoints == level
            for savepoints, callback, _robust in connection.run_on_commit
        ):
            return
    transaction.on_commit(invalidate_public_figures, using=using)


def _account_saved(*, update_fields=None, **signal) -> None:
    """A petugas's first name can show on `/`. A login only stamps `last_login`, which no page shows: it
    must not throw the cached pages away at every sign-in."""
    if update_fields is not None and set(update_fields) <= {"last_login"}:
        return
    schedule_invalidation(**signal)


def connect() -> None:
    post_save.connect(_account_saved, sender=settings.AUTH_USER_MODEL, dispatch_uid=f"{DISPATCH_PREFIX}:account:save")
    for model in WATCHED_MODELS:
        uid = f"{DISPATCH_PREFIX}:{model._meta.label}"
        post_save.connect(schedule_invalidation, sender=model, dispatch_uid=f"{uid}:save")
        post_delete.connect(schedule_invalidation, sender=model, dispatch_uid=f"{uid}:delete")
        rows_changed_in_bulk.connect(schedule_invalidation, sender=model, dispatch_uid=f"{uid}:bulk")
        for field in model._meta.many_to_many:
            m2m_changed.connect(
                schedule_invalidation, sender=field.remote_field.through, dispatch_uid=f"{uid}:{field.name}"
            )
