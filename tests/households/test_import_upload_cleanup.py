"""Uploaded import files do not stay on the server: gone once imported or abandoned, and at the latest after a day."""

import os
import time

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse

from households.models import Household
from households.upload_store import SESSION_KEY
from tests.households.factories import HEADER, csv_file, make_rt

pytestmark = pytest.mark.django_db
ROWS = [HEADER, ["1", "Blok A No. 1", "Pak Amin", "", "", "", "", ""]]
A_DAY_AND_A_BIT = 24 * 3600 + 60


@pytest.fixture
def treasurer(client, bendahara, kampung):
    make_rt(1)
    client.force_login(bendahara)
    return client


def _kept_files(settings) -> list:
    return sorted((settings.VAR_DIR / "imports").glob("*.upload"))


def _preview(client):
    response = client.post(reverse("households:import"), {"file": SimpleUploadedFile("rumah.csv", csv_file(ROWS))})
    assert response.status_code == 200 and response.context["plan"].ok
    return client.session[SESSION_KEY]["token"]


def _age(path, seconds):
    then = time.time() - seconds
    os.utime(path, (then, then))


def test_a_preview_left_over_a_day_is_refused_and_its_file_deleted(treasurer, settings):
    token = _preview(treasurer)
    [kept] = _kept_files(settings)
    _age(kept, A_DAY_AND_A_BIT)
    response = treasurer.post(reverse("households:import_commit"), {"token": token})
    assert response.status_code == 302 and response["Location"] == reverse("households:import")
    assert Household.objects.count() == 0
    assert _kept_files(settings) == []


def test_logging_out_deletes_the_previews_file(treasurer, settings):
    _preview(treasurer)
    assert len(_kept_files(settings)) == 1
    treasurer.post(reverse("logout"))
    assert _kept_files(settings) == []


def test_the_daily_command_deletes_only_files_older_than_a_day(treasurer, settings, capsys):
    _preview(treasurer)
    [fresh] = _kept_files(settings)
    stale = settings.VAR_DIR / "imports" / "abandoned-by-someone-else-0123.upload"
    stale.write_bytes(b"x")
    _age(stale, A_DAY_AND_A_BIT)
    call_command("clean_uploads")
    assert _kept_files(settings) == [fresh]
    assert "Deleted 1 abandoned import upload(s)." in capsys.readouterr().out


def test_an_import_leaves_no_file_behind(treasurer, settings):
    token = _preview(treasurer)
    response = treasurer.post(reverse("households:import_commit"), {"token": token})
    assert response.status_code == 302
    assert Household.objects.count() == 1
    assert _kept_files(settings) == []
