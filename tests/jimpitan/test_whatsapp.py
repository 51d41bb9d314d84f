"""The private wa.me links: Indonesian numbers as WhatsApp wants them, and the kampung's text filled in."""

from __future__ import annotations

import datetime as dt
from urllib.parse import parse_qs, urlsplit

import pytest
from django.urls import reverse

from jimpitan.forms import KampungProfileForm
from jimpitan.lib.whatsapp import fill_text, unknown_placeholders, wa_link, wa_number
from jimpitan.models import DEFAULT_REMINDER_TEXT


@pytest.mark.parametrize(
    ("raw", "number"),
    [
        ("0812-3456-7890", "6281234567890"),
        ("+62 812 3456 7890", "6281234567890"),
        ("+62 (0)812 3456 7890", "6281234567890"),
        ("6281234567890", "6281234567890"),
        ("81234567890", "6281234567890"),  # a spreadsheet lost the leading zero
        ("(021) 555-1234", "62215551234"),  # a landline with its area code
        ("", ""),
        (None, ""),
        ("+1 415 555 0100", ""),  # not Indonesian: no number, WhatsApp asks for the chat
        ("0812", ""),  # too short
        ("08123456789012345", ""),  # too long
    ],
)
def test_wa_number(raw, number):
    assert wa_number(raw) == number


def test_fill_text_replaces_known_placeholders_only():
    text = fill_text("Bapak {nama} di {rumah}, {rt}: {nama.__class__} {lain} }{", {"nama": "Slamet", "rumah": "No. 4"})
    assert text == "Bapak Slamet di No. 4, {rt}: {nama.__class__} {lain} }{"
    assert unknown_placeholders("{nama} {nma} {rumah} {RT}") == ["RT", "nma"]


def test_wa_link_encodes_the_text():
    link = wa_link("0812-3456-7890", "Terima kasih & salam, Bu Siti!\nRT 03")
    parts = urlsplit(link)
    assert (parts.scheme, parts.netloc, parts.path) == ("https", "wa.me", "/6281234567890")
    assert parse_qs(parts.query)["text"] == ["Terima kasih & salam, Bu Siti!\nRT 03"]
    assert wa_link("", "Halo").startswith("https://wa.me/?text=Halo")


@pytest.mark.django_db
def test_the_profile_refuses_an_unknown_placeholder_and_restores_a_blank_text(kampung):
    data = {**KampungProfileForm(instance=kampung).initial}
    data = {key: value for key, value in data.items() if value is not None and key != "letterhead_logo"}
    data.update({"reminder_text": "Halo {nma}", "thanks_text": ""})
    form = KampungProfileForm(data, instance=kampung)
    assert not form.is_valid()
    assert "{nma}" in form.errors["reminder_text"][0]
    data["reminder_text"] = "Halo {nama} di {rumah}"
    form = KampungProfileForm(data, instance=kampung)
    assert form.is_valid(), form.errors
    assert form.cleaned_data["thanks_text"] != "" and form.cleaned_data["reminder_text"] == "Halo {nama} di {rumah}"


# --- on the household's register page: the Bendahara's alone ----------------------------------------------


@pytest.fixture
def household(db):
    from households.models import RT, Household

    rt = RT.objects.create(number=3, display_order=3)
    return Household.objects.create(rt=rt, address="Gg. Mawar 7", head_name="Siti Aminah", phone="+6281299887766")


@pytest.mark.django_db
def test_the_bendahara_gets_the_reminder_and_thanks_links(client_as, kampung, household):
    kampung.reminder_text = "Bu {nama} ({rumah}, {rt}), jimpitan {kampung} menunggu."
    kampung.save()
    response = client_as("bendahara").get(reverse("households:detail", args=[household.pk]))
    links = response.context["whatsapp"]
    reminder = urlsplit(links.reminder)
    assert reminder.path == "/6281299887766"
    assert parse_qs(reminder.query)["text"] == [
        f"Bu Siti Aminah (Gg. Mawar 7, RT 03), jimpitan {kampung.name} menunggu."
    ]
    assert "Terima kasih, Bapak/Ibu Siti Aminah" in parse_qs(urlsplit(links.thanks).query)["text"][0]
    assert 'href="https://wa.me/6281299887766?text=' in response.content.decode()


@pytest.mark.django_db
def test_without_a_phone_the_link_has_no_number(client_as, kampung, household):
    household.phone = ""
    household.save()
    response = client_as("bendahara").get(reverse("households:detail", args=[household.pk]))
    assert response.context["whatsapp"].reminder.startswith("https://wa.me/?text=")
    assert "belum punya nomor HP" in response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["pokja"])
def test_other_roles_get_no_link(client_as, kampung, household, role):
    response = client_as(role).get(reverse("households:detail", args=[household.pk]))
    assert response.status_code == 200
    assert "wa.me" not in response.content.decode()


@pytest.mark.django_db
def test_no_public_page_carries_a_wa_me_link(client, kampung, household):
    from households.models import AwayPeriod

    AwayPeriod.objects.create(household=household, starts_on=dt.date(2026, 3, 17), ends_on=dt.date(2026, 3, 27))
    for url in ("/", f"/h/{household.private_code}/"):
        response = client.get(url, follow=True)
        assert response.status_code == 200
        body = response.content.decode()
        assert "wa.me/62" not in body and DEFAULT_REMINDER_TEXT[:30] not in body
