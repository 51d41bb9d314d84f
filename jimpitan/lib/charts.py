"""Server-rendered SVG charts (pygal) for the public page and the PDF reports.

Each function returns an SVG string ready to place inline in HTML (or in a WeasyPrint PDF): no XML
declaration, no JavaScript (pygal's config <script> is removed, so a strict CSP and offline PDFs
work) and no external resources. The SVG has a viewBox and no fixed size, so it scales to its box;
fonts are sized to stay readable at 360 px wide.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date
from typing import Protocol

import pygal
from django.utils.translation import gettext as _
from pygal.style import Style

from jimpitan.lib.dates import month_label
from jimpitan.lib.money import format_rupiah

# Bootstrap's success / danger / primary, with AA contrast on white.
STYLE = Style(
    background="transparent",
    plot_background="transparent",
    foreground="#212529",
    foreground_strong="#212529",
    foreground_subtle="#6c757d",
    colors=("#198754", "#dc3545", "#0d6efd"),
    font_family="system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif",
    label_font_size=15,
    major_label_font_size=15,
    legend_font_size=16,
    title_font_size=18,
    value_font_size=14,
    tooltip_font_size=14,
)


class MonthFigures(Protocol):
    """A month of the cash book (ledger.selectors.MonthSummary). Read-only: the summaries are frozen."""

    @property
    def month(self) -> date: ...  # first day

    @property
    def income(self) -> int: ...

    @property
    def expenses(self) -> int: ...


class EveningParticipation(Protocol):
    """One evening's share of households that gave (nightly.selectors.Participation)."""

    @property
    def evening(self) -> date: ...

    @property
    def percent(self) -> int | None: ...


_SCRIPT = re.compile(r"<script\b[^>]*?(/>|>.*?</script>)", re.DOTALL)


def _config(**extra) -> dict:
    return {
        "style": STYLE,
        "width": 400,
        "height": 300,
        "disable_xml_declaration": True,
        "js": [],
        "legend_at_bottom": True,
        "legend_at_bottom_columns": 2,
        "show_minor_x_labels": False,
        "truncate_label": -1,
        "margin": 8,
        **extra,
    }


def _render(chart) -> str:
    svg = chart.render(is_unicode=True)
    return _SCRIPT.sub("", svg)


def _short_rupiah(amount: int) -> str:
    """Axis labels: 'Rp 3,5 jt' / 'Rp 500 rb' so they fit a phone."""
    amount = int(round(amount or 0))  # pygal passes its axis ticks as floats
    if abs(amount) >= 1_000_000:
        text = f"{amount / 1_000_000:.1f}".rstrip("0").rstrip(".").replace(".", ",")
        return _("Rp %(n)s jt") % {"n": text}
    if abs(amount) >= 1_000:
        return _("Rp %(n)s rb") % {"n": f"{amount // 1000}"}
    return format_rupiah(amount)


def short_month_label(month) -> str:
    """'Jun 26': short enough for an axis label on a phone."""
    return month_label(month)[:3] + " " + str(month.year)[2:]


def income_vs_spending_svg(months: Sequence[MonthFigures], title: str | None = None, *, horizontal: bool = True) -> str:
    """Income (jimpitan + other income) against spending, per month.

    Horizontal (the pages): one row per month, newest on top, its name written beside it, so that twelve months
    stay labelled on a 360-px phone. Vertical (the A4 report): oldest left, every month named when six or fewer.
    """
    if horizontal:
        chart = pygal.HorizontalBar(
            **_config(
                title=title,
                value_formatter=_short_rupiah,
                width=360,
                height=90 + 34 * max(len(months), 1),
                x_label_rotation=0,
                y_label_rotation=0,
                show_minor_x_labels=True,
                max_scale=3,
                spacing=6,
            )
        )
        # pygal draws a horizontal chart's first label at the bottom: oldest first puts the newest on top.
    else:
        chart = pygal.Bar(**_config(title=title, value_formatter=_short_rupiah, x_label_rotation=-45))
        chart.x_labels_major_every = 2 if len(months) > 6 else 1
    chart.x_labels = [short_month_label(m.month) for m in months]
    chart.add(_("Pemasukan"), [m.income for m in months])
    chart.add(_("Pengeluaran"), [m.expenses for m in months])
    return _render(chart)


def participation_svg(evenings: Sequence[EveningParticipation], title: str | None = None) -> str:
    """Share of listed households that paid, per evening (total-only rounds already left out)."""
    chart = pygal.Line(
        **_config(
            title=title,
            range=(0, 100),
            include_x_axis=True,
            value_formatter=lambda v: f"{v:.0f}%" if v is not None else "",
            x_label_rotation=-45,
            show_legend=False,
            dots_size=3,
        )
    )
    chart.y_labels = [0, 25, 50, 75, 100]
    chart.x_labels = [p.evening.strftime("%d/%m") for p in evenings]
    chart.x_labels_major_every = max(1, len(evenings) // 6) if evenings else None
    chart.add(_("Rumah membayar (%)"), [p.percent for p in evenings])
    return _render(chart)
