"""Locust traffic for `make load` (started by bench/load.py, never by hand against another host).

Residents after a WhatsApp announcement: 80% the public ledger `/`, 15% project pages, 5% household pages,
back to back. Meanwhile one treasurer opens and saves a nightly sheet every 2 seconds. The baseline run
sends the same visitors to the trivial view instead.
"""

from __future__ import annotations

import json
import os
import random
import sys
from pathlib import Path
from urllib.parse import urlparse

from locust import FastHttpUser, HttpUser, constant, constant_pacing, events, task

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.htmlform import biggest_post_form, fill  # noqa: E402

TARGETS = json.loads(Path(os.environ["LOAD_TARGETS"]).read_text())


@events.init.add_listener
def only_loopback(environment, **kwargs) -> None:
    host = urlparse(environment.host or "").hostname
    if host not in ("127.0.0.1", "localhost", "::1"):
        raise SystemExit(f"Refusing to load-test {environment.host!r}: only loopback addresses are targets.")


class Resident(FastHttpUser):
    """A resident opening the links shared in the RT's WhatsApp group."""

    wait_time = constant(0.005)  # a real pause lets the treasurer's timer fire (0 starves gevent timers)

    @task(80)
    def ledger(self) -> None:
        self.client.get(TARGETS["ledger"], name="/")

    @task(15)
    def project(self) -> None:
        self._open_one_of("projects", name="project page")

    @task(5)
    def household(self) -> None:
        self._open_one_of("households", name="household page")

    def _open_one_of(self, kind: str, *, name: str) -> None:
        """A random page of that kind; with none in the seeded data the visit goes to the ledger instead."""
        if TARGETS[kind]:
            self.client.get(random.choice(TARGETS[kind]), name=name)
        else:
            self.ledger()


class Treasurer(HttpUser):
    """The Bendahara saving an RT's nightly sheet every 2 seconds.

    A requests-based user: geventhttpclient's session hung on the request after an unfollowed redirect.
    """

    fixed_count = 1
    wait_time = constant_pacing(2)

    def on_start(self) -> None:
        page = self.client.get(TARGETS["login"], name="login")
        form = biggest_post_form(page.text)
        data = dict(form["fields"])
        data.update(username=TARGETS["username"], password=TARGETS["password"])
        with self.client.post(
            TARGETS["login"], data=data, name="login", allow_redirects=False, catch_response=True
        ) as response:
            if response.status_code != 302:
                response.failure(f"login answered {response.status_code}")

    @task
    def save_sheet(self) -> None:
        page = self.client.get(TARGETS["sheet"], name="sheet GET", timeout=30)
        form = biggest_post_form(page.text)
        if form is None:
            return
        data = fill(form["fields"], random.choice(["200", "500"]))
        with self.client.post(
            form["action"] or TARGETS["sheet"],
            data=data,
            name="sheet POST",
            allow_redirects=False,
            catch_response=True,
            timeout=30,
        ) as response:
            if response.status_code not in (302, 303):
                response.failure(f"sheet save answered {response.status_code}")


class BaselineResident(FastHttpUser):
    """The same crowd, on the trivial view: what the server can do at best."""

    wait_time = constant(0.005)  # a real pause lets the treasurer's timer fire (0 starves gevent timers)

    @task
    def ping(self) -> None:
        self.client.get(TARGETS["trivial"], name="trivial")
