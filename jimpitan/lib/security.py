"""The client's address for login throttling."""

from __future__ import annotations

from axes.backends import AxesStandaloneBackend
from django.conf import settings
from django.http import HttpRequest


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
        return super().authenticate(request, username=username, password=password, **kwargs)
