"""Small builders shared by the household tests."""

from __future__ import annotations

import csv
import datetime as dt
import io

from households.models import RT, Household
from nightly.models import Contribution, ContributionState, Round


def make_rt(number: int = 1, **extra) -> RT:
    return RT.objects.get_or_create(number=number, defaults={"display_order": number, **extra})[0]


def make_household(rt: RT, address: str, head_name: str = "Warga", position: int = 0, **extra) -> Household:
    return Household.objects.create(rt=rt, address=address, head_name=head_name, route_position=position, **extra)


def record_contribution(household: Household, evening: dt.date = dt.date(2026, 5, 4), amount: int = 500):
    round_, _ = Round.objects.get_or_create(rt=household.rt, evening=evening)
    return Contribution.objects.create(
        round=round_, household=household, evening=evening, amount=amount, state=ContributionState.PAID
    )


def csv_file(rows: list[list], *, delimiter: str = ",", encoding: str = "utf-8") -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=delimiter).writerows(rows)
    return buffer.getvalue().encode(encoding)


HEADER = [
    "RT",
    "Nomor rumah/alamat",
    "Kepala keluarga",
    "Nomor HP/WhatsApp",
    "Status",
    "Tanggal pindah",
    "Jumlah biasa",
    "Urutan rute",
]
