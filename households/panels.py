"""Sections that the apps above add to a household's register page.

The register sits below the nightly rounds in the stack, so it cannot name them; the nightly app
registers its section (the household's month of jimpitan) from its `AppConfig.ready()`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.http import HttpRequest

from households.models import Household


@dataclass(frozen=True)
class DetailPanel:
    template: str
    # The template's context for this household; it may read the request's query (e.g. ?bulan=).
    context: Callable[[HttpRequest, Household], dict]


_panels: dict[str, DetailPanel] = {}


def register_detail_panel(name: str, panel: DetailPanel) -> None:
    _panels[name] = panel


def render_detail_panels(request: HttpRequest, household: Household) -> list[tuple[str, dict]]:
    """(template, context) of each registered panel, in registration order."""
    return [(panel.template, panel.context(request, household)) for panel in _panels.values()]
