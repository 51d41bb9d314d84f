"""`seed_demo`: a whole demo kampung, built by each app's own seeder in turn.

The order follows the stack: the profile and users (level 0), the households, then the rounds that visit
them, then the spending that the collected cash can cover, then the bank deposits of the cash that spending
leaves and the monthly bank matches, then the closing of the old months. Each app's
seeder writes only its own tables; this module only decides the order and hands one `random.Random` along,
so a seed gives the same kampung on the same day.
"""

from __future__ import annotations

import datetime as dt
import random
import secrets
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.db import transaction

from households.demo import WIPED_MODELS as HOUSEHOLD_MODELS
from households.demo import seed_households, wipe_households
from households.models import RT
from jimpitan.lib.evening import evening_of
from jimpitan.lib.months import month_start, next_month
from jimpitan.models import KampungProfile
from jimpitan.roles import BENDAHARA, PETUGAS, POKJA, set_roles
from jimpitan.services import save_profile, save_signature_columns
from ledger.demo import WIPED_MODELS as LEDGER_MODELS
from ledger.demo import seed_accounts, wipe_ledger
from ledger.models import default_account_id
from ledger.services import close_month
from nightly.demo import WIPED_MODELS as NIGHTLY_MODELS
from nightly.demo import seed_catch_ups, seed_handovers, seed_rounds, wipe_rounds
from spending.demo import WIPED_MODELS as SPENDING_MODELS
from spending.demo import seed_spending, wipe_spending

DEMO_USERS = (
    # username, first name, role, staff, superuser
    ("bendahara", "Bu Ratna", BENDAHARA, True, True),
    ("petugas", "Pak Slamet", PETUGAS, False, False),
    ("pokja", "Pak Hadi", POKJA, True, False),
)

# Every model whose rows make a database "not empty" for the demo (users and the profile are kept).
BOOKKEEPING_MODELS = (*LEDGER_MODELS, *NIGHTLY_MODELS, *SPENDING_MODELS, *HOUSEHOLD_MODELS)


@dataclass
class DemoResult:
    first_evening: dt.date
    last_evening: dt.date
    rts: int = 0
    households: int = 0
    rounds: int = 0
    contributions: int = 0
    jimpitan_total: int = 0
    users: list[tuple[str, str, str]] = field(default_factory=list)  # (username, role, password)
    extras: list[str] = field(default_factory=list)


def database_has_data() -> bool:
    return any(model.objects.exists() for model in BOOKKEEPING_MODELS)


def wipe_bookkeeping() -> None:
    """Empty every app's demo tables: the ledger first (its closings guard the other apps' rows), then each
    app before the one it points to (rounds before households)."""
    with transaction.atomic():
        wipe_ledger()
        wipe_rounds()
        wipe_spending()
        wipe_households()


def period_for(months: int, today_evening: dt.date | None = None) -> tuple[dt.date, dt.date]:
    """`months` calendar months up to yesterday's evening (the current month counts as one)."""
    last = (today_evening or evening_of()) - dt.timedelta(days=1)
    return _months_back(month_start(last), months - 1), last


def seed_demo(*, households: int, months: int, seed: int, today_evening: dt.date | None = None) -> DemoResult:
    """Fill an empty database with a demo kampung. The caller checks emptiness (or wipes)."""
    rng = random.Random(seed)
    first, last = period_for(months, today_evening)
    result = DemoResult(first_evening=first, last_evening=last)
    with transaction.atomic():
        ensure_profile(first_evening=first)
        users = ensure_users()
        result.users = [(user.username, role, password) for user, role, password in users]
        treasurer, collector = users[0][0], users[1][0]
        seeded_households = seed_households(rng=rng, households=households, first=first, last=last)
        result.rts = RT.objects.count()
        result.households = len(seeded_households)
        # The treasurer types in most patrol books; a collector now and then.
        recorder_ids = [treasurer.pk] * 4 + [collector.pk]
        rounds = seed_rounds(rng=rng, households=seeded_households, first=first, last=last, recorder_ids=recorder_ids)
        result.rounds, result.contributions, result.jimpitan_total = (
            rounds.rounds,
            rounds.contributions,
            rounds.jimpitan_total,
        )
        # The patrol hands the money over a few days later: spending from Kas tunai waits for it.
        handovers = seed_handovers(rng=rng, last=last, account_id=default_account_id(), recorded_by_id=treasurer.pk)
        result.extras.append(f"{handovers} handovers")
        catch_ups = seed_catch_ups(
            rng=rng, first=first, last=last, account_id=default_account_id(), recorded_by_id=treasurer.pk
        )
        result.extras.append(f"{catch_ups} catch-ups")
        seed_spending(
            rng=rng,
            first_month=month_start(first),
            last_month=month_start(last),
            recorded_by=treasurer,
            approved_by=users[2][0],
        )
        result.extras.append("spending")
        deposits = seed_accounts(first_month=month_start(first), last=last, user=treasurer)
        result.extras.append(f"{deposits} bank deposits")
        closed = close_old_months(first=month_start(first), last=month_start(last), user=treasurer, today=last)
        result.extras.append(f"closed {closed} months")
    return result


def ensure_profile(*, first_evening: dt.date) -> KampungProfile:
    """The demo kampung's profile, unless the database already names its own kampung."""
    profile = KampungProfile.load()
    if profile is None:
        # Through save_profile: the opening balance is money, and the ledger guards its date.
        profile = save_profile(
            KampungProfile(
                name='Kampung KB Jimpitan "Kompak Berbagi Berkah"',
                rw="05",
                kelurahan="Batujaya",
                kecamatan="Batuceper",
                city="Kota Tangerang",
                opening_balance=1_250_000,
                opening_balance_date=first_evening,
                # The demo shows the arrears view; a new kampung starts with it off.
                arrears_enabled=True,
            )
        )
        save_signature_columns(
            profile=profile,
            rows=[
                {"heading": "Mengetahui,", "role": "Ketua RW 05", "name": "Drs. Bambang Hermanto"},
                {"role": "Ketua Pokja", "name": "H. Sutrisno"},
                {"role": "Bendahara", "name": "Ratna Suryani"},
            ],
        )
    return profile


def ensure_users() -> list[tuple[object, str, str]]:
    """One demo user per role, with a fresh random password (a known password would be a risk)."""
    User = get_user_model()
    created = []
    for username, first_name, role, staff, superuser in DEMO_USERS:
        password = f"{username}-{secrets.token_urlsafe(6)}"
        user = User.objects.filter(username=username).first() or User(username=username)
        user.first_name = first_name
        user.is_staff = staff
        user.is_superuser = superuser
        user.is_active = True
        user.set_password(password)
        user.save()
        set_roles(user=user, roles=[role])
        created.append((user, role, password))
    return created


def close_old_months(*, first: dt.date, last: dt.date, user, today: dt.date) -> int:
    """Close every month older than the last two, oldest first, as a treasurer would have."""
    cutoff = _months_back(last, 1)
    closed = 0
    month = first
    while month < cutoff:
        close_month(month, user, today=today)
        closed += 1
        month = next_month(month)
    return closed


def _months_back(month: dt.date, count: int) -> dt.date:
    year, index = divmod(month.year * 12 + month.month - 1 - count, 12)
    return dt.date(year, index + 1, 1)
