"""The public page cache is kept per kampung: a save in one kampung throws away that kampung's pages only, and no
kampung is ever served a page rendered for another."""

from __future__ import annotations

from collections import OrderedDict

import pytest
from django.http import HttpResponse
from django.test import RequestFactory

from households.models import RT
from jimpitan.models import Kampung
from jimpitan.tenancy import FIRST_KAMPUNG_ID, activate
from public import cache as page_cache
from public.cache import invalidate_public_figures, public_cache_key, public_cache_version, shared_page

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _own_local_pages(monkeypatch):
    """This worker's own copies of the pages start empty (they outlive a test's cache.clear())."""
    monkeypatch.setattr(page_cache, "_local_pages", OrderedDict())


@pytest.fixture
def kampung_b(db) -> Kampung:
    return Kampung.objects.create(slug="kampung-b", name="Kampung B")


def _page(text: str) -> bytes:
    """What the shared page `/` holds for an anonymous visitor, rendering `text` when it is not cached."""
    return shared_page(RequestFactory().get("/"), "home", lambda extra: HttpResponse(text)).content


def test_each_kampung_has_its_own_version_and_keys(kampung_b):
    version_a, key_a = public_cache_version(), public_cache_key("home")
    with activate(kampung_b.pk):
        assert public_cache_version() != version_a
        assert public_cache_key("home") != key_a
        invalidate_public_figures()
    assert (public_cache_version(), public_cache_key("home")) == (version_a, key_a)


def test_kampung_b_never_gets_the_page_rendered_for_kampung_a(kampung_b):
    assert _page("halaman A") == b"halaman A"
    assert _page("tidak dirender") == b"halaman A"  # cached for A
    with activate(kampung_b.pk):
        assert _page("halaman B") == b"halaman B"
        assert _page("tidak dirender") == b"halaman B"
    assert _page("tidak dirender") == b"halaman A"


def test_a_save_in_kampung_a_invalidates_only_kampung_as_pages(kampung_b, django_capture_on_commit_callbacks):
    _page("A lama")
    with activate(kampung_b.pk):
        _page("B lama")
        version_b = public_cache_version()
    with django_capture_on_commit_callbacks(execute=True):
        RT.objects.create(number=9)  # a watched model, saved in the first kampung
    assert _page("A baru") == b"A baru"
    with activate(kampung_b.pk):
        assert public_cache_version() == version_b
        assert _page("B baru") == b"B lama"
    # The worker's own copies: A's new version dropped A's old page and left B's.
    kept = [(page_cache._kampung_of(key), page_cache._version_of(key)) for key in page_cache._local_pages]
    assert sorted(kept) == sorted([(str(FIRST_KAMPUNG_ID), public_cache_version()), (str(kampung_b.pk), version_b)])


def test_a_save_in_kampung_b_leaves_kampung_as_pages_cached(kampung_b, django_capture_on_commit_callbacks):
    _page("A lama")
    with activate(kampung_b.pk), django_capture_on_commit_callbacks(execute=True):
        RT.objects.create(number=9)
    assert _page("A baru") == b"A lama"
