"""The state and amount rule on ContributionState: one home for the service, the Sheet and sheet.js."""

import pytest
from django.core.exceptions import ValidationError

from nightly.models import EMPTY_AMOUNT, NOT_COLLECTED, ContributionState

PAID, EMPTY, TITIP = ContributionState.PAID, ContributionState.EMPTY, ContributionState.LEFT_WITH_NEIGHBOUR


@pytest.mark.parametrize(
    ("state", "amount", "note", "expected"),
    [
        (NOT_COLLECTED, None, "x", (NOT_COLLECTED, None, "")),
        (NOT_COLLECTED, 500, "", (PAID, 500, "")),
        (NOT_COLLECTED, 0, "", (EMPTY, EMPTY_AMOUNT, "")),
        (PAID, 500, "note dropped", (PAID, 500, "")),
        (PAID, 0, "", (EMPTY, EMPTY_AMOUNT, "")),
        (EMPTY, 700, "", (EMPTY, EMPTY_AMOUNT, "")),
        (EMPTY, None, "", (EMPTY, EMPTY_AMOUNT, "")),
        (TITIP, 500, "  Bu Ani ", (TITIP, 500, "Bu Ani")),
    ],
)
def test_normalise(state, amount, note, expected):
    assert ContributionState.normalise(state, amount, note) == expected


@pytest.mark.parametrize(
    ("state", "amount", "code"),
    [
        (PAID, None, "amount_missing"),
        (TITIP, None, "amount_missing"),
        (TITIP, 0, "amount_missing"),
        ("hilang", 500, "state"),
    ],
)
def test_normalise_refuses_contradictions(state, amount, code):
    with pytest.raises(ValidationError) as raised:
        ContributionState.normalise(state, amount)
    assert raised.value.code == code


def test_paid_states_and_the_state_an_amount_implies():
    assert ContributionState.paid_values() == {PAID, TITIP}
    assert ContributionState.counts_as_paid(TITIP) and not ContributionState.counts_as_paid(EMPTY)
    assert not ContributionState.counts_as_paid(NOT_COLLECTED)
    assert ContributionState.for_amount(1) == PAID
    assert ContributionState.for_amount(EMPTY_AMOUNT) == EMPTY
