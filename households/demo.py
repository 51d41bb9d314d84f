"""Demo RTs and households for `seed_demo`: names, addresses and phones as a Batujaya kampung has them.

Everything is drawn from the caller's `random.Random`, so a seed gives the same households. Only the private
codes stay truly random (the model makes them): they are the key to a household's own page and must never
be guessable from a seed. This seeder writes the households app's tables and nothing else.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, replace

from households.models import RT, AwayPeriod, AwayReason, Household, HouseholdStatus
from jimpitan.lib.sql import delete_all_rows, rows_changed_in_bulk

# Usual amounts, weighted by how often a household picks them (mean about Rp 400 a night).
USUAL_AMOUNTS = [100] * 2 + [200] * 3 + [300] * 1 + [500] * 4 + [1000] * 1
# How often a household's container is empty: most are rarely, a few households often forget.
EMPTY_CHANCES = [0.02, 0.04, 0.06, 0.08, 0.1, 0.25]

MALE_FIRST = [
    "Ahmad",
    "Budi",
    "Slamet",
    "Sutrisno",
    "Agus",
    "Bambang",
    "Joko",
    "Hendra",
    "Wahyu",
    "Eko",
    "Dedi",
    "Rudi",
    "Teguh",
    "Suparman",
    "Suryadi",
    "Mulyadi",
    "Rahmat",
    "Hasan",
    "Yusuf",
    "Imam",
    "Asep",
    "Ujang",
    "Dadang",
    "Cecep",
    "Iwan",
    "Heru",
    "Sugeng",
    "Fajar",
    "Rizki",
    "Andi",
    "Irfan",
    "Supriyadi",
    "Haryanto",
    "Sumarno",
    "Kusnadi",
    "Dodi",
    "Jajang",
    "Nanang",
    "Maman",
    "Ridwan",
    "Samsul",
    "Taufik",
    "Wawan",
    "Yanto",
    "Zainal",
    "Arif",
    "Bayu",
    "Dimas",
    "Gilang",
    "Hadi",
    "Kurniawan",
    "Lukman",
    "Muhammad",
    "Nur",
    "Rohmat",
    "Syarif",
]
FEMALE_FIRST = [
    "Siti",
    "Sri",
    "Dewi",
    "Rina",
    "Yuni",
    "Wati",
    "Endang",
    "Ratna",
    "Nurhayati",
    "Sumarni",
    "Tuti",
    "Lestari",
    "Ani",
    "Aminah",
    "Kartini",
    "Eni",
    "Fitri",
    "Heni",
    "Iis",
    "Juju",
    "Kokom",
    "Lilis",
    "Neneng",
    "Titin",
]
FAMILY = [
    "Santoso",
    "Wijaya",
    "Setiawan",
    "Hidayat",
    "Saputra",
    "Susanto",
    "Kurniawan",
    "Pratama",
    "Nugroho",
    "Hermawan",
    "Gunawan",
    "Purnomo",
    "Rahayu",
    "Suryani",
    "Hasibuan",
    "Siregar",
    "Nasution",
    "Simanjuntak",
    "Sitompul",
    "Manurung",
    "Permana",
    "Ramadhan",
    "Firmansyah",
    "Maulana",
    "Syahputra",
    "Hakim",
    "Sulistyo",
    "Prasetyo",
    "Wibowo",
    "Utomo",
    "Handoko",
    "Sudrajat",
    "Supriatna",
    "Hermanto",
    "Kusuma",
    "Lubis",
    "Harahap",
    "Rosadi",
    "Mulyana",
    "Sopandi",
    "Iskandar",
    "Fauzi",
    "Nurdin",
    "Sahroni",
    "Wahyudi",
    "Yulianto",
]
STREETS = ["Jl. Melati", "Jl. Mawar", "Gg. Kenanga", "Jl. Flamboyan", "Gg. Anggrek", "Jl. Cempaka", "Gg. Dahlia"]
RT_NAMES = ["Melati", "Mawar", "Kenanga", "Flamboyan", "Anggrek", "Cempaka"]

# What this seeder empties, children first.
WIPED_MODELS = (AwayPeriod.history.model, AwayPeriod, Household.history.model, Household, RT)

# Idul Fitri (Lebaran) by year, as the government's calendar gives it: families go mudik around it.
LEBARAN = {
    2023: dt.date(2023, 4, 22),
    2024: dt.date(2024, 4, 10),
    2025: dt.date(2025, 3, 31),
    2026: dt.date(2026, 3, 20),
    2027: dt.date(2027, 3, 10),
    2028: dt.date(2028, 2, 27),
}
LEBARAN_AWAY = 5  # households that go mudik for each Lebaran in the demo's span
# A coming Lebaran this close is already in the book: families tell the treasurer before they leave.
LEBARAN_AHEAD = dt.timedelta(days=120)


@dataclass(frozen=True)
class DemoHousehold:
    """A seeded household as the later seeders need it, so they need not read it back from the database."""

    pk: int
    rt_id: int
    head_name: str
    usual_amount: int
    status: str
    joined_on: dt.date | None
    moved_on: dt.date | None
    # A habit of the simulated family, not a stored field: drawn here, with the household, so one seed
    # keeps giving the same kampung; the nightly seeder uses it.
    empty_chance: float
    # The evenings (first, last) the family is away: the nightly seeder gives them no row.
    away: tuple[tuple[dt.date, dt.date], ...] = ()

    def is_away(self, day: dt.date) -> bool:
        return any(start <= day <= end for start, end in self.away)


def wipe_households() -> None:
    delete_all_rows(WIPED_MODELS)


def seed_households(*, rng: random.Random, households: int, first: dt.date, last: dt.date) -> list[DemoHousehold]:
    """4–6 uneven RTs holding `households` households in route order, some exempt, moved away or new."""
    seeded: list[DemoHousehold] = []
    for index, size in enumerate(_rt_sizes(rng, households)):
        rt = RT.objects.create(number=index + 1, name=RT_NAMES[index], display_order=index + 1)
        rows = [
            _new_household(rng, rt, position, address, first, last)
            for position, address in enumerate(_addresses(rng, index, size), start=1)
        ]
        for household in Household.objects.bulk_create(rows, batch_size=1000):
            seeded.append(
                DemoHousehold(
                    pk=household.pk,
                    rt_id=rt.pk,
                    head_name=household.head_name,
                    usual_amount=household.usual_amount,
                    status=household.status,
                    joined_on=household.joined_on,
                    moved_on=household.moved_on,
                    empty_chance=rng.choice(EMPTY_CHANCES),
                )
            )
    seeded = _seed_away_periods(rng, seeded, first=first, last=last)
    # bulk_create saves no model, so nothing else hears of these rows unless told.
    rows_changed_in_bulk.send(sender=Household)
    return seeded


def _away_plan(rng: random.Random, active: list[DemoHousehold], first: dt.date, last: dt.date) -> list[AwayPeriod]:
    """A few families mudik around each Lebaran of the span or coming soon (from three evenings before to a week
    after), and one family working away now, back in a few days, so the pages show a current period too."""
    periods = []
    for lebaran in sorted(LEBARAN.values()):
        if first <= lebaran <= last + LEBARAN_AHEAD:
            for house in rng.sample(active, min(LEBARAN_AWAY, len(active))):
                start, end = lebaran - dt.timedelta(days=3), lebaran + dt.timedelta(days=rng.randint(5, 9))
                periods.append(AwayPeriod(household_id=house.pk, starts_on=start, ends_on=end, note="Mudik Lebaran"))
    taken = {period.household_id for period in periods}
    free = [house for house in active if house.pk not in taken]
    if free:
        house = rng.choice(free)
        periods.append(
            AwayPeriod(
                household_id=house.pk,
                starts_on=last - dt.timedelta(days=6),
                ends_on=last + dt.timedelta(days=4),
                reason=AwayReason.WORK,
                note="Proyek di luar kota",
            )
        )
    return periods


def _seed_away_periods(
    rng: random.Random, seeded: list[DemoHousehold], *, first: dt.date, last: dt.date
) -> list[DemoHousehold]:
    active = [house for house in seeded if house.status == HouseholdStatus.ACTIVE]
    periods = _away_plan(rng, active, first, last)
    AwayPeriod.objects.bulk_create(periods)
    away: dict[int, list[tuple[dt.date, dt.date]]] = {}
    for period in periods:
        away.setdefault(period.household_id, []).append((period.starts_on, period.ends_on))
    return [replace(house, away=tuple(away.get(house.pk, ()))) for house in seeded]


def called_name(head_name: str) -> str:
    """How the patrol book names a resident: 'Pak Slamet', 'Bu Siti', 'H. Ahmad'."""
    parts = head_name.split()
    if parts[0] in ("H.", "Hj."):
        return f"{parts[0]} {parts[1]}"
    return f"{'Bu' if parts[0] in FEMALE_FIRST else 'Pak'} {parts[0]}"


def _rt_sizes(rng: random.Random, households: int) -> list[int]:
    rt_count = min(rng.randint(4, 6), max(households, 1))
    # Uneven RTs, as in real life: weights between 0.7 and 1.3.
    weights = [rng.uniform(0.7, 1.3) for _ in range(rt_count)]
    sizes = [int(households * w / sum(weights)) for w in weights]
    sizes[0] += households - sum(sizes)
    return sizes


def _new_household(rng: random.Random, rt: RT, position: int, address: str, first: dt.date, last: dt.date) -> Household:
    # The draws keep their order (status, dates, name, phone, members, amount): a seed gives the same kampung.
    span = (last - first).days
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
    return Household(
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
