from __future__ import annotations

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.middleware.gzip import GZipMiddleware
from django.shortcuts import redirect
from django.urls import reverse

from jimpitan.models import KampungProfile
from jimpitan.tenancy import FIRST_KAMPUNG_ID, active_kampung_id

SETUP_DONE_CACHE_KEY = "jimpitan:setup-done"


def setup_done() -> bool:
    """True once the active kampung is set up: for the install's first kampung, once any user exists; for one the
    operator added, once it has its profile. Cached after the first True: neither is ever undone."""
    kampung_id = active_kampung_id()
    key = SETUP_DONE_CACHE_KEY if kampung_id == FIRST_KAMPUNG_ID else f"{SETUP_DONE_CACHE_KEY}:{kampung_id}"
    if cache.get(key):
        return True
    if kampung_id == FIRST_KAMPUNG_ID:
        done = get_user_model().objects.exists()
    else:
        done = KampungProfile.objects.filter(kampung_id=kampung_id).exists()
    if done:
        cache.set(key, True, None)
    return done


class FirstRunSetupMiddleware:
    """While no user exists, every page leads to the setup page."""

    # Static assets, the setup page itself, the language switch and the health check stay reachable.
    EXEMPT_PREFIXES = ("/static/", "/i18n/", "/healthz", "/robots.txt", "/favicon.ico")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        path = request.path_info
        setup_url = reverse("setup")
        if path != setup_url and not path.startswith(self.EXEMPT_PREFIXES) and not setup_done():
            return redirect(setup_url)
        return self.get_response(request)


class KampungMembersOnlyMiddleware:
    """A signed-in user with no role in the active kampung finds none of its private pages: 404, as for a
    page that is not there, never a 403 that would confirm it exists, nor a sign-in they could do nothing
    with. Anonymous visitors are still sent to sign in by the view's own decorator; public pages stay open.

    A private page is a view behind `login_required` / `permission_required` (Django's `user_passes_test`
    marks its wrapper with `login_url`, and `functools.wraps` carries that mark through outer decorators),
    or a page of the admin other than its sign-in and sign-out. A superuser (the platform operator) passes.
    Must run after AuthenticationMiddleware."""

    ADMIN_OPEN = ("login", "logout")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if self._stranger(request.user) and self._private(request, view_func):
            raise Http404
        return None

    def process_exception(self, request, exception):
        """A view that checks the role itself (a receipt, a roster swap) refuses with PermissionDenied: to a
        stranger to the kampung, that is a page that is not there either."""
        if isinstance(exception, PermissionDenied) and self._stranger(request.user):
            raise Http404
        return None

    @staticmethod
    def _stranger(user) -> bool:
        # Every role carries permissions, so no permission here is no role here. The permissions, not the
        # role names: the view's own permission check reads them next, from the same cache.
        return user.is_authenticated and not user.is_superuser and not user.get_group_permissions()

    @classmethod
    def _private(cls, request, view_func) -> bool:
        if hasattr(view_func, "login_url"):
            return True
        match = request.resolver_match
        return match is not None and match.app_name == "admin" and match.url_name not in cls.ADMIN_OPEN


class IndonesianByDefaultMiddleware:
    """Speak Indonesian unless the user picked another language with the switcher.

    Many residents' phones are set to English, yet the kampung's app should speak Indonesian. So the
    browser's Accept-Language is ignored, and only the language cookie set by the switcher counts.
    Must run before django.middleware.locale.LocaleMiddleware.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.META.pop("HTTP_ACCEPT_LANGUAGE", None)
        return self.get_response(request)


class PrivateNoStoreMiddleware:
    """Pages shown to a signed-in user, and every download, are never kept by the browser or a proxy.

    On a shared phone, Back after logging out must not show the books again. Anonymous public pages keep their
    own caching headers. Must run after AuthenticationMiddleware.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        download = response.get("Content-Disposition", "").startswith("attachment")
        if download or self._signed_in(request):
            response["Cache-Control"] = "private, no-store"
        return response

    @staticmethod
    def _signed_in(request) -> bool:
        # Without a session cookie nobody is signed in; not touching the session keeps public pages free of
        # the "Vary: Cookie" a session lookup would add.
        if settings.SESSION_COOKIE_NAME not in request.COOKIES:
            return False
        user = getattr(request, "user", None)
        return bool(user and user.is_authenticated)


class CompressPagesMiddleware(GZipMiddleware):
    """Django's GZipMiddleware (with its BREACH mitigation), for text only: receipts, photos and PDFs are
    compressed already, and gzipping them again costs the server and saves nothing."""

    COMPRESSIBLE = ("text/", "application/json", "application/javascript", "image/svg+xml")

    def process_response(self, request, response):
        if not response.get("Content-Type", "").startswith(self.COMPRESSIBLE):
            return response
        return super().process_response(request, response)
