"""Reading figures as a resident sees them, and adding them up: for the public pages and the reports.

A figure is read from its displayed text ("+Rp 1.250.000", "−Rp 7.752.000", "Rp 0"), never from the data, so a
figure that the page leaves out (the balance brought over, a correction) makes the sum fail.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

VOID_TAGS = {"br", "img", "input", "meta", "link", "hr", "wbr"}
# How each named figure enters the sum. Spending is taken off whatever sign is shown.
ADDED = ("opening", "brought-over", "jimpitan", "catch-ups", "other-income", "adjustments")


def amount(text: str) -> int:
    """'+Rp 1.250.000' → 1250000, '−Rp 7.752.000' or '-Rp 15.000' → negative."""
    text = text.strip()
    digits = re.sub(r"\D", "", text)
    assert digits, f"no amount in {text!r}"
    return -int(digits) if text[:1] in "−-" else int(digits)


def check_adds_up(figures: dict[str, int], where: str) -> None:
    """opening + brought over + income − spending ± corrections = closing, as displayed."""
    assert {"opening", "jimpitan", "other-income", "expenses", "closing"} <= set(figures), (where, figures)
    total = sum(figures.get(name, 0) for name in ADDED) - abs(figures["expenses"])
    assert total == figures["closing"], f"{where} does not add up: {figures} gives {total}"


class FigureParser(HTMLParser):
    """Collects `data-figure` cells: per `tr[data-month]` row in `rows`, and the others in `loose`."""

    def __init__(self) -> None:
        super().__init__()
        self.rows: dict[str, dict[str, int]] = {}
        self.loose: dict[str, int] = {}
        self._month: str | None = None
        self._figure: str | None = None
        self._depth = 0
        self._text: list[str] = []

    def handle_starttag(self, tag, attrs) -> None:
        attributes = dict(attrs)
        if tag == "tr":
            self._month = attributes.get("data-month")
            if self._month:
                self.rows[self._month] = {}
        if self._figure is not None:
            self._depth += tag not in VOID_TAGS
        elif "data-figure" in attributes:
            self._figure, self._depth, self._text = attributes["data-figure"], 0, []

    def handle_endtag(self, tag) -> None:
        if self._figure is not None:
            if self._depth:
                self._depth -= 1
                return
            target = self.rows[self._month] if self._month else self.loose
            target[self._figure] = amount("".join(self._text))
            self._figure = None
        elif tag == "tr":
            self._month = None

    def handle_data(self, data) -> None:
        if self._figure is not None:
            self._text.append(data)


def figures_in(html: str) -> FigureParser:
    parser = FigureParser()
    parser.feed(html)
    return parser
