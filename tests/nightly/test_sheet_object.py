"""The Sheet object on its own: reading posted lines, the no-JavaScript fill, the totals and conflict marks.

Households are plain unsaved instances: the Sheet reads no database.
"""

from django.http import QueryDict

from households.models import Household, HouseholdStatus
from nightly.models import EMPTY_AMOUNT, NOT_COLLECTED, Contribution, ContributionState
from nightly.services import SheetRow
from nightly.sheet import STATE_RULE, Sheet, SheetTotals

PAID, EMPTY, TITIP = ContributionState.PAID, ContributionState.EMPTY, ContributionState.LEFT_WITH_NEIGHBOUR


def _houses(*usual: int, status: str = HouseholdStatus.ACTIVE) -> list[Household]:
    return [
        Household(pk=index + 1, address=f"No. {index + 1}", usual_amount=amount, status=status)
        for index, amount in enumerate(usual)
    ]


def _post(lines: dict[int, tuple[str, str, str]]) -> QueryDict:
    data = QueryDict(mutable=True)
    for pk, (amount, state, note) in lines.items():
        data.update({f"a-{pk}": amount, f"s-{pk}": state, f"n-{pk}": note})
    return data


def test_from_post_reads_rows_and_keeps_the_text_as_typed():
    posted = _post({1: (" 1.000 ", PAID, ""), 2: ("", NOT_COLLECTED, ""), 3: ("Rp 500", TITIP, "Bu Ani")})
    sheet = Sheet.from_post(posted, [1, 2, 3])
    assert sheet.is_valid
    assert sheet.rows == [SheetRow(1, PAID, 1000, ""), SheetRow(2, "", None, ""), SheetRow(3, TITIP, 500, "Bu Ani")]
    assert sheet.entries[1].amount == "1.000"


def test_from_post_marks_bad_lines_and_leaves_them_out_of_the_rows():
    sheet = Sheet.from_post(
        _post({1: ("abc", PAID, ""), 2: ("-5", PAID, ""), 3: ("500", "hilang", ""), 4: ("500", PAID, "")}), [1, 2, 3, 4]
    )
    assert not sheet.is_valid
    assert set(sheet.errors) == {1, 2, 3}
    assert sheet.errors[2] == "Jumlah tidak boleh negatif."
    assert sheet.errors[3] == "Pilih Ada, Kosong atau Titip."
    assert [row.household_id for row in sheet.rows] == [4]


def test_from_post_reads_only_the_households_on_the_sheet():
    sheet = Sheet.from_post(_post({1: ("500", PAID, ""), 99: ("500", PAID, "")}), [1])
    assert [row.household_id for row in sheet.rows] == [1]


def test_fill_gives_untouched_lines_the_usual_amount_and_leaves_the_rest():
    houses = _houses(300, 300, 300, 0)
    sheet = Sheet.from_post(
        _post({1: ("", "", ""), 2: ("1000", PAID, ""), 3: ("", EMPTY, ""), 4: ("", "", "")}), [1, 2, 3, 4]
    )
    sheet.fill(houses)
    lines = sheet.lines(houses, {})
    assert [(line.amount, line.state) for line in lines] == [
        ("300", PAID),
        ("1000", PAID),
        ("", EMPTY),
        (str(EMPTY_AMOUNT), EMPTY),
    ]
    assert Sheet.totals(lines) == SheetTotals(total=1300, paid=2, listed=4)


def test_totals_count_paid_states_only_and_skip_lines_in_error():
    houses = _houses(500, 500, 500, 500, 500)
    sheet = Sheet.from_post(
        _post(
            {
                1: ("500", PAID, ""),
                2: ("700", TITIP, "Pak RT"),
                3: ("0", EMPTY, ""),
                4: ("500", NOT_COLLECTED, ""),
                5: ("x", PAID, ""),
            }
        ),
        [1, 2, 3, 4, 5],
    )
    totals = Sheet.totals(sheet.lines(houses, {}))
    assert (totals.total, totals.paid, totals.listed) == (1200, 2, 5)


def test_lines_show_the_stored_round_when_nothing_was_typed():
    houses = _houses(500, 500, status=HouseholdStatus.MOVED)
    stored = {1: Contribution(household_id=1, state=TITIP, amount=800, note="Bu Ani")}
    lines = Sheet().lines(houses, stored)
    assert [(line.amount, line.state, line.note) for line in lines] == [("800", TITIP, "Bu Ani"), ("", "", "")]
    assert all(line.inactive and not line.stored for line in lines)
    assert Sheet.totals(lines).total == 800


def test_conflict_marks_only_lines_that_differ_from_the_stored_round():
    houses = _houses(500, 500, 500, 500)
    stored = {
        1: Contribution(household_id=1, state=PAID, amount=500),
        2: Contribution(household_id=2, state=PAID, amount=500),
        3: Contribution(household_id=3, state=EMPTY, amount=0),
    }
    sheet = Sheet.from_post(
        _post({1: ("500", PAID, ""), 2: ("1.000", PAID, ""), 3: ("0", EMPTY, ""), 4: ("500", PAID, "")}), [1, 2, 3, 4]
    )
    assert [line.stored for line in sheet.lines(houses, stored)] == ["", "", "", ""]
    sheet.mark_conflict()
    marks = [line.stored for line in sheet.lines(houses, stored)]
    assert marks == ["", "Ada · 500", "", "tidak diambil"]


def test_service_errors_are_shown_and_leave_the_totals():
    houses = _houses(500, 500)
    sheet = Sheet.from_post(_post({1: ("500", PAID, ""), 2: ("500", PAID, "")}), [1, 2])
    sheet.add_errors({2: "Rumah ini bukan warga RT ini."})
    lines = sheet.lines(houses, {})
    assert lines[1].error == "Rumah ini bukan warga RT ini."
    assert Sheet.totals(lines) == SheetTotals(total=500, paid=1, listed=2)


def test_state_rule_for_the_script_comes_from_the_choices():
    assert {
        "paid_states": " ".join(sorted((PAID.value, TITIP.value))),
        "paid_state": PAID.value,
        "empty_state": EMPTY.value,
        "empty_amount": 0,
    } == STATE_RULE
