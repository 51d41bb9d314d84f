"""The register's rules hold in the database itself, and status changes are kept in history."""

import datetime as dt

import pytest
from django.db import IntegrityError, connection, transaction
from django.urls import reverse

from households.models import Household, HouseholdStatus
from households.services import HouseholdInUse, delete_household
from tests.households.factories import make_household, make_rt, record_contribution

pytestmark = pytest.mark.django_db


def _raw_insert(rt_id, address, *, amount=500, status="aktif", moved_on=None, code="kode-rahasia-0001"):
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO households_household (rt_id, address, head_name, phone, members, status, moved_on, "
            "usual_amount, route_position, joined_on, notes, private_code) "
            "VALUES (%s, %s, 'Raw', '', NULL, %s, %s, %s, 1, NULL, '', %s)",
            [rt_id, address, status, moved_on, amount, code],
        )


@pytest.mark.parametrize(
    "kwargs",
    [
        {"address": "Blok A No. 1", "code": "kode-rahasia-9999"},  # same RT + address as the existing row
        {"address": "Blok A No. 2", "amount": -1},
        {"address": "Blok A No. 3", "status": "aktif", "moved_on": "2026-01-01"},  # a date but not moved
        {"address": "Blok A No. 4", "status": "hilang"},
        {"address": "Blok A No. 5", "code": "kode-yang-sudah-ada"},  # private code reused
    ],
    ids=["duplicate-address", "negative-amount", "date-but-not-moved", "unknown-status", "duplicate-code"],
)
def test_database_refuses_what_the_rules_forbid(kwargs):
    rt = make_rt(1)
    existing = make_household(rt, "Blok A No. 1")
    Household.objects.filter(pk=existing.pk).update(private_code="kode-yang-sudah-ada")
    with pytest.raises(IntegrityError), transaction.atomic():
        _raw_insert(rt.pk, **kwargs)


def test_moved_household_may_have_no_date():
    _raw_insert(make_rt(1).pk, "Blok A No. 3", status="pindah")
    assert Household.objects.get(address="Blok A No. 3").moved_on is None


def test_same_address_in_another_rt_is_fine():
    make_household(make_rt(1), "No. 7")
    _raw_insert(make_rt(2).pk, "No. 7")
    assert Household.objects.filter(address="No. 7").count() == 2


def test_private_code_is_long_random_and_url_safe():
    rt = make_rt(1)
    codes = {make_household(rt, f"No. {i}").private_code for i in range(20)}
    assert len(codes) == 20
    assert all(len(code) >= 10 and code.replace("-", "").replace("_", "").isalnum() for code in codes)


def test_status_changes_are_kept_in_history(client, bendahara):
    household = make_household(make_rt(1), "Blok B No. 3", "Pak Darto")
    client.force_login(bendahara)
    response = client.post(reverse("households:move", args=[household.pk]), {"moved_on": "2026-06-01"})
    assert response.status_code == 302
    household.refresh_from_db()
    assert household.status == HouseholdStatus.MOVED
    assert household.moved_on == dt.date(2026, 6, 1)
    statuses = list(household.history.order_by("history_date").values_list("status", "history_user__username"))
    assert statuses == [("aktif", None), ("pindah", "bendahara")]
    detail = client.get(reverse("households:detail", args=[household.pk])).content.decode()
    assert "Aktif → Pindah" in detail
    assert "– → 1 Juni 2026" in detail


def test_deleting_a_household_with_collections_is_refused():
    household = make_household(make_rt(1), "Blok C No. 1")
    record_contribution(household)
    with pytest.raises(HouseholdInUse, match="Tandai sebagai pindah"):
        delete_household(household)
    assert Household.objects.filter(pk=household.pk).exists()


def test_delete_page_offers_pindah_instead(client, bendahara):
    household = make_household(make_rt(1), "Blok C No. 2")
    record_contribution(household)
    client.force_login(bendahara)
    page = client.get(reverse("households:delete", args=[household.pk])).content.decode()
    assert "tidak bisa dihapus" in page
    assert reverse("households:move", args=[household.pk]) in page
    response = client.post(reverse("households:delete", args=[household.pk]))
    assert response.status_code == 409
    assert Household.objects.filter(pk=household.pk).exists()


def test_household_without_collections_can_be_deleted(client, bendahara):
    household = make_household(make_rt(1), "Blok C No. 3")
    client.force_login(bendahara)
    response = client.post(reverse("households:delete", args=[household.pk]))
    assert response.status_code == 302
    assert not Household.objects.filter(pk=household.pk).exists()
