"""The person filter, loaded everywhere (settings: builtins): `{{ user|display_name }}`."""

from django import template

from jimpitan.lib.people import display_name as _display_name

register = template.Library()


@register.filter(name="display_name")
def display_name(user) -> str:
    return _display_name(user)
