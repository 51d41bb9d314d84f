"""A secret key anyone could know (an example's placeholder, Django's throw-away key, a short one) is refused."""

import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE_KEY = re.search(r"^DJANGO_SECRET_KEY=(.*)$", (ROOT / "deploy" / "jimpitan.env.example").read_text(), re.M)[1]


def _manage(tmp_path, *args, **env_overrides) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_URL", "JIMPITAN_"))}
    env.update(
        {
            "JIMPITAN_VAR_DIR": str(tmp_path),
            "DJANGO_ALLOWED_HOSTS": "kas.kampung-contoh.id",
            "JIMPITAN_BEHIND_HTTPS_PROXY": "1",
            **env_overrides,
        }
    )
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )


@pytest.mark.parametrize(
    "key",
    [EXAMPLE_KEY, "change-me", "django-insecure-" + "x" * 50, "a-short-but-random-key-9f8e7d6c5b4a"],
    ids=["env-example", "change-me", "django-insecure", "short"],
)
def test_production_refuses_to_start_with_a_known_or_short_key(tmp_path, key):
    result = _manage(tmp_path, "check", DJANGO_DEBUG="0", DJANGO_SECRET_KEY=key)
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "DJANGO_SECRET_KEY" in result.stderr
    assert "refuses to start" in result.stderr


def test_check_deploy_fails_on_the_placeholder_even_with_debug_on(tmp_path):
    result = _manage(tmp_path, "check", "--deploy", DJANGO_DEBUG="1", DJANGO_SECRET_KEY="change-me")
    assert result.returncode != 0
    assert "jimpitan.E001" in result.stderr + result.stdout


def test_a_long_random_key_starts(tmp_path):
    result = _manage(tmp_path, "check", DJANGO_DEBUG="0", DJANGO_SECRET_KEY=secrets.token_urlsafe(50))
    assert result.returncode == 0, result.stderr
