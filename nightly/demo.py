"""Demo data: a realistic kampung with years of nightly rounds, built with bulk inserts.

Calibrated on Batujaya's Kampung KB: Rp 100–1.000 per household per night, about 330 households
giving Rp 3–5 million a month. Everything drawn from one `random.Random(seed)`, so a seed gives the
same kampung on the same day. Only the households' private codes stay truly random: they are the key
to a household's own page and must never be guessable from a seed.

Rounds and contributions are written with raw `executemany` (no model instances, no history rows):
500 households over 60 months is about 900,000 contributions.
"""

from __future__ import annotations

import datetime as dt
import random
import secrets
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import connection, transaction
from django.utils import timezone

from households.models import RT, Household, HouseholdStatus
from jimpitan.lib.evening import evening_of
from jimpitan.lib.months import month_start, next_month
from jimpitan.models import KampungProfile
from jimpitan.roles import BENDAHARA, PETUGAS, POKJA
from nightly.models import Contribution, ContributionState, Round

# Usual amounts, weighted by how often a household picks them (mean about Rp 400 a night).
USUAL_AMOUNTS = [100] * 2 + [200] * 3 + [300] * 1 + [500] * 4 + [1000] * 1
OTHER_AMOUNTS = [100, 200, 500, 1000, 2000]
RAIN_CHANCE = 0.035  # the whole kampung skips the night
RT_MISSED_CHANCE = 0.01  # one RT's patrol did not go out
TOTAL_ONLY_CHANCE = 0.02  # the buku ronda kept only the night's total
NOT_REACHED_CHANCE = 0.008
TITIP_CHANCE = 0.02
OTHER_AMOUNT_CHANCE = 0.05
RAPEL_CHANCE = 0.003
BATCH_ROWS = 50_000

MALE_FIRST = [
    "Ahmad", "Budi", "Slamet", "Sutrisno", "Agus", "Bambang", "Joko", "Hendra", "Wahyu", "Eko", "Dedi", "Rudi",
    "Teguh", "Suparman", "Suryadi", "Mulyadi", "Rahmat", "Hasan", "Yusuf", "Imam", "Asep", "Ujang", "Dadang",
    "Cecep", "Iwan", "Heru", "Sugeng", "Fajar", "Rizki", "Andi", "Irfan", "Supriyadi", "Haryanto", "Sumarno",
    "Kusnadi", "Dodi", "Jajang", "Nanang", "Maman", "Ridwan", "Samsul", "Taufik", "Wawan", "Yanto", "Zainal",
    "Arif", "Bayu", "Dimas", "Gilang", "Hadi", "Kurniawan", "Lukman", "Muhammad", "Nur", "Rohmat", "Syarif",
]
FEMALE_FIRST = [
    "Siti", "Sri", "Dewi", "Rina", "Yuni", "Wati", "Endang", "Ratna", "Nurhayati", "Sumarni", "Tuti", "Lestari",
    "Ani", "Aminah", "Kartini", "Eni", "Fitri", "Heni", "Iis", "Juju", "Kokom", "Lilis", "Neneng", "Titin",
]
FAMILY = [
    "Santoso", "Wijaya", "Setiawan", "Hidayat", "Saputra", "Susanto", "Kurniawan", "Pratama", "Nugroho", "Hermawan",
    "Gunawan", "Purnomo", "Rahayu", "Suryani", "Hasibuan", "Siregar", "Nasution", "Simanjuntak", "Sitompul",
    "Manurung", "Permana", "Ramadhan", "Firmansyah", "Maulana", "Syahputra", "Hakim", "Sulistyo", "Prasetyo",
    "Wibowo", "Utomo", "Handoko", "Sudrajat", "Supriatna", "Hermanto", "Kusuma", "Lubis", "Harahap", "Rosadi",
    "Mulyana", "Sopandi", "Iskandar", "Fauzi", "Nurdin", "Sahroni", "Wahyudi", "Yulianto",
]
STREETS = ["Jl. Melati", "Jl. Mawar", "Gg. Kenanga", "Jl. Flamboyan", "Gg. Anggrek", "Jl. Cempaka", "Gg. Dahlia"]
RT_NAMES = ["Melati", "Mawar", "Kenanga", "Flamboyan", "Anggrek", "Cempaka"]

DEMO_USERS = (
    # username, first name, role, staff, superuser
    ("bendahara", "Bu Ratna", BENDAHARA, True, True),
    ("petugas", "Pak Slamet", PETUGAS, False, False),
    ("pokja", "Pak Hadi", POKJA, True, False),
)


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


@dataclass
class _House:
    pk: int
    rt_id: int
    usual: int
    empty_chance: float
    status: str
    starts: dt.date | None
    ends: dt.date | None
    address: str


# --- tables -------------------------------------------------------------------------------------


