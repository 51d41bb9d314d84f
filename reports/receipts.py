"""The printable receipt (kuitansi) of a money document: number, date, who paid, the amount in figures and in words
(terbilang), what it is for, on the kampung's letterhead with its signing columns and the "Batujaya, 30 November
2026" line (the document's date). Any numbered document makes one by filling a `Receipt`."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.template.loader import render_to_string
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from jimpitan.documents import document_context
from jimpitan.lib.money import format_rupiah
from jimpitan.lib.terbilang import terbilang
from jimpitan.models import KampungProfile
from nightly.models import CatchUp, Handover
from nightly.selectors import CatchUpSummary
from reports.pdf import _weasyprint_html
from spending.models import OtherIncome


@dataclass(frozen=True)
class Receipt:
    number: str  # as printed: ledger.models.format_number, '2026-0042'
    day: dt.date
    paid_by: str
    amount: int
    purpose: str
    kind: str  # 'Pemasukan lain', 'Setoran petugas', 'Rapel'

    @property
    def in_words(self) -> str:
        """'Seratus dua puluh lima ribu rupiah'."""
        words = terbilang(self.amount)
        return words[:1].upper() + words[1:]

    @property
    def filename(self) -> str:
        return f"kuitansi-{self.number}.pdf"


def income_receipt(income: OtherIncome) -> Receipt:
    purpose = income.description
    if income.project_id is not None:
        purpose += " — " + _("untuk program %(name)s") % {"name": income.project.name}
    return Receipt(
        number=income.reference,
        day=income.received_on,
        paid_by=income.source_name or income.get_source_display(),
        amount=income.amount,
        purpose=purpose,
        kind=str(OtherIncome._meta.verbose_name),
    )


def _rounds_text(handover: Handover) -> str:
    """'Jimpitan RT 01, RT 02, malam 3 November 2026 s.d. 5 November 2026 (4 ronde)': one query."""
    rounds = list(handover.rounds.select_related("rt").order_by("evening"))
    if not rounds:
        return _("Setoran jimpitan")
    rts = ", ".join(sorted({str(rnd.rt) for rnd in rounds}))
    first, last = (date_format(day, "j F Y") for day in (rounds[0].evening, rounds[-1].evening))
    evenings = first if first == last else _("%(first)s s.d. %(last)s") % {"first": first, "last": last}
    return _("Setoran jimpitan %(rts)s, malam %(evenings)s (%(count)s ronde)") % {
        "rts": rts,
        "evenings": evenings,
        "count": len(rounds),
    }


def handover_receipt(handover: Handover) -> Receipt:
    purpose = _rounds_text(handover)
    if handover.difference:
        purpose += ". " + _("Total ronde %(expected)s, selisih %(difference)s: %(why)s") % {
            "expected": format_rupiah(handover.expected),
            "difference": format_rupiah(handover.difference, sign=True),
            "why": handover.explanation,
        }
    return Receipt(
        number=handover.reference,
        day=handover.received_on,
        paid_by=handover.handed_by_display,
        amount=handover.counted,
        purpose=purpose,
        kind=str(Handover._meta.verbose_name),
    )


def render_html(receipt: Receipt) -> str:
    return render_to_string(
        "reports/receipt_pdf.html",
        {**document_context(KampungProfile.load()), "receipt": receipt, "printed_on": receipt.day},
    )


def build_pdf(receipt: Receipt) -> bytes:
    return _weasyprint_html()(string=render_html(receipt)).write_pdf()


def catch_up_receipt(summary: CatchUpSummary) -> Receipt:
    """A household's catch-up (rapel) or payment ahead: the receipt goes to the household, so it names it."""
    catch_up = summary.catch_up
    household = catch_up.household
    return Receipt(
        number=catch_up.reference,
        day=catch_up.paid_on,
        paid_by=f"{household.head_name} ({household.rt} · {household.address})",
        amount=catch_up.amount,
        purpose=summary.description,
        kind=str(CatchUp._meta.verbose_name),
    )
