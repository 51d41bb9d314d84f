"""Password rules: at least 8 characters, not a common password, no composition rules."""

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.utils import translation


@pytest.mark.parametrize("password", ["sawahhijau", "kopitubruk jam dua", "duaribuan", "abcdefgh-ronda"])
def test_long_uncommon_passwords_pass_without_digits_or_capitals(password):
    validate_password(password)


@pytest.mark.parametrize("password", ["ronda7", "a1b2c3d"])
def test_short_passwords_are_refused_in_indonesian(password):
    with translation.override("id"), pytest.raises(ValidationError) as error:
        validate_password(password)
    assert "8" in " ".join(error.value.messages)
    assert "karakter" in " ".join(error.value.messages)


@pytest.mark.parametrize("password", ["password", "12345678", "iloveyou", "qwertyuiop"])
def test_common_passwords_are_refused(password):
    with pytest.raises(ValidationError) as error:
        validate_password(password)
    assert any(e.code == "password_too_common" for e in error.value.error_list)


@pytest.mark.django_db
def test_setup_refuses_a_common_password(client):
    response = client.post(
        "/setup/",
        {
            "kampung-name": "Kampung Uji",
            "user-username": "bendahara",
            "user-first_name": "Sri",
            "user-password1": "password",
            "user-password2": "password",
        },
    )
    from django.contrib.auth import get_user_model

    assert response.status_code == 200
    assert not get_user_model().objects.exists()
