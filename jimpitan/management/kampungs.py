"""The kampung a management command works for: commands run outside any request, so they name it themselves."""

from __future__ import annotations

import argparse

from django.core.management.base import CommandError

from jimpitan.models import Kampung


def add_kampung_argument(parser: argparse.ArgumentParser, *, every_by_default: bool = False) -> None:
    default = "every kampung" if every_by_default else "the only kampung of a single-kampung install"
    parser.add_argument("--kampung", metavar="SLUG", help=f"The kampung's address code (slug). Default: {default}.")


def command_kampung(slug: str | None) -> Kampung:
    """The kampung named by --kampung; without it, the install's only kampung. A deployment of several refuses
    to guess: a report or a seed in the wrong kampung is worse than a question."""
    if slug:
        kampung = Kampung.objects.filter(slug=slug).first()
        if kampung is None:
            raise CommandError(f"No kampung has the address code {slug!r}.")
        return kampung
    kampungs = list(Kampung.objects.order_by("pk")[:2])
    if len(kampungs) == 1:
        return kampungs[0]
    if not kampungs:
        return Kampung.ensure_first()
    raise CommandError("This deployment serves several kampungs: name one with --kampung <slug>.")


def command_kampungs(slug: str | None) -> list[Kampung]:
    """The kampung named by --kampung, or every kampung of the deployment (whole-deployment checks)."""
    return [command_kampung(slug)] if slug else list(Kampung.objects.order_by("pk"))
