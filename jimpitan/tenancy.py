"""Which kampung (tenant) the code is working for, without a query.

Every tenant row carries a `kampung` key (see `kampung_field`). A new row takes the active kampung: the one
activated around a request by `TenancyMiddleware` or around a command or test by `activate`; with none
active, the install's first kampung, which a single-kampung install always has (`FIRST_KAMPUNG_ID`, made by
the migration and again after a flush by `ensure_first_kampung`). django-scopes' scope is entered in the same
places, so that a ScopedManager can later refuse a query outside any kampung.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from contextvars import ContextVar
from typing import Any

from django.conf import settings
from django.core.management.color import no_style
from django.db import models
from django.http import HttpRequest, HttpResponse
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _
from django_scopes import ScopedManager, scope
from django_scopes.manager import DisabledQuerySet

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
    )


class TenancyMiddleware:
    """Runs each request inside its kampung. A single-kampung install has one, known without a query; the
    routing of a deployment (/k/<slug>/ or a host name) will pick it here."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        with activate(FIRST_KAMPUNG_ID):
            return self.get_response(request)


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
