"""Issue 14 §3: the income-and-spending chart names every month, readably, on a 360-px phone."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import Page

from jimpitan.lib.charts import income_vs_spending_svg, short_month_label
from ledger import selectors
from ledger.selectors import Flow, MonthSummary
from tests.public.factories import seed_kampung

LABELS_JS = """() => {
  const svg = document.querySelector('figure.chart svg');
  const box = svg.closest('figure').getBoundingClientRect();
  return [...svg.querySelectorAll('.axis text')].map(t => {
    const r = t.getBoundingClientRect();
    return {text: t.textContent.trim(), top: r.top, bottom: r.bottom, left: r.left, right: r.right, height: r.height,
            inside: r.left >= box.left - 1 && r.right <= box.right + 1};
  });
}"""


@pytest.mark.browser
@pytest.mark.usefixtures("roles")
def test_every_month_is_named_and_readable_at_360(live_server, page: Page, bendahara, screenshot_dir):
    today = timezone.localdate()
    seed_kampung(40, 2, today, rts=2)
    page.set_viewport_size({"width": 360, "height": 740})
    page.goto(live_server.url + "/")
    labels = page.evaluate(LABELS_JS)
    expected = {short_month_label(m.month) for m in selectors.last_months(today, 12)}
    months = sorted((label for label in labels if label["text"] in expected), key=lambda label: label["top"])
    assert {label["text"] for label in months} == expected
    for label in labels:
        assert label["inside"], label
        assert label["height"] >= 12, label  # type of about 12 px or more, once scaled to the phone
    for upper, lower in zip(months, months[1:], strict=False):
        assert upper["bottom"] <= lower["top"], (upper, lower)  # one row per month, no overlap
    amounts = sorted((label for label in labels if label["text"] not in expected), key=lambda label: label["left"])
    assert len(amounts) >= 2
    for left, right in zip(amounts, amounts[1:], strict=False):
        assert left["right"] + 4 <= right["left"], (left, right)  # the amount scale's labels stand apart
    assert months[0]["text"] == short_month_label(today)  # newest on top, as in the months table
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    page.locator("figure.chart").first.screenshot(path=f"{screenshot_dir}/income-chart-360.png")


def test_the_pages_chart_names_each_month_and_the_reports_every_other():
    months = [MonthSummary(dt.date(2026, m, 1), 0, Flow(jimpitan=900_000 + m, expenses=150_000)) for m in range(1, 13)]
    svg = income_vs_spending_svg(months)
    assert all(f">{short_month_label(m.month)}</text>" in svg for m in months)
    printed = income_vs_spending_svg(months, horizontal=False)
    assert sum(f">{short_month_label(m.month)}</text>" in printed for m in months) >= 6
