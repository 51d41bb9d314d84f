"""The treasurer's handover pages: record a handover (bad input → a message next to the field, nothing saved),
the list of handovers, and what the patrol still holds with its ageing; a fixed number of queries each."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from jimpitan.lib.evening import evening_of
from ledger.models import MonthClosing, default_account_id
from nightly.models import Handover, Round
from tests.ledger.factories import hand_over, save_round
from tests.nightly.factories import make_rt

pytestmark = pytest.mark.django_db

TODAY = evening_of()


def _rounds(count: int, start: int = 1, rt_number: int = 3) -> list[Round]:
    """`count` total-only rounds of one RT on the evenings `start`..`start+count-1` days ago."""
    rt, _households = make_rt(number=rt_number, households=1)
    return [
        Round.objects.create(
            rt=rt,
            evening=TODAY - dt.timedelta(days=start + i),
            total=10_000 + i,
            is_total_only=True,
            collectors="Pak Budi",
        )
        for i in range(count)
    ]


def _post(client, rounds, counted, /, **extra):
    data = {
        "received_on": TODAY.isoformat(),
        "handed_by_name": "Pak Budi",
        "rounds": [str(r.pk) for r in rounds],
        "counted": str(counted),
        "account": str(default_account_id()),
        "explanation": "",
        **extra,
    }
    return client.post(reverse("nightly:handover_create"), data)


def test_recording_a_handover_of_several_evenings(client_as, bendahara):
    rounds = _rounds(3)
    client = client_as("bendahara")
    page = client.get(reverse("nightly:handover_create")).content.decode()
    assert all(f'name="rounds" value="{r.pk}"' in page for r in rounds) and "Pak Budi" in page
    response = _post(client, rounds[:2], 20_001)
    assert response.status_code == 302 and response["Location"] == reverse("nightly:handover_list")
    handover = Handover.objects.get()
    assert (handover.expected, handover.counted, handover.handed_by_name) == (20_001, 20_001, "Pak Budi")
    assert set(handover.rounds.all()) == set(rounds[:2])
    page = client.get(reverse("nightly:handover_create")).content.decode()
    assert f'name="rounds" value="{rounds[2].pk}"' in page and f'name="rounds" value="{rounds[0].pk}"' not in page


def test_a_difference_needs_its_explanation_next_to_the_field_and_nothing_is_saved(client_as, bendahara):
    rounds = _rounds(2)
    client = client_as("bendahara")
    response = _post(client, rounds, 19_000)
    assert response.status_code == 200
    page = response.content.decode()
    assert "jelaskan selisihnya" in page and 'id="error_1_id_explanation"' in page
    assert not Handover.objects.exists() and not Round.objects.filter(handover__isnull=False).exists()
    assert f'value="{rounds[0].pk}" data-total="10000" checked' in page  # the ticks stay
    response = _post(client, rounds, 19_000, explanation="Koin Rp 1.001 hilang di jalan")
    assert response.status_code == 302
    assert Handover.objects.get().difference == -1_001


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"rounds": []}, "rounds"),
        ({"handed_by_name": ""}, "handed_by"),
        ({"counted": "-5"}, "counted"),
        ({"counted": "abc"}, "counted"),
        ({"received_on": "kemarin"}, "received_on"),
    ],
)
def test_bad_input_is_named_next_to_its_field(client_as, bendahara, change, field):
    rounds = _rounds(1)
    page = _post(client_as("bendahara"), rounds, 10_000, **change).content.decode()
    assert f'id="error_1_id_{field}"' in page or f'id="error_{field}"' in page
    assert not Handover.objects.exists()


def test_a_closed_month_is_refused_next_to_the_date(client_as, superuser):
    rounds = _rounds(1, start=70)
    old_day = rounds[0].evening
    month = old_day.replace(day=1)
    MonthClosing.objects.create(month=month, closing_balance=10_000, closed_by=superuser)
    page = _post(client_as("bendahara"), rounds, 10_000, received_on=old_day.isoformat()).content.decode()
    assert "sudah ditutup" in page and 'id="error_1_id_received_on"' in page
    assert not Handover.objects.exists()
    MonthClosing.objects.all().delete()


def test_list_page_shows_differences_and_removes_a_handover(client_as, bendahara):
    rounds = _rounds(2)
    hand_over(rounds[:1], TODAY, bendahara, counted=9_000, explanation="Kurang seribu")
    handover = hand_over(rounds[1:], TODAY, bendahara)
    client = client_as("bendahara")
    page = client.get(reverse("nightly:handover_list")).content.decode()
    assert "Kurang seribu" in page and "-Rp 1.000" in page
    assert reverse("nightly:handover_delete", args=[handover.pk]) in page
    assert "Hapus" not in client_as("pokja").get(reverse("nightly:handover_list")).content.decode()
    client = client_as("bendahara")
    response = client.post(reverse("nightly:handover_delete", args=[handover.pk]))
    assert response.status_code == 302 and Handover.objects.count() == 1
    assert Round.objects.get(pk=rounds[1].pk).handover_id is None


def test_held_page_groups_by_petugas_with_ageing(client_as, bendahara):
    _rounds(2, start=1)  # 1 and 2 days: up to 3 days
    _rounds(1, start=10, rt_number=4)  # more than 7 days
    Round.objects.filter(rt__number=4).update(collectors="Pak Joko")
    _rounds(1, start=40, rt_number=5)  # more than 30 days
    page = client_as("pokja").get(reverse("nightly:handover_held")).content.decode()
    assert 'data-figure="held">Rp 40.001<' in page
    assert 'data-bucket="0">Rp 20.001<' in page and 'data-bucket="1">Rp 0<' in page
    assert 'data-bucket="2">Rp 10.000<' in page and 'data-bucket="3">Rp 10.000<' in page
    assert page.index("Pak Budi · Rp 30.001") < page.index("Pak Joko · Rp 10.000")  # the longest held first


def test_the_treasurers_home_page_shows_the_held_money(client_as, bendahara):
    _rounds(2)
    page = client_as("bendahara").get(reverse("home")).content.decode()
    assert reverse("nightly:handover_held") in page and 'data-figure="held">Rp 20.001<' in page


def test_page_queries_do_not_grow_with_rounds_or_handovers(client_as, bendahara, django_assert_num_queries):
    client = client_as("bendahara")
    few = _rounds(2)
    hand_over(few[:1], TODAY, bendahara)
    pages = ("nightly:handover_create", "nightly:handover_list", "nightly:handover_held")
    counts = {}
    for name in pages:
        client.get(reverse(name))
        with django_assert_num_queries(PINNED[name]) as captured:
            client.get(reverse(name))
        counts[name] = len(captured.captured_queries)
    many = _rounds(40, start=3, rt_number=4)
    for i in range(0, 30, 3):
        hand_over(many[i : i + 3], TODAY, bendahara)
    for name in pages:
        with django_assert_num_queries(counts[name]):
            client.get(reverse(name))


# Each: the session, the user, two for the permissions, the kampung profile (the page's header). The form: the held
# rounds and their petugas' accounts, the default account, the petugas list, the accounts (twice: the choices and
# the bound value). The list: the handovers with their rounds counted, the closed months among them, the held
# total. The held page: the held rounds and their petugas' accounts.
PINNED = {"nightly:handover_create": 11, "nightly:handover_list": 8, "nightly:handover_held": 7}


def test_the_sheet_of_a_handed_over_round_is_read_only_and_says_why(client_as, bendahara):
    rt, households = make_rt(number=7, households=2)
    rnd = save_round(rt, households, TODAY - dt.timedelta(days=1), bendahara)
    hand_over([rnd], TODAY, bendahara)
    client = client_as("bendahara")
    query = f"?malam={rnd.evening.isoformat()}&rt={rt.pk}"
    for name in ("nightly:sheet", "nightly:total_only"):
        page = client.get(reverse(name) + query).content.decode()
        assert "sudah diserahkan ke Bendahara" in page, name
        assert client.post(reverse(name) + query, {"version": "1", "total": "5"}).status_code == 403
    assert Round.objects.get().total == 1_000
