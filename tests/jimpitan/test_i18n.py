"""The UI is Indonesian by default, with a complete English catalogue."""

import shutil
import subprocess
import sys
from pathlib import Path

import polib
import pytest
from django.urls import reverse

ROOT = Path(__file__).resolve().parents[2]
APP_FOLDERS = ("households", "ledger", "nightly", "spending", "public", "reports", "demo")
CATALOGUES = [ROOT / "locale/en/LC_MESSAGES/django.po"] + [
    ROOT / app / "locale/en/LC_MESSAGES/django.po" for app in APP_FOLDERS
]


def test_every_app_has_an_english_catalogue():
    assert all(p.exists() for p in CATALOGUES)


@pytest.mark.parametrize("po_path", CATALOGUES, ids=lambda p: str(p.relative_to(ROOT)))
def test_english_catalogue_is_complete(po_path):
    catalogue = polib.pofile(str(po_path))
    untranslated = [e.msgid for e in catalogue.untranslated_entries()]
    fuzzy = [e.msgid for e in catalogue.fuzzy_entries()]
    assert not untranslated, untranslated[:10]
    assert not fuzzy, fuzzy[:10]


def _extract_msgids(sources: list[Path], work: Path, catalogue: str) -> set[str]:
    """Run makemessages over a copy of `sources`, so the committed catalogue is left untouched."""
    work.mkdir()
    for source in sources:
        shutil.copytree(source, work / source.name)
    (work / "locale").mkdir(exist_ok=True)
    subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), "makemessages", "-l", "en", "--no-location"],
        cwd=work,
        check=True,
        capture_output=True,
    )
    # makemessages writes into the nearest locale folder: the app's own, or the copy's root one.
    return {e.msgid for e in polib.pofile(str(work / catalogue)) if e.msgid and not e.obsolete}


@pytest.mark.skipif(shutil.which("xgettext") is None, reason="GNU gettext is not installed")
@pytest.mark.parametrize("folder", ("locale",) + APP_FOLDERS)
def test_catalogue_covers_every_marked_string(folder, tmp_path):
    catalogue = "locale/en/LC_MESSAGES/django.po"
    if folder == "locale":
        sources = [ROOT / "templates", ROOT / "jimpitan"]
    else:
        sources, catalogue = [ROOT / folder], f"{folder}/{catalogue}"
    po_path = ROOT / catalogue
    fresh = _extract_msgids(sources, tmp_path / "copy", catalogue)
    committed = {e.msgid for e in polib.pofile(str(po_path))}
    missing = sorted(fresh - committed)
    assert not missing, f"run `make messages` and translate: {missing[:10]}"


@pytest.mark.django_db
def test_english_switch_translates_the_page(client, bendahara):
    client.force_login(bendahara)
    client.post(reverse("set_language"), {"language": "en", "next": "/beranda/"})
    body = client.get(reverse("home")).content.decode()
    assert "Log out" in body
    assert "Keluar" not in body


@pytest.mark.django_db
def test_indonesian_even_when_the_phone_asks_for_english(client, bendahara):
    client.force_login(bendahara)
    body = client.get(reverse("home"), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    assert "Keluar" in body
