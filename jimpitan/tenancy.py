"""Which kampung (tenant) the code is working for, without a query.

Every tenant row carries a `kampung` key (see `kampung_field`). A new row takes the active kampung: the one
activated around a request by `TenancyMiddleware` or around a command or test by `activate`; with none
active, the install's first kampung, which a single-kampung install always has (`FIRST_KAMPUNG_ID`, made by
the migration and again after a flush by `ensure_first_kampung`). django-scopes' scope is entered in the same
places, so that a ScopedManager can later refuse a query outside any kampung.
"""

from __future__ import annotations

import atexit
import contextlib
import contextvars
import threading
from collections.abc import Callable, Iterator
from contextvars import ContextVar
from typing import TYPE_CHECKING, Any

from django.apps import apps
from django.conf import settings
from django.core.management.color import no_style
from django.db import models
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import get_script_prefix
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _
from django_scopes import ScopedManager, scope
from django_scopes.manager import DisabledQuerySet

from jimpitan.lib import routing

if TYPE_CHECKING:
    from jimpitan.models import Kampung

# The kampung of a single-kampung install, and the first of a deployment: the row the data migration made
# from the old profile. A fixed id, so that a new row finds it without a query.
FIRST_KAMPUNG_ID = 1
FIRST_KAMPUNG_SLUG = "kampung"

_active: ContextVar[int | None] = ContextVar("jimpitan_kampung", default=None)


def active_kampung_id() -> int:
    """The kampung new rows belong to: the activated one, else the install's first. The field default of every
    `kampung` key, so that bulk_create and the seeders fill it as save() does."""
    kampung_id = _active.get()
    return FIRST_KAMPUNG_ID if kampung_id is None else kampung_id


@contextlib.contextmanager
def activate(kampung_id: int) -> Iterator[None]:
    """Work for one kampung: its rows are made in it, and django-scopes' scope names it."""
    token = _active.set(kampung_id)
    try:
        with scope(kampung=kampung_id):
            yield
    finally:
        _active.reset(token)


class _RefusedQuerySet(DisabledQuerySet):
    """A tenant query made outside any kampung: django-scopes' refusal, widened to the reads it lets through
    (exists, exclude, in_bulk, contains, explain) and to the model's own queryset methods (`active()`), so that
    every read raises ScopeError rather than running unfiltered or failing with an AttributeError."""

    exists = aexists = exclude = in_bulk = contains = explain = select_related = prefetch_related = (
        DisabledQuerySet.error
    )

    def all(self) -> models.QuerySet:
        """Resolved again where it is copied: Django copies a form field's choices (`.all()`) for each form, so
        a ModelForm's choice of tenant rows, built at import outside any kampung, reads the form's kampung."""
        return self.model._default_manager.db_manager(self._db).get_queryset()

    def __getattr__(self, name: str) -> Any:
        if name.startswith("_"):
            raise AttributeError(name)
        self.error()


def tenant_manager(manager_class: type[models.Manager] = models.Manager) -> Any:
    """The default manager of a tenant model: its queries see the active kampung's rows only, and raise
    ScopeError outside any kampung. Pass `models.Manager.from_queryset(TheQuerySet)` to keep a model's own
    queryset methods. Related-object access (`contribution.household`) and save() go through the plain base
    manager, unaffected."""
    scoped = type(ScopedManager(kampung="kampung", _manager_class=manager_class))

    class TenantManager(scoped):
        def get_queryset(self) -> models.QuerySet:
            queryset = super().get_queryset()
            if isinstance(queryset, DisabledQuerySet):
                queryset.__class__ = _RefusedQuerySet
            return queryset

    TenantManager.__name__ = TenantManager.__qualname__ = f"Tenant{manager_class.__name__}"
    return TenantManager()


def activate_for_process(kampung_id: int) -> None:
    """Work for one kampung for the rest of this process: a script's or a drill's own process, outside any
    request or command. Closed at exit, before the interpreter tears its modules down."""
    held = activate(kampung_id)
    held.__enter__()
    atexit.register(held.__exit__, None, None, None)


def kampung_thread(target: Callable[..., object], *args: object) -> threading.Thread:
    """A thread (not started) that runs `target(*args)` in the caller's kampung: a new thread starts with an
    empty context, where every tenant query would raise."""
    return threading.Thread(target=contextvars.copy_context().run, args=(target, *args))


def kampung_slug(name: str) -> str:
    """The slug a kampung's name gives ('Kampung KB "Kompak"' -> 'kampung-kb-kompak'), or 'kampung'."""
    return slugify(name)[:50].strip("-") or FIRST_KAMPUNG_SLUG


def reset_sequence(model: type[models.Model], connection) -> None:
    """After a row written with its own id: PostgreSQL's sequence would otherwise hand that id out again."""
    with connection.cursor() as cursor:
        for statement in connection.ops.sequence_reset_sql(no_style(), [model]):
            cursor.execute(statement)


