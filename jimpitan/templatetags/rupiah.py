"""The one place that turns an amount into 'Rp 3.500.000' in templates."""

from django import template

from jimpitan.lib.money import format_rupiah

register = template.Library()


@register.filter(name="rupiah")
def rupiah(value) -> str:
    if value is None or value == "":
        return ""
    return format_rupiah(int(value))


@register.filter(name="rupiah_signed")
def rupiah_signed(value) -> str:
    if value is None or value == "":
        return ""
    return format_rupiah(int(value), sign=True)
