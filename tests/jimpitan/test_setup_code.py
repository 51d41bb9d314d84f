"""The first-run page asks for the one-time code the server printed; a stranger who reaches /setup/ first gets
nowhere."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from jimpitan.lib.setup_code import code_file, current_code
from jimpitan.models import KampungProfile
from tests.jimpitan.test_setup import BASE

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[2]


def test_setup_without_the_code_saves_nothing_and_says_why(client):
    response = client.post(reverse("setup"), BASE)
    assert response.status_code == 200
    assert KampungProfile.objects.count() == 0
    assert get_user_model().objects.count() == 0
    assert "Isi kode penyiapan dari server." in response.content.decode()


def test_setup_with_a_wrong_code_saves_nothing_and_says_why(client):
    current_code()
    response = client.post(reverse("setup"), {**BASE, "setup-code": "AAAA-BBBB-CCCC"})
    assert response.status_code == 200
    assert get_user_model().objects.count() == 0
    assert "Kode penyiapan salah" in response.content.decode()


def test_the_code_forgives_case_spaces_and_dashes_and_is_gone_after_setup(client):
    code = current_code()
    typed = code.replace("-", " ").lower()
    response = client.post(reverse("setup"), {**BASE, "setup-code": typed})
    assert response.status_code == 302
    assert get_user_model().objects.get().is_superuser
    assert not code_file().exists()


def test_the_link_printed_by_make_run_fills_in_the_code(client):
    code = current_code()
    response = client.get(reverse("setup") + f"?kode={code}")
    assert response.status_code == 200
    assert f'value="{code}"' in response.content.decode()


@pytest.mark.own_database
def test_the_code_is_kept_in_var_and_printed_by_the_command(tmp_path, migrated):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_URL", "JIMPITAN_"))}
    env["JIMPITAN_VAR_DIR"] = str(tmp_path)
    run = [sys.executable, "manage.py", "setup_code"]
    migrated.sqlite_file(tmp_path / "db.sqlite3")
    printed = subprocess.run(run, cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert printed.returncode == 0, printed.stderr
    assert printed.stdout.strip() == (tmp_path / "setup_code").read_text().strip()
    assert len(printed.stdout.strip().replace("-", "")) == 12
    assert (tmp_path / "setup_code").stat().st_mode & 0o777 == 0o600
