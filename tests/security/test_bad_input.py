"""Regressions found by the bad-input drill (tests/drills/test_bad_input_forms.py)."""

import pytest

from jimpitan.forms import RupiahField
from nightly.models import Round
from tests.nightly.factories import make_rt

pytestmark = pytest.mark.django_db


def test_a_thirty_digit_amount_gets_a_message_not_a_server_error(client, bendahara):
    rt, _households = make_rt()
    client.force_login(bendahara)
    response = client.post("/jimpitan/total/", {"rt": rt.pk, "malam": "", "version": "0", "total": "9" * 30})
    assert response.status_code == 400
    assert "Jumlah terlalu besar" in response.content.decode()
    assert not Round.objects.exists()


def test_rupiah_field_limit():
    field = RupiahField()
    assert field.clean("1.000.000.000.000.000") == 10**15
    with pytest.raises(Exception, match="terlalu besar"):
        field.clean("1.000.000.000.000.001")


@pytest.mark.parametrize(
    "url,field", [("/kas/pengeluaran/baru/", "spent_on"), ("/kas/pemasukan-lain/baru/", "received_on")]
)
def test_a_date_in_year_9999_gets_a_message_not_a_server_error(client, bendahara, url, field):
    from spending.models import Expense, OtherIncome

    client.force_login(bendahara)
    response = client.post(url, {field: "9999-12-31", "description": "Sapu", "amount": "5.000", "source": "donasi"})
    assert response.status_code in (200, 400)
    assert "Tanggal terlalu jauh ke depan" in response.content.decode()
    assert not Expense.objects.exists() and not OtherIncome.objects.exists()


def test_an_overlong_username_is_refused_before_the_login_log(client, bendahara):
    from axes.models import AccessAttempt

    response = client.post("/masuk/", {"username": "x" * 5000, "password": "salah"})
    assert response.status_code == 200
    assert not AccessAttempt.objects.exists()
    assert client.get("/beranda/").status_code == 302
