"""Handovers (setoran, issue 16 section 2): a round's money is held by the patrol ("di petugas") from its evening
until the treasurer receives it into an account; differences are explained lines, never edits of the rounds; a
handed-over round is read-only; and the database refuses the same underneath."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import DatabaseError, connection, transaction

from ledger import selectors
from ledger.models import Account, AccountKind, MonthClosing, NumberKind, default_account_id
from ledger.services import close_month
from nightly import services
from nightly.checks import handover_mismatches
from nightly.models import Contribution, Handover, Round
from nightly.selectors import held_by_patrol, held_rounds, held_total
from spending import services as spending
from spending.models import Expense
from tests.ledger.factories import numbered, save_round
from tests.nightly.factories import make_rt

pytestmark = pytest.mark.django_db

NOV = {d: dt.date(2026, 11, d) for d in range(1, 31)}  # NOV[5] is 5 November
OCT_30 = dt.date(2026, 10, 30)


@pytest.fixture
def rt(kampung):
    return make_rt(number=3, households=4)


@pytest.fixture
def bank(kampung):
    return Account.objects.create(name="BRI Simpedes", kind=AccountKind.BANK)


def _kas() -> Account:
    return Account.objects.get(pk=default_account_id())


def _balances(day=None) -> dict[str, int]:
    return {row.account.name: row.balance for row in selectors.account_balances(day)}


def _hand_over(user, rounds, day, counted=None, account=None, **extra) -> Handover:
    rounds = list(rounds)
    extra.setdefault("handed_by_name", "Pak Budi")
    return services.record_handover(
        received_on=day,
        round_ids=[r.pk for r in rounds],
        counted=sum(r.total for r in rounds) if counted is None else counted,
        account=account or _kas(),
        user=user,
        **extra,
    )


def test_a_round_is_held_by_the_patrol_until_handed_over(bendahara, rt):
    first = save_round(*rt, NOV[2], bendahara)  # 4 houses × 500
    second = save_round(*rt, NOV[3], bendahara)
    assert _balances() == {"Kas tunai": 0}
    assert selectors.held_outside_accounts() == held_total() == 4_000 == selectors.current_balance()

    handover = _hand_over(bendahara, [first, second], NOV[6])

    assert (handover.expected, handover.counted, handover.difference) == (4_000, 4_000, 0)
    assert set(handover.rounds.all()) == {first, second}
    assert _balances(NOV[5]) == {"Kas tunai": 0} and selectors.held_outside_accounts(NOV[5]) == 4_000
    assert _balances(NOV[6]) == {"Kas tunai": 4_000} and selectors.held_outside_accounts(NOV[6]) == 0
    assert held_total() == 0
    # The cash book did not move: the rounds are income on their evenings, as before.
    assert selectors.month_summary(NOV[1]).jimpitan == 4_000 and selectors.balance_at(NOV[3]) == 4_000


def test_a_shortfall_is_an_explained_line_and_the_rounds_stay_as_recorded(bendahara, rt, bank):
    rnd = save_round(*rt, NOV[2], bendahara)
    with pytest.raises(ValidationError) as caught:
        _hand_over(bendahara, [rnd], NOV[4], counted=1_500, account=bank)
    assert set(caught.value.message_dict) == {"explanation"}
    assert not Handover.objects.exists() and Round.objects.get().handover_id is None  # nothing half-saved

    handover = _hand_over(bendahara, [rnd], NOV[4], counted=1_500, account=bank, explanation="Satu koin hilang")

    assert handover.difference == -500
    rnd.refresh_from_db()
    assert rnd.total == 2_000  # never edited
    month = selectors.month_summary(NOV[1])
    assert (month.jimpitan, month.adjustments, month.closing) == (2_000, -500, 1_500)
    assert _balances() == {"Kas tunai": 0, "BRI Simpedes": 1_500}
    assert selectors.balance_at(NOV[3]) == 2_000 and selectors.balance_at(NOV[4]) == 1_500


def test_a_surplus_is_kept_too(bendahara, rt):
    rnd = save_round(*rt, NOV[2], bendahara)
    handover = _hand_over(bendahara, [rnd], NOV[2], counted=2_200, explanation="Titipan tetangga ikut")
    assert handover.difference == 200 and _balances() == {"Kas tunai": 2_200}


def test_a_handed_over_round_cannot_be_changed_until_its_handover_is_removed(bendahara, rt):
    households = rt[1]
    rnd = save_round(*rt, NOV[2], bendahara)
    handover = _hand_over(bendahara, [rnd], NOV[3])
    with pytest.raises(ValidationError) as caught:
        save_round(*rt, NOV[2], bendahara, amount=1_000)
    assert caught.value.code == "handed_over" and "diserahkan" in caught.value.messages[0]
    with pytest.raises(ValidationError):
        services.save_total_only_round(rt=rt[0], evening=NOV[2], user=bendahara, version=rnd.version, total=1)
    assert Contribution.objects.filter(household=households[0]).get().amount == 500

    services.delete_handover(handover=handover, user=bendahara)
    assert Round.objects.get().handover_id is None and held_total() == 2_000
    services.save_sheet(
        rt=rt[0],
        evening=NOV[2],
        user=bendahara,
        version=rnd.version,
        rows=[services.SheetRow(h.pk, "dibayar", 1_000) for h in households],
    )
    assert Round.objects.get().total == 4_000


def test_a_handover_is_not_received_before_its_rounds_evenings(bendahara, rt):
    early, late = save_round(*rt, NOV[2], bendahara), save_round(*rt, NOV[5], bendahara)
    with pytest.raises(ValidationError) as caught:
        _hand_over(bendahara, [early, late], NOV[4])
    assert set(caught.value.message_dict) == {"received_on"}
    assert not Handover.objects.exists()


def test_a_round_is_handed_over_once(bendahara, rt):
    rnd = save_round(*rt, NOV[2], bendahara)
    _hand_over(bendahara, [rnd], NOV[3])
    with pytest.raises(ValidationError) as caught:
        _hand_over(bendahara, [rnd], NOV[4])
    assert set(caught.value.message_dict) == {"rounds"}
    assert Handover.objects.count() == 1


def test_who_handed_over_is_an_account_or_a_name(bendahara, petugas, rt):
    rnd = save_round(*rt, NOV[2], bendahara)
    for extra in ({"handed_by_name": ""}, {"handed_by": petugas, "handed_by_name": "Pak Budi"}):
        with pytest.raises(ValidationError) as caught:
            _hand_over(bendahara, [rnd], NOV[3], **extra)
        assert "handed_by" in caught.value.message_dict
    handover = _hand_over(bendahara, [rnd], NOV[3], handed_by=petugas, handed_by_name="")
    assert handover.handed_by_display == "Petugas"


def test_only_the_bendahara_records_or_removes_a_handover(petugas, pokja, bendahara, rt):
    rnd = save_round(*rt, NOV[2], bendahara)
    for user in (petugas, pokja):
        with pytest.raises(PermissionDenied):
            _hand_over(user, [rnd], NOV[3])
    handover = _hand_over(bendahara, [rnd], NOV[3])
    with pytest.raises(PermissionDenied):
        services.delete_handover(handover=handover, user=pokja)


def test_money_held_by_the_patrol_cannot_be_spent_from_an_account(bendahara, rt):
    rnd = save_round(*rt, NOV[2], bendahara)

    def spend(amount):
        return spending.save_expense(
            Expense(spent_on=NOV[5], description="Senter", payee="Toko", amount=amount, account=_kas()),
            user=bendahara,
        )

    with pytest.raises(ValidationError) as caught:
        spend(1_000)
    assert caught.value.code == "insufficient_balance"
    handover = _hand_over(bendahara, [rnd], NOV[4])
    spend(1_500)
    # Removing the handover would take Kas tunai below zero on the 5th: refused, per account.
    with pytest.raises(ValidationError) as caught:
        services.delete_handover(handover=handover, user=bendahara)
    assert caught.value.code == "insufficient_balance" and "Kas tunai" in caught.value.messages[0]
    assert Handover.objects.exists()


def test_closed_months_refuse_handovers_but_an_old_round_can_be_handed_over_in_an_open_month(superuser, bendahara, rt):
    rnd = save_round(*rt, OCT_30, bendahara)
    close_month(dt.date(2026, 10, 1), superuser, today=NOV[2])
    with pytest.raises(ValidationError) as caught:
        _hand_over(bendahara, [rnd], dt.date(2026, 10, 31))
    assert caught.value.code == "month_closed"
    handover = _hand_over(bendahara, [rnd], NOV[2])  # October's figures do not move
    assert _balances() == {"Kas tunai": 2_000}
    assert selectors.month_summary(dt.date(2026, 10, 1)).closing == MonthClosing.objects.get().closing_balance
    close_month(dt.date(2026, 11, 1), superuser, today=dt.date(2026, 12, 2))
    with pytest.raises(ValidationError):
        services.delete_handover(handover=handover, user=bendahara)


def test_held_rounds_are_grouped_by_who_holds_them_with_their_age(bendahara, petugas, rt, kampung):
    other_rt = make_rt(number=4, households=2)
    old = save_round(*rt, NOV[1], bendahara)
    old.collector_users.set([petugas])
    save_round(*other_rt, NOV[1], bendahara)
    Round.objects.filter(rt=other_rt[0]).update(collectors="Pak Joko")
    save_round(*rt, NOV[20], bendahara).collector_users.set([petugas])
    today = NOV[25]
    groups = held_by_patrol(today)
    assert [(g.holder, g.total, g.oldest, g.buckets) for g in groups] == [
        ("Pak Joko", 1_000, 24, [0, 0, 1_000, 0]),
        ("Petugas", 4_000, 24, [0, 2_000, 2_000, 0]),
    ]
    assert [h.age for h in held_rounds(today)] == [24, 24, 5]


def test_check_ledger_proves_each_handover_against_its_rounds(bendahara, rt):
    rnd = save_round(*rt, NOV[2], bendahara)
    handover = _hand_over(bendahara, [rnd], NOV[3])
    assert handover_mismatches() == []
    Handover.objects.filter(pk=handover.pk).update(expected=2_500, counted=2_500)
    assert len(handover_mismatches()) == 1 and f"#{handover.pk}" in handover_mismatches()[0]


# --- Beneath the services: the database refuses the same, in raw SQL ---------------------------------


def _raw(sql: str, params=()):
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, params)


def test_the_database_keeps_a_handed_over_round_read_only(bendahara, rt):
    rnd = save_round(*rt, NOV[2], bendahara)
    handover = _hand_over(bendahara, [rnd], NOV[3])
    contribution = Contribution.objects.filter(round=rnd).first()
    for sql in (
        f"UPDATE nightly_round SET total = 1 WHERE id = {rnd.pk}",
        f"UPDATE nightly_round SET notes = 'x' WHERE id = {rnd.pk}",
        f"DELETE FROM nightly_round WHERE id = {rnd.pk}",
        f"UPDATE nightly_contribution SET amount = 1 WHERE id = {contribution.pk}",
        f"DELETE FROM nightly_contribution WHERE id = {contribution.pk}",
    ):
        with pytest.raises(DatabaseError):
            _raw(sql)
    rnd.refresh_from_db()
    assert rnd.total == 2_000 and Contribution.objects.filter(round=rnd).count() == 4
    # Unlinking is a change of the link only; then the round is an ordinary open-month round again.
    _raw(f"UPDATE nightly_round SET handover_id = NULL WHERE id = {rnd.pk}")
    _raw(f"UPDATE nightly_round SET notes = 'x' WHERE id = {rnd.pk}")
    _raw(f"UPDATE nightly_round SET handover_id = {handover.pk} WHERE id = {rnd.pk}")


def test_the_database_refuses_a_handover_received_before_the_round(bendahara, rt):
    rnd = save_round(*rt, NOV[5], bendahara)
    early = save_round(*rt, NOV[2], bendahara)
    handover = _hand_over(bendahara, [early], NOV[3])
    with pytest.raises(DatabaseError):
        _raw(f"UPDATE nightly_round SET handover_id = {handover.pk} WHERE id = {rnd.pk}")


def test_the_database_refuses_constraint_breaking_handovers(bendahara, rt):
    kas = _kas().pk
    insert = (
        "INSERT INTO nightly_handover (received_on, handed_by_name, account_id, expected, counted, difference, "
        "explanation, recorded_at, number_year, number) VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s)"
    )
    now = dt.datetime(2026, 11, 3, 8)
    for row in (
        (NOV[3], "Budi", kas, 2_000, 1_500, -500, "", now),  # a difference without an explanation
        (NOV[3], "Budi", kas, 2_000, 1_500, 0, "x", now),  # a difference that is not counted − expected
        (NOV[3], "Budi", kas, 2_000, -1, -2_001, "x", now),  # a negative count
        (NOV[3], "", kas, 2_000, 2_000, 0, "", now),  # nobody handed over
    ):
        with pytest.raises(DatabaseError):
            _raw(insert, (*row, *numbered(NumberKind.HANDOVER, NOV[3])))
    _raw(insert, (NOV[3], "Budi", kas, 2_000, 2_000, 0, "", now, *numbered(NumberKind.HANDOVER, NOV[3])))


def test_closed_month_triggers_cover_handovers_and_the_link(superuser, bendahara, rt):
    rnd = save_round(*rt, OCT_30, bendahara)
    other = save_round(*rt, dt.date(2026, 10, 29), bendahara)
    handover = _hand_over(bendahara, [rnd], dt.date(2026, 10, 31))
    close_month(dt.date(2026, 10, 1), superuser, today=NOV[2])
    for sql in (
        f"UPDATE nightly_handover SET explanation = 'x' WHERE id = {handover.pk}",
        f"DELETE FROM nightly_handover WHERE id = {handover.pk}",
        f"UPDATE nightly_round SET handover_id = NULL WHERE id = {rnd.pk}",  # unlinking a closed handover
        f"UPDATE nightly_round SET handover_id = {handover.pk} WHERE id = {other.pk}",  # joining one
        f"UPDATE nightly_round SET notes = 'x' WHERE id = {other.pk}",  # the round's own closed month
    ):
        with pytest.raises(DatabaseError):
            _raw(sql)
    with pytest.raises(DatabaseError):
        _raw(
            "INSERT INTO nightly_handover (received_on, handed_by_name, account_id, expected, counted, difference, "
            "explanation, recorded_at, number_year, number) VALUES (%s, 'Budi', %s, 0, 0, 0, '', %s, %s, %s)",
            [OCT_30, _kas().pk, dt.datetime(2026, 10, 30, 8), *numbered(NumberKind.HANDOVER, OCT_30)],
        )
    # A closed October round handed over in November: only the link changes, no closed figure moves.
    later = _hand_over(bendahara, [other], NOV[1])
    assert Round.objects.get(pk=other.pk).handover_id == later.pk
