"""Two app servers (or two gunicorn workers) share one cache but each keeps its own copy of the pages it served
(`public.cache._local_pages`). A save through one must show through the other at once: the local copy is keyed
by the shared version, read from the shared cache on every request."""

import contextlib
import datetime as dt
import re
from collections import OrderedDict

import pytest
from django.core.cache import cache
from django.test import Client
from django.utils import timezone

from households.models import RT, Household
from nightly import services as nightly_services
from nightly.services import SheetRow
from public import cache as page_cache

pytestmark = pytest.mark.django_db


class Worker:
    """One worker's process-local page copies; the Django cache stands for the shared Redis."""

    def __init__(self):
        self.pages: OrderedDict[str, dict] = OrderedDict()
        self.client = Client()

    @contextlib.contextmanager
    def active(self):
        own, page_cache._local_pages = page_cache._local_pages, self.pages
        try:
            yield self
        finally:
            page_cache._local_pages = own

    def balance(self) -> str:
        with self.active():
            response = self.client.get("/")
        assert response.status_code == 200
        return re.search(r'data-figure="balance">([^<]+)<', response.content.decode()).group(1).strip()


@pytest.fixture
def rt(kampung):
    rt = RT.objects.create(number=3)
    Household.objects.create(rt=rt, address="Gg. Melati 12", head_name="Siti Aminah", usual_amount=500)
    return rt


def _save_sheet(rt, user, amount):
    household = Household.objects.get()
    nightly_services.save_sheet(
        rt=rt,
        evening=timezone.localdate() - dt.timedelta(days=1),
        user=user,
        version=0,
        rows=[SheetRow(household_id=household.pk, state="dibayar", amount=amount)],
    )


def test_a_save_through_one_worker_shows_through_the_other_at_once(rt, bendahara, django_capture_on_commit_callbacks):
    a, b = Worker(), Worker()
    assert a.balance() == "Rp 0"
    assert b.balance() == "Rp 0"
    assert len(a.pages) == len(b.pages) == 1  # each worker keeps its own copy of `/`
    # B's copy is served from B alone: gone from the shared cache, it still answers while the version stands.
    cache.delete(next(iter(b.pages)))
    assert b.balance() == "Rp 0"

    with a.active(), django_capture_on_commit_callbacks(execute=True):
        _save_sheet(rt, bendahara, 7_000)

    assert b.balance() == "Rp 7.000"
    assert a.balance() == "Rp 7.000"
    # Each worker dropped the copy of the older version when it stored the new one.
    assert len(a.pages) == len(b.pages) == 1


def test_the_shared_version_alone_tells_a_worker_its_copy_is_old(rt, bendahara):
    b = Worker()
    assert b.balance() == "Rp 0"
    stale = next(iter(b.pages))
    # Saved, but the invalidation (run on commit, which this test's transaction never reaches) not yet sent:
    # B keeps serving its copy, so the next step is what makes B see the save.
    _save_sheet(rt, bendahara, 7_000)
    assert b.balance() == "Rp 0"
    page_cache.invalidate_public_figures()  # what the saving server does on commit, in the shared cache
    assert b.balance() == "Rp 7.000"
    assert stale not in b.pages and len(b.pages) == 1
