"""How a request of a deployment of many kampungs names its kampung: `/k/<slug>/…` by path, `<slug><suffix>` by
host name (setting JIMPITAN_KAMPUNG_ROUTING). Pure helpers of `jimpitan.tenancy.TenancyMiddleware`.

By path, the kampung's part of the address becomes Django's script prefix for the request, so that every
reverse(), {% url %}, redirect and LOGIN_URL of the app carries it with no change to the URLconfs.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Callable, Iterator

from django.conf import settings
from django.http import HttpRequest
from django.http.request import split_domain_port
from django.urls import get_script_prefix, set_script_prefix

# The slug a kampung's address may carry (a SlugField): anything else is a 404 before any query.
SLUG = re.compile(r"[-a-zA-Z0-9_]{1,50}")
PATH_PREFIX = "/k/"

# Old single-kampung links that name a row rather than a page, each with the function that finds the kampung of
# the row from the rest of the path (e.g. "/h/" -> the household of a sticker's private code). Registered by the
# app that owns the row (households), which this level cannot import.
OLD_LINK_RESOLVERS: dict[str, Callable[[str], int | None]] = {}


def register_old_link(prefix: str, resolver: Callable[[str], int | None]) -> None:
    """`resolver(rest_of_path)` -> the id of the kampung an old link `<prefix><rest>` belongs to, or None."""
    OLD_LINK_RESOLVERS[prefix] = resolver


def old_link_kampung(path: str) -> int | None:
    """The kampung an old single-kampung link names by one of its rows, or None (the first kampung's then)."""
    for prefix, resolver in OLD_LINK_RESOLVERS.items():
        if path.startswith(prefix):
            return resolver(path.removeprefix(prefix))
    return None


def split_path(path_info: str) -> tuple[str, str] | None:
    """The slug and the rest of "/k/<slug>/rest" ("/rest"; "" for "/k/<slug>", which asks for the slash), or
    None for a path under no kampung."""
    if not path_info.startswith(PATH_PREFIX):
        return None
    slug, slash, rest = path_info.removeprefix(PATH_PREFIX).partition("/")
    return slug, slash + rest


def host_slug(request: HttpRequest) -> str | None:
    """The slug of a kampung's host name ("kompak" for kompak.jimpitan.example), or None for any other host (the
    bare deployment host among them). A host of more labels ("a.b.jimpitan.example") yields "a.b", no slug."""
    domain, _port = split_domain_port(request.get_host())
    suffix = settings.JIMPITAN_KAMPUNG_HOST_SUFFIX.lower()
    if not domain.endswith(suffix):
        return None
    return domain.removesuffix(suffix) or None


def is_slug(text: str) -> bool:
    return SLUG.fullmatch(text) is not None


@contextlib.contextmanager
def script_prefix(prefix: str) -> Iterator[None]:
    """Serve the request under `prefix`; the previous one comes back afterwards, also on an exception (a thread
    serves the next request with it)."""
    previous = get_script_prefix()
    # Django puts the script prefix before a relative STATIC_URL/MEDIA_URL ("static/") and keeps the result for
    # the process on first reading: read under the deployment's own prefix, so static files stay at /static/ for
    # every kampung rather than at the first visited kampung's /k/<slug>/static/.
    settings.STATIC_URL, settings.MEDIA_URL  # noqa: B018
    set_script_prefix(prefix)
    try:
        yield
    finally:
        set_script_prefix(previous)
