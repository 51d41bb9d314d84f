"""The Javanese five-day market week (pasaran) and the 35-day weton pair of weekday and pasaran.

Pure date arithmetic, no Django: 17 August 1945 was Jumat Legi, and every pasaran follows five days later.
"""

from __future__ import annotations

import datetime as dt

PASARAN = ("Legi", "Pahing", "Pon", "Wage", "Kliwon")
# Indonesian weekday names, Monday first like date.weekday().
WEEKDAYS = ("Senin", "Selasa", "Rabu", "Kamis", "Jumat", "Sabtu", "Minggu")
WETON_CYCLE = len(PASARAN) * len(WEEKDAYS)

# The proclamation of independence: a date every Javanese calendar agrees on.
_REFERENCE = dt.date(1945, 8, 17)
_REFERENCE_PASARAN = PASARAN.index("Legi")


def pasaran_index(day: dt.date) -> int:
    """0 (Legi) … 4 (Kliwon)."""
    return (_REFERENCE_PASARAN + (day - _REFERENCE).days) % len(PASARAN)


def pasaran_of(day: dt.date) -> str:
    return PASARAN[pasaran_index(day)]


def weekday_name(day: dt.date) -> str:
    return WEEKDAYS[day.weekday()]


def weton_of(day: dt.date) -> tuple[int, int]:
    """(weekday 0=Senin…6=Minggu, pasaran 0=Legi…4=Kliwon): the pair that comes round every 35 days."""
    return day.weekday(), pasaran_index(day)


def weton_label(day: dt.date) -> str:
    """'Minggu Kliwon'."""
    return f"{weekday_name(day)} {pasaran_of(day)}"


def _normalise(word: str) -> str:
    return word.strip().casefold()


# Spellings people type: "Jum'at", "Ahad", "Paing", "Kliwon".
_WEEKDAY_WORDS = {_normalise(name): i for i, name in enumerate(WEEKDAYS)} | {
    "jum'at": 4,
    "jumat": 4,
    "ahad": 6,
    "minggu": 6,
}
_PASARAN_WORDS = {_normalise(name): i for i, name in enumerate(PASARAN)} | {"paing": 1, "manis": 0}


def parse_weekday(word: str) -> int | None:
    return _WEEKDAY_WORDS.get(_normalise(word))


def parse_pasaran(word: str) -> int | None:
    return _PASARAN_WORDS.get(_normalise(word))
