"""Small builders for the nightly tests: an RT with N households in route order."""

from __future__ import annotations

from households.models import RT, Household
from nightly.services import SheetRow


def make_rt(number: int = 3, households: int = 5, usual_amount: int = 500) -> tuple[RT, list[Household]]:
    rt = RT.objects.create(number=number, display_order=number)
    Household.objects.bulk_create(
        [
            Household(
                rt=rt,
                address=f"No. {i + 1}",
                head_name=f"Warga {number}-{i + 1}",
                usual_amount=usual_amount,
                route_position=i + 1,
            )
            for i in range(households)
        ]
    )
    return rt, list(Household.objects.filter(rt=rt).order_by("route_position"))


def paid_rows(households, amount: int = 500, state: str = "dibayar") -> list[SheetRow]:
    return [SheetRow(h.pk, state, amount) for h in households]


def sheet_post(evening, rt, households, *, version=0, amounts=None, states=None, action="save", **extra) -> dict:
    """The POST body of the sheet form: every household paid its usual amount unless overridden."""
    data = {
        "malam": evening.isoformat(),
        "rt": str(rt.pk),
        "version": str(version),
        "action": action,
        "collectors": "",
        "counted_cash": "",
        "notes": "",
    }
    amounts = amounts or {}
    states = states or {}
    for h in households:
        data[f"a-{h.pk}"] = str(amounts.get(h.pk, h.usual_amount))
        data[f"s-{h.pk}"] = states.get(h.pk, "dibayar")
        data[f"n-{h.pk}"] = ""
    data.update(extra)
    return data
