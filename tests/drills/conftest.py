"""One seeded kampung for the whole drills package, served as in production.

The crawl and the page-weight drill visit hundreds of pages; seeding per test (what `live_server` with a
transactional database does) would take most of their time. So the data is written once, committed, served by a
live server of our own, and flushed when the package is done.

The server answers like `make run`: static files come from a collected, compressed copy through WhiteNoise (not
from Django's development handler), so the bytes a phone downloads are the bytes measured here.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY, get_user_model
from django.contrib.sessions.backends.db import SessionStore
from django.core.management import call_command
from django.test.utils import override_settings
from pytest_django.live_server_helper import LiveServer
from whitenoise.compress import Compressor

from demo.seeding import seed_demo, wipe_bookkeeping
from households.models import RT, AwayPeriod, Household
from jimpitan.lib.sql import rows_changed_in_bulk
from jimpitan.models import Kampung, TreasurerHandover
from jimpitan.roles import sync_role_permissions
from jimpitan.tenancy import FIRST_KAMPUNG_ID, activate
from ledger.models import MonthClosing
from nightly.models import Round
from spending.models import Expense, OtherIncome, Project

SHEET_ROWS = 500
ROLES = ("anonymous", "petugas", "pokja", "bendahara")


class WireCounter:
    """The bytes the server sends, per request, as it sends them: the status line, the headers and the body
    (compressed where the app compresses). It sees what the service worker fetches too, which the page's own
    DevTools session does not."""

    def __init__(self) -> None:
        self.sent: list[tuple[str, int]] = []

    def take(self) -> list[tuple[str, int]]:
        sent, self.sent = self.sent, []
        return sent

    def wrap(self, app):
        def counted(environ, start_response):
            head = 0

            def start(status, headers, exc_info=None):
                nonlocal head
                head = len("HTTP/1.1 \r\n") + len(status) + sum(len(k) + len(v) + 4 for k, v in headers) + 2
                return start_response(status, headers, exc_info)

            body = app(environ, start)
            return self._counting(body, environ["PATH_INFO"], lambda: head)

        return counted

    def _counting(self, body, path: str, head):
        size = 0
        try:
            for chunk in body:
                size += len(chunk)
                yield chunk
        finally:
            if hasattr(body, "close"):
                body.close()
            self.sent.append((path, head() + size))


@dataclass
class Site:
    url: str
    objects: dict
    sessions: dict = field(default_factory=dict)  # role -> session key ("anonymous" has none)
    wire: WireCounter = field(default_factory=WireCounter)


def _seed() -> dict:
    """The demo kampung (RTs, households, three months of rounds, spending, closed months, the opening balance
    recorded in its first month) and one RT of 500 households for the long sheet. The first kampung and the roles
    first: a transactional test before the crawl flushed them."""
    Kampung.ensure_first()
    sync_role_permissions(apps)
    seed_demo(households=90, months=3, seed=1)
    # The crawl sees each role as it is given, not the demo's superuser treasurer.
    get_user_model().objects.filter(username="bendahara").update(is_superuser=False)
    big = RT.objects.create(number=20, name="Griya Panjang", display_order=20)
    Household.objects.bulk_create(
        [
            Household(
                rt=big,
                address=f"Jl. Flamboyan Raya Gg. Musala No. {n}",
                head_name=f"Hj. Siti Nurhayati {n}",
                route_position=n,
            )
            for n in range(1, SHEET_ROWS + 1)
        ],
        batch_size=500,
    )
    rows_changed_in_bulk.send(sender=Household)
    round_ = Round.objects.order_by("-evening", "pk").first()
    closed = MonthClosing.objects.order_by("month").first()
    # A past serah terima between two former treasurers: the crawled roles keep their rights.
    users = get_user_model().objects
    former = users.create_user(username="bendahara-2024", first_name="Bu Ratna")
    handover = TreasurerHandover.objects.create(
        handed_over_on=round_.evening,
        outgoing=former,
        incoming=users.create_user(username="bendahara-2025", first_name="Pak Joko"),
        chair_name="Pak Hadi",
        recorded_by=former,
    )
    return {
        "rt": RT.objects.exclude(pk=big.pk).order_by("display_order").first(),
        "big_rt": big,
        "household": Household.objects.filter(rt=round_.rt).order_by("route_position").first(),
        "round": round_,
        "open_month": round_.evening.strftime("%Y-%m"),
        "closed_month": closed.month.strftime("%Y-%m")
        if closed
        else (round_.evening - dt.timedelta(days=62)).strftime("%Y-%m"),
        "expense": Expense.objects.order_by("-spent_on", "pk").first(),
        "income": OtherIncome.objects.order_by("-received_on", "pk").first(),
        "project": Project.objects.order_by("pk").first(),
        "committee_handover": handover,
        # The demo sends a family away for the current evenings: its edit and delete pages are crawled.
        "away_period": AwayPeriod.objects.order_by("-starts_on", "pk").first(),
    }


def _session_for(username: str) -> str:
    user = get_user_model().objects.get(username=username)
    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "jimpitan.backends.KampungRoleBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    return session.session_key


def _compressed_static(root) -> None:
    """What `make run` serves: every static file collected, the text ones with a gzip copy beside them (as
    whitenoise's storage makes; brotli is left out: it took most of a minute, and plain-HTTP browsers don't ask
    for it)."""
    call_command("collectstatic", interactive=False, verbosity=0)
    compressor = Compressor(extensions=[*settings.WHITENOISE_SKIP_COMPRESS_EXTENSIONS], use_brotli=False, quiet=True)
    for path in Path(root).rglob("*"):
        if path.is_file() and compressor.should_compress(str(path)):
            list(compressor.compress(str(path)))


@pytest.fixture(scope="package")
def site(django_db_setup, django_db_blocker, tmp_path_factory):
    static_root = tmp_path_factory.mktemp("static")
    served_as_in_production = override_settings(
        STATIC_ROOT=static_root,
        WHITENOISE_USE_FINDERS=False,
        WHITENOISE_AUTOREFRESH=False,
        MEDIA_ROOT=tmp_path_factory.mktemp("media"),
    )
    with served_as_in_production:
        with django_db_blocker.unblock(), activate(FIRST_KAMPUNG_ID):
            _compressed_static(static_root)
            objects = _seed()
            sessions = {role: _session_for(role) for role in ROLES if role != "anonymous"}
        # Straight to the app: WhiteNoise in the middleware serves /static/, as under gunicorn.
        wire = WireCounter()
        server = LiveServer("localhost", start=False)
        server.thread.static_handler = wire.wrap
        server.start()
        try:
            yield Site(server.url, objects, sessions, wire)
        finally:
            server.stop()
            with django_db_blocker.unblock(), activate(FIRST_KAMPUNG_ID):
                wipe_bookkeeping()  # the closed months' guards first, in the order the app allows
                call_command("flush", interactive=False, verbosity=0)
                sync_role_permissions(apps)
