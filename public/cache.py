"""The public figures are cached under a version number per kampung; any committed change to what they show
bumps the version of the kampung it was made in (`public.receivers` watches the models), and every key names
its kampung: a save in one kampung leaves the others' pages cached, and no kampung is served another's page.

`shared_page` builds on it: a page that is the same for every anonymous visitor is rendered once per
version and then served from the cache, with the visitor's own CSRF token put back in.
"""

from __future__ import annotations

import time
import uuid
from collections import OrderedDict
from collections.abc import Callable

from django.conf import settings
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.http.request import split_domain_port
from django.middleware.csrf import get_token
from django.urls import get_script_prefix
from django.utils import timezone
from django.utils.translation import get_language

from jimpitan.tenancy import active_kampung_id

VERSION_KEY = "ledger:public-version"  # followed by the kampung's id
# Writes that save no model (raw SQL, QuerySet.update) and forget to invalidate stay unseen this long at most.
PUBLIC_CACHE_SECONDS = 300
# Rendered in place of the CSRF token in a shared page; each visitor's own token replaces it on the way out.
CSRF_PLACEHOLDER = "csrf-token-of-this-visitor-5c1e0a9d"


def _version_key() -> str:
    return f"{VERSION_KEY}:{active_kampung_id()}"


def public_cache_version() -> str:
    """The active kampung's version of its public figures."""
    version = cache.get(_version_key())
    if version is None:
        version = uuid.uuid4().hex
        cache.set(_version_key(), version, None)
    return version


def public_cache_key(name: str) -> str:
    return f"ledger:{public_cache_version()}:{active_kampung_id()}:{name}"


def invalidate_public_figures() -> None:
    """Throw away the active kampung's public pages (run on commit, inside the request's or command's kampung)."""
    cache.set(_version_key(), uuid.uuid4().hex, None)


def _may_share(request: HttpRequest, query: str) -> bool:
    """Only a visitor with no session and no pending messages sees exactly what every other one sees.

    Without a session cookie the visitor is anonymous and has no messages in the session, and telling
    so costs no query. The query string is echoed in the page (the language switcher's `next`), so
    only the one spelling the view expects is shared.
    """
    return (
        request.method in ("GET", "HEAD")
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
        and CookieStorage.cookie_name not in request.COOKIES
        and request.META.get("QUERY_STRING", "") == query
        and _canonical_host(request) is not None
    )


def _canonical_host(request: HttpRequest) -> str | None:
    """The host a shared page is keyed on, or None when the request's Host header names a port other than
    the one it came in on. The header is the visitor's to write, and ALLOWED_HOSTS ignores ports: keying on
    it as sent would let anyone make a cached copy per port number."""
    domain, port = split_domain_port(request.get_host())
    if port and port != str(request.META.get("SERVER_PORT", "")):
        return None
    default_port = "443" if request.is_secure() else "80"
    return f"{domain}:{port}" if port and port != default_port else domain


def shared_page(
    request: HttpRequest, name: str, render: Callable[[dict], HttpResponse], *, query: str = ""
) -> HttpResponse:
    """`render(extra_context)` once per version of the figures, then the cached copy for every visitor.

    `name` must hold everything the page depends on besides the figures (a project's id, a household's
    id and month); the language, the day, the host and the script prefix (a kampung's /k/<slug>/: its links)
    are added here. Signed-in visitors, and anyone with a session or a message waiting, get `render` every time.
    """
    if not _may_share(request, query):
        return render({})
    # A kampung's own prefix on a deployment by path (its pages' links); nothing at the site root.
    prefix = get_script_prefix().rstrip("/")
    key = public_cache_key(
        f"page:{name}:{get_language()}:{timezone.localdate().isoformat()}:{request.scheme}://{_canonical_host(request)}"
        f"{prefix}"
    )
    page = _recall(key)
    if page is None:
        response = render({"csrf_token": CSRF_PLACEHOLDER})
        if response.status_code != 200 or response.streaming:
            return response
        page = {
            "parts": response.content.split(CSRF_PLACEHOLDER.encode()),
            "headers": dict(response.items()),
            "expires": time.time() + PUBLIC_CACHE_SECONDS,
        }
        # Refuse to share a page that carries something of this request: a token taken straight from
        # get_token (not through the template's csrf_token) or a CSP nonce (tied to this response's header).
        if not request.META.get("CSRF_COOKIE_NEEDS_UPDATE") and getattr(request, "_csp_nonce", None) is None:
            cache.set(key, page, PUBLIC_CACHE_SECONDS)
            _remember(key, page)
    # The visitor's own token, as the template tag would have put it (get_token also sets the cookie).
    content = get_token(request).encode().join(page["parts"]) if len(page["parts"]) > 1 else page["parts"][0]
    response = HttpResponse(content)
    for header, value in page["headers"].items():
        response[header] = value
    return response


# Each worker keeps the pages it served last, so a hit skips reading, unzipping and unpickling up to
# ~80 KB from the file cache. Safe across workers: the key holds the version, read from the shared cache
# on every request, and an entry lives no longer than the shared one. Entries of an older version can
# never be asked for again, so a new version empties the store; within one version the least recently
# used page goes first. Kampungs have versions of their own: a new version drops only its kampung's pages.
LOCAL_PAGES_MAX = 256
_local_pages: OrderedDict[str, dict] = OrderedDict()


def _recall(key: str) -> dict | None:
    page = _local_pages.get(key)
    if page is None:
        page = cache.get(key)
        if page is not None:
            _remember(key, page)
    else:
        _local_pages.move_to_end(key)
    if page is not None and page["expires"] <= time.time():
        _local_pages.pop(key, None)
        return None
    return page


def _remember(key: str, page: dict) -> None:
    version, kampung = _version_of(key), _kampung_of(key)
    for old in [old for old in _local_pages if _kampung_of(old) == kampung and _version_of(old) != version]:
        del _local_pages[old]
    _local_pages[key] = page
    while len(_local_pages) > LOCAL_PAGES_MAX:
        _local_pages.popitem(last=False)


def _version_of(key: str) -> str:
    return key.split(":", 3)[1]


def _kampung_of(key: str) -> str:
    return key.split(":", 3)[2]
