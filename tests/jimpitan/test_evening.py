import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine

from jimpitan.lib.evening import evening_of

JAKARTA = ZoneInfo("Asia/Jakarta")


@pytest.mark.parametrize(
    "clock,evening",
    [
        ("2026-05-04 23:59", dt.date(2026, 5, 4)),
        ("2026-05-05 00:01", dt.date(2026, 5, 4)),
        ("2026-05-05 05:59", dt.date(2026, 5, 4)),
        ("2026-05-05 06:00", dt.date(2026, 5, 5)),
        ("2026-05-05 18:30", dt.date(2026, 5, 5)),
    ],
)
def test_a_night_belongs_to_the_evening_it_began(clock, evening):
    moment = dt.datetime.strptime(clock, "%Y-%m-%d %H:%M").replace(tzinfo=JAKARTA)
    with time_machine.travel(moment, tick=False):
        assert evening_of() == evening
    assert evening_of(moment) == evening


def test_utc_clock_is_read_in_jakarta_time():
    # 18:00 UTC is 01:00 the next day in Jakarta: still the evening of the 4th.
    moment = dt.datetime(2026, 5, 4, 18, 0, tzinfo=dt.UTC)
    assert evening_of(moment) == dt.date(2026, 5, 4)
