"""The client's address for login throttling."""

from __future__ import annotations

from axes.backends import AxesStandaloneBackend
from axes.exceptions import AxesBackendPermissionDenied
from axes.helpers import get_lockout_message
from axes.models import AccessFailureLog
from django.conf import settings
from django.http import HttpRequest
from django.utils import timezone


def client_ip(request: HttpRequest) -> str | None:
    """The visitor's address: nginx's X-Real-IP behind the proxy, else the socket's peer.

    Without the proxy every visitor would look like 127.0.0.1, and five wrong guesses by anyone
    would lock the treasurer out. X-Real-IP is only trusted behind the proxy, which overwrites it
    (deploy/nginx-jimpitan.conf); otherwise a visitor could claim any address.
    """
    if getattr(settings, "BEHIND_HTTPS_PROXY", False):
        real_ip = request.META.get("HTTP_X_REAL_IP", "").strip()
        if real_ip:
            return real_ip
    return request.META.get("REMOTE_ADDR")


class LoginThrottleBackend(AxesStandaloneBackend):
    """django-axes' lockout check for every login made through a web request.

    Every login form passes the request, so every login over HTTP is throttled. Code that calls
    `authenticate()` without a request (the test client's `login()`, a shell) has no address to
    throttle on; it falls through to the next backend instead of failing outright.
    """

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        super().authenticate(request, username=username, password=password, **kwargs)
        if username and too_many_failures_for(username):
            # Same path as axes' own lockout: the login fails and AxesMiddleware shows the lockout page.
            kwargs.get("response_context", {})["error"] = get_lockout_message()
            request.axes_locked_out = True
            request.axes_credentials = {"username": username}
            request.username_locked_everywhere = True  # the lockout page then says why and for how long
            raise AxesBackendPermissionDenied("Too many failed logins for this username from all addresses")
        return None


def too_many_failures_for(username: str) -> bool:
    """A slower limit per username across every address, so guesses spread over many addresses stop too.

    The lock by username and address (AXES_FAILURE_LIMIT) stays the quick one for a single device.
    """
    since = timezone.now() - settings.JIMPITAN_USERNAME_FAILURE_WINDOW
    recent = AccessFailureLog.objects.filter(username=username, attempt_time__gte=since)
    return recent.count() >= settings.JIMPITAN_USERNAME_FAILURE_LIMIT
