"""Shared fixtures: a named kampung, one fixed user per role, and headless Debian Chromium."""

from __future__ import annotations

import contextlib
import os

import pytest
from django.apps import apps
from django.contrib.auth.models import Group
from django.core.cache import cache
from django.db import DatabaseError

from jimpitan.models import Kampung, KampungProfile
from jimpitan.roles import BENDAHARA, PETUGAS, POKJA, grant_role, sync_role_permissions
from jimpitan.tenancy import FIRST_KAMPUNG_ID, activate
from ledger.models import Account, MonthClosing, default_account_id
from ledger.numbers import remove_all_numbers
from nightly.models import Round
from tests.drills.support import MigratedTemplates
from tests.s3 import bucket  # noqa: F401  (a fixture for every test module)

# Playwright's sync API runs an event loop in the test thread; live_server's DB access is safe here.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

PASSWORD = "kompak-berbagi-berkah"


@pytest.fixture(autouse=True)
def _first_kampung_active():
    """Every test works for the install's first kampung, as a request of a single-kampung install does: tenant
    queries outside any kampung raise (django-scopes)."""
    with activate(FIRST_KAMPUNG_ID):
        yield


@pytest.fixture(autouse=True)
def _clear_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _own_var_dir(settings, tmp_path_factory):
    """Files the app keeps in its var folder (the setup code, import uploads) go to a folder of this test's own."""
    settings.VAR_DIR = tmp_path_factory.mktemp("var")
    return settings.VAR_DIR


@pytest.fixture
def media(settings, tmp_path):
    """Uploaded files go to this test's own folder (returned), never to the project's media directory."""
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture(scope="session")
def migrated(tmp_path_factory):
    """Empty migrated databases for drills in child processes, copied rather than migrated from zero each time."""
    templates = MigratedTemplates(tmp_path_factory.mktemp("migrated"))
    yield templates
    templates.drop()


@pytest.fixture
def kampung(db) -> KampungProfile:
    return KampungProfile.objects.create(
        pk=KampungProfile.SINGLETON_ID,
        name='Kampung KB Jimpitan "Kompak Berbagi Berkah"',
        rw="05",
        kelurahan="Batujaya",
        kecamatan="Batuceper",
        city="Kota Tangerang",
    )


def _make_user(django_user_model, username: str, role: str | None, **extra):
    if role and not Group.objects.filter(name=role).exists():
        # A transactional (browser) test flushed the data-migration rows: put the roles back.
        from django.apps import apps

        from jimpitan.roles import sync_role_permissions

        sync_role_permissions(apps)
    user = django_user_model.objects.create_user(
        username=username, password=PASSWORD, first_name=username.title(), **extra
    )
    if role:
        grant_role(user=user, role=role)
    return user


@pytest.fixture
def bendahara(kampung, django_user_model):
    return _make_user(django_user_model, "bendahara", BENDAHARA, is_staff=True)


@pytest.fixture
def petugas(kampung, django_user_model):
    return _make_user(django_user_model, "petugas", PETUGAS)


@pytest.fixture
def pokja(kampung, django_user_model):
    return _make_user(django_user_model, "pokja", POKJA, is_staff=True)


@pytest.fixture
def superuser(kampung, django_user_model):
    return _make_user(django_user_model, "admin", BENDAHARA, is_staff=True, is_superuser=True)


@pytest.fixture
def users(bendahara, petugas, pokja) -> dict:
    """Every role's user, keyed by role name as used in the access matrices ("anonymous" is None)."""
    return {"anonymous": None, "petugas": petugas, "pokja": pokja, "bendahara": bendahara}


@pytest.fixture
def client_as(client, users):
    """client_as("pokja") returns the test client logged in as that role (or anonymous)."""

    def _login(role: str):
        client.logout()
        if users[role] is not None:
            client.force_login(users[role])
        return client

    return _login


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {
        **browser_type_launch_args,
        "executable_path": "/usr/bin/chromium",
        "args": [
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
        ],
    }


@pytest.fixture(scope="session")
def screenshot_dir():
    path = os.path.join(os.path.dirname(os.path.dirname(__file__)), "var", "screenshots")
    os.makedirs(path, exist_ok=True)
    return path


@pytest.fixture
def roles(transactional_db):
    """Transactional tests flush the tables, data-migration rows included: put the roles back."""
    from django.apps import apps

    from jimpitan.roles import sync_role_permissions

    sync_role_permissions(apps)


def _uses_db(request) -> bool:
    return request.node.get_closest_marker("django_db") is not None or bool(
        {"db", "transactional_db", "live_server"} & set(request.fixturenames)
    )


@pytest.fixture(autouse=True)
def _roles_present(request, django_db_blocker):
    """A transactional test flushes every table when it ends, the first kampung (every new row's), the roles and
    the Kas tunai account that data migrations made included; the tests after it (the setup page, the role
    checks, the demo seeder) expect them: put them back first."""
    if not _uses_db(request):
        return
    request.getfixturevalue("django_db_setup")  # the test database, never the configured one
    with django_db_blocker.unblock(), activate(FIRST_KAMPUNG_ID):
        Kampung.ensure_first()  # every tenant row's default kampung
        if not Group.objects.exists():
            sync_role_permissions(apps)
        if not Account.objects.filter(is_default=True).exists():  # the Kas tunai account of ledger 0004
            default_account_id()


def _is_transactional(request) -> bool:
    marker = request.node.get_closest_marker("django_db")
    return bool(marker is not None and marker.kwargs.get("transaction")) or bool(
        {"transactional_db", "live_server"} & set(request.fixturenames)
    )


@pytest.fixture(autouse=True)
def _handovers_unlinked_before_flush(request, django_db_blocker):
    """A transactional test's flush deletes rows one by one, and the triggers refuse to delete a handed-over round
    (or a closed month's records): reopen the months and unlink the handovers first, as the app would allow."""
    if not _is_transactional(request):
        yield
        return
    request.getfixturevalue("transactional_db")  # torn down after this fixture: the flush comes after
    yield
    # A migration test may end unmigrated: nothing to unlink then.
    with django_db_blocker.unblock(), activate(FIRST_KAMPUNG_ID), contextlib.suppress(DatabaseError):
        MonthClosing.objects.all().delete()
        Round.objects.filter(handover__isnull=False).update(handover=None)
        remove_all_numbers()  # issued numbers are never deleted row by row (SQLite's flush does)


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items):
    """The crawl drills seed a whole kampung for their package and keep it committed until they end: run them
    after every other test (and after pytest-django's own ordering), so no other test sees that kampung."""
    crawl = [item for item in items if item.get_closest_marker("crawl")]
    items[:] = [item for item in items if not item.get_closest_marker("crawl")] + crawl
