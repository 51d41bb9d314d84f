"""The profile's opening balance counts as money on its date: a closed month freezes it like any record,
in the form (settings page and admin), the service and a database trigger."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import DatabaseError, connection, transaction

from jimpitan.forms import KampungProfileForm
from jimpitan.models import KampungProfile
from jimpitan.services import save_profile
from ledger.selectors import month_summary
from ledger.services import close_month

pytestmark = pytest.mark.django_db
SEPTEMBER = dt.date(2026, 9, 1)


@pytest.fixture
def closed_september(kampung, bendahara):
    kampung.opening_balance = 1_250_000
    kampung.opening_balance_date = dt.date(2026, 9, 10)
    kampung.save()
    close_month(SEPTEMBER, bendahara, today=dt.date(2026, 11, 29))
    return KampungProfile.load()


def _form_data(profile: KampungProfile, **changes) -> dict:
    initial = KampungProfileForm(instance=profile).initial.items()
    data = {k: v for k, v in initial if v is not None and k != "letterhead_logo"}  # no logo uploaded
    data.update({"ttd-TOTAL_FORMS": "3", "ttd-INITIAL_FORMS": "0"}, **changes)  # no signing columns
    return data


def _stored() -> tuple[int, dt.date]:
    profile = KampungProfile.load()
    return profile.opening_balance, profile.opening_balance_date


def test_the_settings_page_refuses_next_to_the_date(client, bendahara, closed_september):
    client.force_login(bendahara)
    response = client.post(
        "/pengaturan/", _form_data(closed_september, opening_balance="9.250.000", opening_balance_date="2026-09-10")
    )
    assert response.status_code == 200
    assert "sudah ditutup" in str(response.context["form"].errors["opening_balance_date"])
    assert _stored() == (1_250_000, dt.date(2026, 9, 10))
    assert month_summary(SEPTEMBER).closing == 1_250_000


def test_moving_the_date_out_of_a_closed_month_is_refused_too(client, bendahara, closed_september):
    client.force_login(bendahara)
    client.post(
        "/pengaturan/", _form_data(closed_september, opening_balance="1.250.000", opening_balance_date="2026-11-01")
    )
    assert _stored() == (1_250_000, dt.date(2026, 9, 10))


def test_the_admin_refuses_next_to_the_date(client, superuser, closed_september):
    client.force_login(superuser)
    url = f"/admin/jimpitan/kampungprofile/{closed_september.pk}/change/"
    form = client.get(url).context["adminform"].form
    data = {name: value for name, value in form.initial.items() if value is not None and name != "letterhead_logo"}
    data.update(opening_balance="9.250.000", opening_balance_date="2026-09-10")
    response = client.post(url, data)
    assert response.status_code == 200 and "sudah ditutup" in response.content.decode()
    assert _stored() == (1_250_000, dt.date(2026, 9, 10))


def test_the_service_refuses(closed_september):
    closed_september.opening_balance = 9_250_000
    with pytest.raises(ValidationError):
        save_profile(closed_september)
    assert _stored() == (1_250_000, dt.date(2026, 9, 10))


def test_other_settings_still_save_in_a_closed_month(client, bendahara, closed_september):
    client.force_login(bendahara)
    response = client.post(
        "/pengaturan/",
        _form_data(
            closed_september, name="Kampung KB Kompak", opening_balance="1.250.000", opening_balance_date="2026-09-10"
        ),
    )
    assert response.status_code == 302
    assert KampungProfile.load().name == "Kampung KB Kompak"


def test_the_database_refuses_a_raw_update(closed_september):
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE jimpitan_kampungprofile SET opening_balance = 9250000")
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE jimpitan_kampungprofile SET opening_balance_date = '2026-11-01'")
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE jimpitan_kampungprofile SET name = 'Nama baru'")  # not money: allowed
    assert _stored() == (1_250_000, dt.date(2026, 9, 10))


def test_an_opening_balance_in_an_open_month_can_change(kampung, bendahara):
    kampung.opening_balance = 500_000
    kampung.opening_balance_date = dt.date(2026, 11, 1)
    save_profile(kampung)
    assert _stored() == (500_000, dt.date(2026, 11, 1))
