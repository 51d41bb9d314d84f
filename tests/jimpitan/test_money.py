import pytest
from django.template import Context, Template
from hypothesis import given
from hypothesis import strategies as st

from jimpitan.lib.money import RupiahParseError, format_rupiah, parse_rupiah


@pytest.mark.parametrize(
    "amount,text",
    [
        (0, "Rp 0"),
        (500, "Rp 500"),
        (3_500_000, "Rp 3.500.000"),
        (-2500, "-Rp 2.500"),
        (1_000_000_000, "Rp 1.000.000.000"),
    ],
)
def test_format_rupiah(amount, text):
    assert format_rupiah(amount) == text


def test_template_filter_is_the_one_formatter():
    rendered = Template("{{ a|rupiah }} {{ year }} {{ pk }}").render(Context({"a": 3500000, "year": 2026, "pk": 12345}))
    # Years and IDs are never thousand-separated.
    assert rendered == "Rp 3.500.000 2026 12345"


@pytest.mark.parametrize(
    "text,amount",
    [("3.500.000", 3_500_000), ("3500000", 3_500_000), ("Rp 3.500.000", 3_500_000), ("500", 500), ("1.000,00", 1000)],
)
def test_parse_rupiah(text, amount):
    assert parse_rupiah(text) == amount


@pytest.mark.parametrize("text", ["", "abc", "3,5", "1.5", "12.34.567", "1e3", "500.5"])
def test_parse_rupiah_refuses_fractions_and_garbage(text):
    with pytest.raises(RupiahParseError):
        parse_rupiah(text)


@given(st.integers(min_value=-(10**15), max_value=10**15))
def test_format_then_parse_round_trips(amount):
    assert parse_rupiah(format_rupiah(amount).replace("-Rp ", "-")) == amount