def kampung_field() -> models.ForeignKey:
    """The `kampung` key of a tenant table. Not editable: a form never moves a row to another kampung.

    The database's own default is the first kampung, so that a raw INSERT of a single-kampung install (the
    trigger tests write rows past the ORM) still lands in it; a deployment of many kampungs drops it."""
    return models.ForeignKey(
        "jimpitan.Kampung",
        on_delete=models.PROTECT,
        default=active_kampung_id,
        db_default=FIRST_KAMPUNG_ID,
        editable=False,
        related_name="+",
        verbose_name=_("kampung"),
        # No index of its own: every table's indexes and unique rules lead with it, and a lone kampung index
        # drew PostgreSQL's planner into reading a kampung's whole history for one month (bench, 118 kampungs).
        db_index=False,
    )


# Deployment-wide addresses: never under a kampung, never sent to one (the city overview, static files, what
# crawlers, browsers and monitors ask the bare host for).
DEPLOYMENT_PATHS = ("/ringkasan/", "/static/", "/robots.txt", "/favicon.ico", "/healthz", "/ping")
# Reachable on a suspended kampung's pages, so that a superuser can still sign in there (in either language).
SUSPENSION_EXEMPT_URL_NAMES = ("login", "logout", "set_language")


class TenancyMiddleware:
    """Runs each request inside its kampung. A single-kampung install has one, known without a query; a deployment
    of many finds it by the request's path (/k/<slug>/) or host name (<slug><suffix>), as
    JIMPITAN_KAMPUNG_ROUTING says, with one query."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        mode = settings.JIMPITAN_KAMPUNG_ROUTING
        if mode == "path":
            return self._by_path(request)
        if mode == "host":
            return self._by_host(request)
        with activate(FIRST_KAMPUNG_ID):
            return self.get_response(request)

    def _by_path(self, request: HttpRequest) -> HttpResponse:
        parts = routing.split_path(request.path_info)
        if parts is None:
            return self._deployment_level(request)
        slug, rest = parts
        kampung = _kampung_by_slug(slug)
        if not rest:
            return HttpResponseRedirect(f"{request.path}/{_query(request)}")
        request.path_info = rest
        # Every URL the app reverses now starts with the kampung's part: links, redirects, LOGIN_URL.
        with routing.script_prefix(f"{get_script_prefix()}k/{slug}/"):
            return self._serve(request, kampung)

    def _by_host(self, request: HttpRequest) -> HttpResponse:
        slug = routing.host_slug(request)
        if slug is None:
            return self._deployment_level(request)
        return self._serve(request, _kampung_by_slug(slug))

    def _serve(self, request: HttpRequest, kampung: Kampung) -> HttpResponse:
        request.kampung = kampung  # type: ignore[attr-defined]
        with activate(kampung.pk):
            return self.get_response(request)

    def _deployment_level(self, request: HttpRequest) -> HttpResponse:
        """A request to no kampung: a deployment-wide address is served as is; any other is an old link of the
        single-kampung days, sent to the kampung it belongs to (a sticker's household's, else the first)."""
        path = request.path_info
        if path.startswith(DEPLOYMENT_PATHS):
            with activate(FIRST_KAMPUNG_ID):
                return self.get_response(request)
        kampung_id = routing.old_link_kampung(path) or FIRST_KAMPUNG_ID
        slug = _kampung_model().objects.filter(pk=kampung_id).values_list("slug", flat=True).first()
        if slug is None:
            raise Http404
        target = kampung_root(slug) + path.lstrip("/")
        if settings.JIMPITAN_KAMPUNG_ROUTING == "path":
            target = get_script_prefix() + target.lstrip("/")
        return HttpResponseRedirect(target + _query(request))

    def process_view(self, request: HttpRequest, view_func, view_args, view_kwargs) -> HttpResponse | None:
        """A suspended kampung's pages are closed to all but a superuser. Here rather than in __call__: the
        signed-in user is known only once the middleware below has run."""
        kampung = getattr(request, "kampung", None)
        if kampung is None or not kampung.is_suspended or request.user.is_superuser:
            return None
        if request.resolver_match and request.resolver_match.url_name in SUSPENSION_EXEMPT_URL_NAMES:
            return None
        return render(request, "suspended.html", {"suspended_kampung": kampung}, status=503)


def _kampung_model() -> type[Kampung]:
    # Not imported: jimpitan.models imports this module for the `kampung` key of its tables.
    return apps.get_model("jimpitan", "Kampung")


def _kampung_by_slug(slug: str) -> Kampung:
    """The kampung an address names, in one query; a 404 when there is none."""
    kampung = _kampung_model().objects.filter(slug=slug).first() if routing.is_slug(slug) else None
    if kampung is None:
        raise Http404
    return kampung


def _query(request: HttpRequest) -> str:
    query = request.META.get("QUERY_STRING", "")
    return f"?{query}" if query else ""


def kampung_root(slug: str) -> str:
    """Where a kampung's pages start under the deployment's routing: "/" for a single-kampung install,
    "/k/<slug>/" by path, "https://<slug><suffix>/" by host name. Every link that leaves one kampung's
    pages for another's (the city overview, the operator's list, a printed setup link) is built from it."""
    mode = settings.JIMPITAN_KAMPUNG_ROUTING
    if mode == "path":
        return f"/k/{slug}/"
    if mode == "host":
        scheme = "https" if settings.BEHIND_HTTPS_PROXY else "http"
        return f"{scheme}://{slug}{settings.JIMPITAN_KAMPUNG_HOST_SUFFIX}/"
    return "/"