def bookkeeping_models() -> list:
    """Every model whose rows make a database 'not empty', in wipe order: closings first (while a month is
    closed, its triggers refuse to delete its records), then children before parents."""
    from ledger.models import Adjustment, MonthClosing, MonthReopening
    from spending.models import Expense, OtherIncome, Project

    return [
        MonthReopening,
        MonthClosing,
        Contribution.history.model,
        Contribution,
        Round.collector_users.through,
        Round.history.model,
        Round,
        Adjustment,
        Expense.history.model,
        Expense,
        OtherIncome.history.model,
        OtherIncome,
        Project.history.model,
        Project,
        Household.history.model,
        Household,
        RT,
    ]


def database_has_data() -> bool:
    return any(model.objects.exists() for model in bookkeeping_models())


def wipe_bookkeeping() -> None:
    """Delete every bookkeeping row with plain DELETEs: the ORM would load (and log history for) each row."""
    with connection.cursor() as cursor:
        for model in bookkeeping_models():
            cursor.execute(f"DELETE FROM {connection.ops.quote_name(model._meta.db_table)}")


# --- people and places --------------------------------------------------------------------------


def _head_name(rng: random.Random) -> str:
    female = rng.random() < 0.22
    name = rng.choice(FEMALE_FIRST if female else MALE_FIRST)
    roll = rng.random()
    if roll < 0.25:
        pass  # many Javanese go by one name
    elif roll < 0.85 or female:
        name = f"{name} {rng.choice(FAMILY)}"
    else:
        name = f"{name} {rng.choice(MALE_FIRST + FAMILY)} {rng.choice(FAMILY)}"
    if rng.random() < 0.06:
        name = f"Hj. {name}" if female else f"H. {name}"
    return name


def _called(head_name: str) -> str:
    """How the patrol book names a resident: 'Pak Slamet', 'Bu Siti', 'H. Ahmad'."""
    parts = head_name.split()
    if parts[0] in ("H.", "Hj."):
        return f"{parts[0]} {parts[1]}"
    return f"{'Bu' if parts[0] in FEMALE_FIRST else 'Pak'} {parts[0]}"


def _phone(rng: random.Random) -> str:
    prefix = rng.choice(["812", "813", "815", "821", "822", "852", "853", "857", "878", "896"])
    return f"+62{prefix}{rng.randrange(10_000_000, 99_999_999)}"


def _addresses(rng: random.Random, rt_index: int, count: int) -> list[str]:
    """House numbers in route order: blocks of a housing estate, and a street or two of the old kampung."""
    letter = "ABCDEFGH"[rt_index]
    streets = [STREETS[(rt_index + k) % len(STREETS)] for k in range(len(STREETS))]
    addresses: list[str] = []
    block = 1
    while len(addresses) < count:
        per_block = rng.randint(18, 30)
        if streets and rng.random() < 0.2:
            street = streets.pop(0)
            addresses.extend(f"{street} No. {n}" for n in range(1, per_block + 1))
        else:
            addresses.extend(f"Blok {letter}{block} No. {n}" for n in range(1, per_block + 1))
            block += 1
    return addresses[:count]


