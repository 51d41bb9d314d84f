"""`manage.py check --deploy` is clean with the production settings the README tells operators to use."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _production_env(tmp_path, **extra) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_URL", "JIMPITAN_"))}
    env.update(
        {
            "DJANGO_DEBUG": "0",
            "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
            "DJANGO_ALLOWED_HOSTS": "kas.kampung-contoh.id",
            "DJANGO_CSRF_TRUSTED_ORIGINS": "https://kas.kampung-contoh.id",
            "JIMPITAN_BEHIND_HTTPS_PROXY": "1",
            "JIMPITAN_VAR_DIR": str(tmp_path),
            **extra,
        }
    )
    return env


def _check_deploy(env) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_deploy_reports_nothing_with_production_settings(tmp_path):
    result = _check_deploy(_production_env(tmp_path))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout


def test_check_deploy_does_fail_when_a_protection_is_switched_off(tmp_path):
    # Proves the check above can fail: insecure cookies are reported.
    result = _check_deploy(_production_env(tmp_path, JIMPITAN_SECURE_COOKIES="0"))
    assert result.returncode != 0
    assert "SESSION_COOKIE_SECURE" in result.stdout + result.stderr
