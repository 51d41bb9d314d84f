"""The access matrix helper: every non-public page against every role."""

from __future__ import annotations

ROLES = ("anonymous", "petugas", "pokja", "bendahara")

# Shorthand for the expected outcome of a GET.
OK, LOGIN, FORBIDDEN = 200, "login", 403


def assert_access(client, url: str, expected) -> None:
    response = client.get(url)
    if expected == LOGIN:
        assert response.status_code == 302, (url, response.status_code)
        assert response["Location"].startswith("/masuk/"), (url, response["Location"])
    else:
        assert response.status_code == expected, (url, response.status_code)