def ensure_profile(first_evening: dt.date) -> KampungProfile:
    profile = KampungProfile.load()
    if profile is None:
        profile = KampungProfile.objects.create(
            pk=KampungProfile.SINGLETON_ID,
            name='Kampung KB Jimpitan "Kompak Berbagi Berkah"',
            rw="05",
            kelurahan="Batujaya",
            kecamatan="Batuceper",
            city="Kota Tangerang",
            chair_name="H. Sutrisno",
            treasurer_name="Ratna Suryani",
            opening_balance=1_250_000,
            opening_balance_date=first_evening,
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
        user.groups.set([Group.objects.get(name=role)])
        created.append((user, role, password))
    return created


# --- the books ----------------------------------------------------------------------------------


def _months_back(month: dt.date, count: int) -> dt.date:
    year, index = divmod(month.year * 12 + month.month - 1 - count, 12)
    return dt.date(year, index + 1, 1)


def period_for(months: int, today_evening: dt.date | None = None) -> tuple[dt.date, dt.date]:
    """`months` calendar months up to yesterday's evening (the current month counts as one)."""
    last = (today_evening or evening_of()) - dt.timedelta(days=1)
    return _months_back(month_start(last), months - 1), last


def _make_rts_and_households(rng: random.Random, households: int, first: dt.date, last: dt.date) -> list[_House]:
    rt_count = min(rng.randint(4, 6), max(households, 1))
    # Uneven RTs, as in real life: weights between 0.7 and 1.3.
    weights = [rng.uniform(0.7, 1.3) for _ in range(rt_count)]
    sizes = [int(households * w / sum(weights)) for w in weights]
    sizes[0] += households - sum(sizes)
    span = (last - first).days
    houses: list[_House] = []
    for index, size in enumerate(sizes):
        rt = RT.objects.create(number=index + 1, name=RT_NAMES[index], display_order=index + 1)
        rows = []
        for position, address in enumerate(_addresses(rng, index, size), start=1):
            status = HouseholdStatus.ACTIVE
            roll = rng.random()
            joined = first - dt.timedelta(days=rng.randint(200, 4000))
            moved_on = None
            if roll < 0.02:
                status = HouseholdStatus.EXEMPT
            elif roll < 0.045 and span > 30:
                status = HouseholdStatus.MOVED
                moved_on = first + dt.timedelta(days=rng.randint(span // 4, span - 1))
            elif roll < 0.07 and span > 30:
                joined = first + dt.timedelta(days=rng.randint(1, span * 3 // 4))
            rows.append(
                Household(
                    rt=rt,
                    address=address,
                    head_name=_head_name(rng),
                    phone=_phone(rng) if rng.random() < 0.6 else "",
                    members=rng.randint(1, 7),
                    status=status,
                    moved_on=moved_on,
                    usual_amount=rng.choice(USUAL_AMOUNTS),
                    route_position=position,
                    joined_on=joined,
                    notes="Lansia, dibebaskan oleh musyawarah RT." if status == HouseholdStatus.EXEMPT else "",
                )
            )
        for household in Household.objects.bulk_create(rows, batch_size=1000):
            # Most containers are rarely empty; a few households often forget.
            empty_chance = rng.choice([0.02, 0.04, 0.06, 0.08, 0.1, 0.25])
            houses.append(
                _House(
                    pk=household.pk,
                    rt_id=rt.pk,
                    usual=household.usual_amount,
                    empty_chance=empty_chance,
                    status=household.status,
                    starts=household.joined_on,
                    ends=household.moved_on,
                    address=household.address,
                )
            )
    return houses


def _rosters(rng: random.Random, houses: list[_House]) -> dict[int, list[str]]:
    """Seven patrol groups per RT (one per weekday), 4–6 residents each, named from the RT's heads."""
    names = dict(Household.objects.values_list("pk", "head_name"))
    by_rt: dict[int, list[str]] = {}
    for house in houses:
        by_rt.setdefault(house.rt_id, []).append(names[house.pk])
    rosters = {}
    for rt_id, heads in by_rt.items():
        groups = []
        for _ in range(7):
            picked = rng.sample(heads, min(len(heads), rng.randint(4, 6)))
            groups.append(", ".join(_called(name) for name in picked))
        rosters[rt_id] = groups
    return rosters


def _insert_sql(model, fields: list[str]) -> str:
    quote = connection.ops.quote_name
    columns = ", ".join(quote(model._meta.get_field(f).column) for f in fields)
    marks = ", ".join(["%s"] * len(fields))
    return f"INSERT INTO {quote(model._meta.db_table)} ({columns}) VALUES ({marks})"


def _seed_rounds(
    rng: random.Random, houses: list[_House], first: dt.date, last: dt.date, recorders: list[int]
) -> tuple[int, int, int]:
    """Write the rounds month by month: insert the month's rounds, read back their ids, insert their rows."""
    ops = connection.ops
    rosters = _rosters(rng, houses)
    by_rt: dict[int, list[_House]] = {}
    for house in houses:
        if house.status != HouseholdStatus.EXEMPT:
            by_rt.setdefault(house.rt_id, []).append(house)
    rt_ids = sorted(by_rt)
    round_fields = [
        "rt", "evening", "collectors", "counted_cash", "notes", "is_total_only", "total", "households_listed",
        "households_paid", "recorded_by", "recorded_at", "updated_at", "version",
    ]
    round_sql = _insert_sql(Round, round_fields)
    contribution_sql = _insert_sql(Contribution, ["round", "household", "evening", "amount", "state", "note"])
    quote = ops.quote_name
    select_ids = (
        f"SELECT {quote('id')}, {quote(Round._meta.get_field('rt').column)}, {quote('evening')} "
        f"FROM {quote(Round._meta.db_table)} WHERE {quote('evening')} >= %s AND {quote('evening')} < %s"
    )
    tz = timezone.get_current_timezone()
    rounds_total = contributions_total = money_total = 0
    month = month_start(first)
    with connection.cursor() as cursor:
        while month <= last:
            month_end = min(next_month(month) - dt.timedelta(days=1), last)
            round_rows = []
            pending: dict[tuple[int, dt.date], list[tuple]] = {}
            day = max(month, first)
            while day <= month_end:
                rainy = rng.random() < RAIN_CHANCE
                evening_value = ops.adapt_datefield_value(day)
                for rt_id in rt_ids:
                    if rainy or rng.random() < RT_MISSED_CHANCE:
                        continue
                    total_only = rng.random() < TOTAL_ONLY_CHANCE
                    rows = []
                    total = paid = 0
                    for house in by_rt[rt_id]:
                        if house.starts and house.starts > day or house.ends and house.ends < day:
                            continue
                        if rng.random() < NOT_REACHED_CHANCE:
                            continue
                        roll = rng.random()
                        note = ""
                        if roll < house.empty_chance:
                            amount, state = 0, ContributionState.EMPTY.value
                        else:
                            state = ContributionState.PAID.value
                            amount = house.usual
                            roll = rng.random()
                            if roll < TITIP_CHANCE:
                                state = ContributionState.LEFT_WITH_NEIGHBOUR.value
                                note = "Dititip ke tetangga sebelah"
                            elif roll < TITIP_CHANCE + OTHER_AMOUNT_CHANCE:
                                amount = rng.choice(OTHER_AMOUNTS)
                            elif roll < TITIP_CHANCE + OTHER_AMOUNT_CHANCE + RAPEL_CHANCE:
                                amount = house.usual * rng.randint(4, 10)
                                note = "Rapel"
                            paid += 1
                        total += amount
                        rows.append((house.pk, evening_value, amount, state, note))
                    if not rows:
                        continue
                    if total_only:
                        rows, listed, paid = [], 0, 0
                    else:
                        listed = len(rows)
                        pending[(rt_id, day)] = rows
                    roll = rng.random()
                    if roll < 0.15:
                        counted = None
                    elif roll < 0.22:
                        counted = max(0, total + rng.choice([-1000, -500, -200, 200, 500]))
                    else:
                        counted = total
                    recorded_at = dt.datetime.combine(
                        day + dt.timedelta(days=1), dt.time(rng.randint(7, 20), rng.randint(0, 59)), tz
                    )
                    stamp = ops.adapt_datetimefield_value(recorded_at)
                    notes = "Buku ronda hanya mencatat total malam ini." if total_only else ""
                    round_rows.append(
                        (
                            rt_id, evening_value, rosters[rt_id][day.weekday()], counted, notes, total_only, total,
                            listed, paid, rng.choice(recorders), stamp, stamp, 1,
                        )
                    )
                    money_total += total
                day += dt.timedelta(days=1)
            if round_rows:
                cursor.executemany(round_sql, round_rows)
                rounds_total += len(round_rows)
                cursor.execute(
                    select_ids,
                    [ops.adapt_datefield_value(month), ops.adapt_datefield_value(next_month(month))],
                )
                batch: list[tuple] = []
                for round_id, rt_id, evening in cursor.fetchall():
                    if isinstance(evening, str):
                        evening = dt.date.fromisoformat(evening)
                    for row in pending.get((rt_id, evening), ()):
                        batch.append((round_id, *row))
                    if len(batch) >= BATCH_ROWS:
                        cursor.executemany(contribution_sql, batch)
                        contributions_total += len(batch)
                        batch = []
                if batch:
                    cursor.executemany(contribution_sql, batch)
                    contributions_total += len(batch)
            month = next_month(month)
    return rounds_total, contributions_total, money_total


def seed_demo(households: int, months: int, seed: int, today_evening: dt.date | None = None) -> DemoResult:
    """Fill an empty database with a demo kampung. The caller checks emptiness (or wipes)."""
    rng = random.Random(seed)
    first, last = period_for(months, today_evening)
    result = DemoResult(first_evening=first, last_evening=last)
    with transaction.atomic():
        ensure_profile(first)
        users = ensure_users()
        result.users = [(user.username, role, password) for user, role, password in users]
        treasurer = users[0][0]
        recorders = [users[0][0].pk] * 4 + [users[1][0].pk]
        houses = _make_rts_and_households(rng, households, first, last)
        result.rts = RT.objects.count()
        result.households = len(houses)
        result.rounds, result.contributions, result.jimpitan_total = _seed_rounds(rng, houses, first, last, recorders)

        # Imported here: the demo spans every app, and nightly must not import them at load time.
        from ledger.cache import invalidate_public_figures
        from spending.demo import seed_spending

        seed_spending(rng, month_start(first), month_start(last), treasurer)
        result.extras.append("spending")
        closed = _close_old_months(month_start(first), month_start(last), treasurer, today=last)
        result.extras.append(f"closed {closed} months")

        transaction.on_commit(invalidate_public_figures)
    return result


def _close_old_months(first: dt.date, last: dt.date, user, today: dt.date) -> int:
    """Close every month older than the last two, oldest first, as a treasurer would have."""
    from ledger.services import close_month

    cutoff = _months_back(last, 1)
    closed = 0
    month = first
    while month < cutoff:
        close_month(month, user, today=today)
        closed += 1
        month = next_month(month)
    return closed
