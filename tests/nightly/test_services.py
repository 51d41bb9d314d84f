"""save_sheet / save_total_only_round: one transaction, stored totals, history, versions, refusals."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from jimpitan.lib.evening import evening_of
from ledger.guards import MonthClosedError
from ledger.models import MonthClosing
from nightly.models import Contribution, Round
from nightly.services import (
    RoundConflictError,
    SheetError,
    SheetRow,
    save_sheet,
    save_total_only_round,
)
from public.cache import public_cache_version
from tests.nightly.factories import make_rt, paid_rows

pytestmark = pytest.mark.django_db


def _save(user, rt, rows, version=0, evening=None, **kwargs):
    return save_sheet(rt=rt, evening=evening or evening_of(), user=user, version=version, rows=rows, **kwargs)


def test_new_round_stores_rows_totals_and_history(bendahara):
    rt, households = make_rt(households=4)
    rows = paid_rows(households[:2]) + [
        SheetRow(households[2].pk, "kosong", None),
        SheetRow(households[3].pk, "", None),
    ]
    result = _save(bendahara, rt, rows, counted_cash=1200, collectors="Pak Budi, Pak Agus")
    rnd = Round.objects.get()
    assert result.created and rnd.version == 1
    assert (rnd.total, rnd.households_listed, rnd.households_paid) == (1000, 4, 2)
    assert rnd.cash_difference == 200
    assert rnd.recorded_by == bendahara
    assert set(Contribution.objects.values_list("household_id", "state", "amount")) == {
        (households[0].pk, "dibayar", 500),
        (households[1].pk, "dibayar", 500),
        (households[2].pk, "kosong", 0),
    }
    assert Contribution.history.filter(history_type="+", history_user=bendahara).count() == 3
    assert rnd.history.count() == 1


def test_correction_updates_deletes_and_bumps_version(bendahara):
    rt, households = make_rt(households=3)
    _save(bendahara, rt, paid_rows(households))
    rows = [
        SheetRow(households[0].pk, "dibayar", 1000),
        SheetRow(households[1].pk, "titip", 500, "ke No. 3"),
        SheetRow(households[2].pk, "", None),
    ]
    _save(bendahara, rt, rows, version=1)
    rnd = Round.objects.get()
    assert rnd.version == 2
    assert (rnd.total, rnd.households_paid) == (1500, 2)
    assert Contribution.objects.get(household=households[1]).note == "ke No. 3"
    assert not Contribution.objects.filter(household=households[2]).exists()
    assert Contribution.history.filter(history_type="~").count() == 2
    deleted = Contribution.history.get(history_type="-")
    assert deleted.household_id == households[2].pk and deleted.history_user == bendahara


def test_correction_rewrites_only_changed_rows_and_history_names_each_row(bendahara, superuser):
    rt, households = make_rt(households=4)
    _save(bendahara, rt, paid_rows(households))
    ids = dict(Contribution.objects.values_list("household_id", "id"))
    rows = [
        SheetRow(households[0].pk, "dibayar", 1000),
        SheetRow(households[1].pk, "dibayar", 500),
        SheetRow(households[2].pk, "kosong", None),
        SheetRow(households[3].pk, "", None),
    ]
    _save(superuser, rt, rows, version=1)
    # The contributions keep their ids; the unchanged row gets no history record of this save.
    assert dict(Contribution.objects.values_list("household_id", "id")) == {h.pk: ids[h.pk] for h in households[:3]}
    records = Contribution.history.filter(history_user=superuser)
    assert sorted(
        (r.history_type, r.id, r.household_id, r.state, r.amount, r.round_id, r.evening) for r in records
    ) == sorted(
        [
            ("~", ids[households[0].pk], households[0].pk, "dibayar", 1000, Round.objects.get().pk, evening_of()),
            ("~", ids[households[2].pk], households[2].pk, "kosong", 0, Round.objects.get().pk, evening_of()),
            ("-", ids[households[3].pk], households[3].pk, "dibayar", 500, Round.objects.get().pk, evening_of()),
        ]
    )
    created = Contribution.history.filter(history_type="+")
    assert {(r.id, r.history_user) for r in created} == {(ids[h.pk], bendahara) for h in households}


def test_household_recorded_by_another_rts_round_that_evening_is_refused(bendahara):
    """A household moved to another RT after its old RT's round was saved: the new RT's sheet may not
    take over (or duplicate) the row held by the old round."""
    rt_old, households = make_rt(number=3, households=2)
    rt_new, _ = make_rt(number=4, households=0)
    _save(bendahara, rt_old, paid_rows(households))
    households[0].rt = rt_new
    households[0].save()
    with pytest.raises(RoundConflictError):
        _save(bendahara, rt_new, [SheetRow(households[0].pk, "dibayar", 700)])
    old = Contribution.objects.get(household=households[0])
    assert (old.round.rt, old.amount) == (rt_old, 500)
    assert not Round.objects.filter(rt=rt_new).exists()


def test_second_editor_is_refused_and_nothing_changes(bendahara, superuser):
    rt, households = make_rt(households=3)
    _save(bendahara, rt, paid_rows(households))
    # Both opened version 1; the first saves 1000s, the second (still at version 1) must be refused.
    _save(bendahara, rt, paid_rows(households, 1000), version=1)
    with pytest.raises(RoundConflictError):
        _save(superuser, rt, paid_rows(households, 200), version=1)
    rnd = Round.objects.get()
    assert (rnd.version, rnd.total) == (2, 3000)
    assert set(Contribution.objects.values_list("amount", flat=True)) == {1000}


def test_double_submit_creates_no_duplicates(bendahara):
    rt, households = make_rt(households=3)
    rows = paid_rows(households)
    first = _save(bendahara, rt, rows, version=0)
    again = _save(bendahara, rt, rows, version=0)  # the browser resends the same form
    assert first.created and again.already_saved
    assert Round.objects.count() == 1 and Contribution.objects.count() == 3
    assert Round.objects.get().version == 1


def test_two_first_saves_with_different_rows_conflict(bendahara):
    rt, households = make_rt(households=2)
    _save(bendahara, rt, paid_rows(households))
    with pytest.raises(RoundConflictError):
        _save(bendahara, rt, paid_rows(households, 200), version=0)
    assert Contribution.objects.count() == 2


@pytest.mark.parametrize(
    "amount,message",
    [(-500, "negatif"), (10_001, "batas wajar")],
)
def test_bad_amount_saves_nothing(bendahara, amount, message):
    rt, households = make_rt(households=3)
    rows = paid_rows(households[:2]) + [SheetRow(households[2].pk, "dibayar", amount)]
    with pytest.raises(SheetError) as error:
        _save(bendahara, rt, rows)
    assert message in error.value.row_errors[households[2].pk]
    assert not Round.objects.exists() and not Contribution.objects.exists()


def test_bad_row_in_correction_keeps_the_stored_round(bendahara):
    rt, households = make_rt(households=2)
    _save(bendahara, rt, paid_rows(households))
    with pytest.raises(SheetError):
        _save(
            bendahara,
            rt,
            [SheetRow(households[0].pk, "dibayar", 800), SheetRow(households[1].pk, "titip", None)],
            version=1,
        )
    assert Round.objects.get().version == 1
    assert set(Contribution.objects.values_list("amount", flat=True)) == {500}


def test_cap_comes_from_the_profile(bendahara, kampung):
    kampung.amount_cap = 1000
    kampung.save()
    rt, households = make_rt(households=1)
    with pytest.raises(SheetError):
        _save(bendahara, rt, paid_rows(households, 1500))


def test_future_evening_is_refused(bendahara):
    rt, households = make_rt(households=1)
    with pytest.raises(ValidationError, match="belum terjadi"):
        _save(bendahara, rt, paid_rows(households), evening=evening_of() + dt.timedelta(days=1))
    assert not Round.objects.exists()


def test_closed_month_is_read_only(bendahara):
    rt, households = make_rt(households=1)
    evening = evening_of().replace(day=1) - dt.timedelta(days=3)
    MonthClosing.objects.create(month=evening.replace(day=1), closing_balance=0, closed_by=bendahara)
    with pytest.raises(MonthClosedError):
        _save(bendahara, rt, paid_rows(households), evening=evening)
    assert not Round.objects.exists()


def test_petugas_window_is_enforced_by_the_service(petugas):
    rt, households = make_rt(households=1)
    today = evening_of()
    _save(petugas, rt, paid_rows(households), evening=today)
    _save(petugas, rt, paid_rows(households), evening=today - dt.timedelta(days=1))
    with pytest.raises(PermissionDenied):
        _save(petugas, rt, paid_rows(households), evening=today - dt.timedelta(days=2))
    assert Round.objects.count() == 2


def test_pokja_cannot_save(pokja):
    rt, households = make_rt(households=1)
    with pytest.raises(PermissionDenied):
        _save(pokja, rt, paid_rows(households))


def test_moved_household_is_not_added_to_a_new_round(bendahara):
    rt, households = make_rt(households=2)
    households[1].status = "pindah"
    households[1].moved_on = dt.date(2026, 1, 1)
    households[1].save()
    with pytest.raises(SheetError) as error:
        _save(bendahara, rt, paid_rows(households))
    assert households[1].pk in error.value.row_errors


def test_household_of_another_rt_is_refused(bendahara):
    rt, households = make_rt(number=1, households=1)
    _other, strangers = make_rt(number=2, households=1)
    with pytest.raises(SheetError):
        _save(bendahara, rt, paid_rows(households + strangers))
    assert not Contribution.objects.exists()


def test_save_invalidates_public_figures_on_commit(bendahara, django_capture_on_commit_callbacks):
    rt, households = make_rt(households=1)
    before = public_cache_version()
    with django_capture_on_commit_callbacks(execute=True):
        _save(bendahara, rt, paid_rows(households))
    assert public_cache_version() != before


def test_collector_accounts_are_linked(bendahara, petugas):
    rt, households = make_rt(households=1)
    _save(bendahara, rt, paid_rows(households), collector_users=[petugas])
    assert list(Round.objects.get().collector_users.all()) == [petugas]
    _save(bendahara, rt, paid_rows(households), version=1, collector_users=[])
    assert not Round.objects.get().collector_users.exists()


def test_total_only_round(bendahara):
    rt, households = make_rt(households=3)
    save_total_only_round(rt=rt, evening=evening_of(), user=bendahara, version=0, total=25_000, counted_cash=25_000)
    rnd = Round.objects.get()
    assert rnd.is_total_only and rnd.total == 25_000 and rnd.households_listed == 0
    # Later the treasurer finds the per-household list: the sheet replaces the total.
    _save(bendahara, rt, paid_rows(households), version=1)
    rnd.refresh_from_db()
    assert not rnd.is_total_only and rnd.total == 1500 and rnd.version == 2


def test_total_only_refused_over_a_per_household_round(bendahara):
    rt, households = make_rt(households=1)
    _save(bendahara, rt, paid_rows(households))
    with pytest.raises(ValidationError, match="per rumah"):
        save_total_only_round(rt=rt, evening=evening_of(), user=bendahara, version=1, total=100)
    assert Round.objects.get().total == 500
