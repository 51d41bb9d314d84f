"""{% held_total as held %}: the rounds' money still held by the patrol, for the treasurer's home page."""

from __future__ import annotations

from django import template

from nightly import selectors

register = template.Library()


@register.simple_tag
def held_total() -> int:
    return selectors.held_total()
