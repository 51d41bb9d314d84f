"""The register of transaction numbers (nomor bukti) of one year: every number issued, in order, with its document,
or marked void (batal) when the document was removed, so the paper trail shows no holes. One query for the
numbers and one per kind of document, however many there are."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import F, Value
from django.db.models.functions import Coalesce, NullIf
from django.urls import reverse

from ledger.models import Adjustment, IssuedNumber, NumberKind, Transfer, format_number
from nightly.models import Handover
from spending.models import Expense, OtherIncome


@dataclass(frozen=True)
class NumberLine:
    number: str
    kind: str
    day: dt.date | None = None
    description: str = ""
    amount: int | None = None  # signed: spending is negative; a transfer moves money and is shown unsigned
    url: str = ""
    signed: bool = True

    @property
    def is_void(self) -> bool:
        return self.day is None


# kind: (queryset of (number, day, description, amount, pk), url name or "")
def _documents(year: int) -> dict[str, tuple]:
    def rows(model, day: str, description, amount: str):
        return model.objects.filter(number_year=year).values_list("number", day, description, amount, "pk")

    handed_by = Coalesce(NullIf(F("handed_by_name"), Value("")), F("handed_by__username"))
    return {
        NumberKind.EXPENSE: (rows(Expense, "spent_on", "description", "amount"), "spending:expense_detail"),
        NumberKind.INCOME: (rows(OtherIncome, "received_on", "description", "amount"), "reports:income_receipt"),
        NumberKind.ADJUSTMENT: (rows(Adjustment, "entry_date", "reason", "amount"), ""),
        NumberKind.TRANSFER: (rows(Transfer, "transfer_date", "note", "amount"), ""),
        NumberKind.HANDOVER: (rows(Handover, "received_on", handed_by, "counted"), "reports:handover_receipt"),
    }


def number_register(year: int) -> list[NumberLine]:
    found: dict[int, NumberLine] = {}
    labels = dict(NumberKind.choices)
    for kind, (rows, url_name) in _documents(year).items():
        for number, day, description, amount, pk in rows:
            url = reverse(url_name, args=[pk]) if url_name else ""
            found[number] = NumberLine(
                format_number(year, number),
                str(labels[kind]),
                day,
                description,
                -amount if kind == NumberKind.EXPENSE else amount,
                url,
                signed=kind != NumberKind.TRANSFER,
            )
    return [
        found.get(seq) or NumberLine(format_number(year, seq), str(labels.get(kind, kind)))
        for seq, kind in IssuedNumber.objects.filter(year=year).order_by("seq").values_list("seq", "kind")
    ]


def years_with_numbers() -> list[int]:
    return list(IssuedNumber.objects.order_by("-year").values_list("year", flat=True).distinct())
