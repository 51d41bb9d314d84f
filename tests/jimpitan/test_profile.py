import pytest
from django.urls import reverse

from jimpitan.models import Kampung, KampungProfile

pytestmark = pytest.mark.django_db


def _form(**overrides):
    data = {
        "name": "Kampung KB Jimpitan",
        "rw": "05",
        "kelurahan": "Batujaya",
        "kecamatan": "Batuceper",
        "city": "Kota Tangerang",
        "usual_amount": "1.000",
        "quick_amounts": "0,100,200,500,1000",
        "amount_cap": "10.000",
        "privacy_level": "house",
        "opening_balance": "3.500.000",
        "opening_balance_date": "2026-01-01",
        "sign_place": "Batujaya",
        "ttd-TOTAL_FORMS": "3",
        "ttd-INITIAL_FORMS": "0",
        "ttd-0-heading": "Mengetahui,",
        "ttd-0-role": "Ketua RW 05",
        "ttd-0-name": "Pak RW",
        "ttd-1-role": "Ketua Pokja",
        "ttd-1-name": "Pak Ketua",
        "ttd-2-role": "Bendahara",
        "ttd-2-name": "Bu Bendahara",
    }
    data.update(overrides)
    return data


def test_treasurer_edits_profile_with_dotted_amounts(client, bendahara):
    client.force_login(bendahara)
    response = client.post(reverse("profile"), _form())
    assert response.status_code == 302
    profile = KampungProfile.load()
    assert profile.usual_amount == 1000
    assert profile.opening_balance == 3_500_000
    assert profile.privacy_level == "house"


@pytest.mark.parametrize(
    "field,value,message",
    [
        ("usual_amount", "-500", "Jumlah tidak boleh negatif"),
        ("usual_amount", "5,5", "tanpa sen"),
        ("amount_cap", "0", "lebih dari nol"),
    ],
)
def test_bad_amount_is_explained_next_to_field_and_nothing_saved(client, bendahara, field, value, message):
    client.force_login(bendahara)
    response = client.post(reverse("profile"), _form(**{field: value}))
    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors[field])
    assert KampungProfile.load().usual_amount == 500


def test_opening_balance_needs_its_date(client, bendahara):
    client.force_login(bendahara)
    response = client.post(reverse("profile"), _form(opening_balance_date=""))
    assert "opening_balance_date" in response.context["form"].errors


def test_pokja_cannot_post_profile(client, pokja):
    client.force_login(pokja)
    assert client.post(reverse("profile"), _form()).status_code == 403
    assert KampungProfile.load().usual_amount == 500


def test_treasurer_shows_the_kampung_on_the_city_overview(client, bendahara):
    client.force_login(bendahara)
    assert "Tampilkan di ringkasan kota" in client.get(reverse("profile")).content.decode()
    assert client.post(reverse("profile"), _form(publishes_overview="on")).status_code == 302
    kampung = Kampung.objects.get(pk=KampungProfile.load().kampung_id)
    assert kampung.publishes_overview
    assert client.post(reverse("profile"), _form()).status_code == 302
    kampung.refresh_from_db()
    assert not kampung.publishes_overview
    # Each change leaves a history row, newest first.
    assert list(kampung.history.order_by("-history_id").values_list("publishes_overview", flat=True)[:2]) == [
        False,
        True,
    ]
