"""Security headers on every page: a Content Security Policy without inline scripts, no sniffing,
same-origin referrers, no framing."""

import re

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def _policy(response) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]
    directives = {}
    for part in header.split(";"):
        words = part.split()
        if words:
            directives[words[0]] = words[1:]
    return directives


@pytest.mark.parametrize("url_name", ["login", "home", "profile"])
def test_pages_carry_the_security_headers(client_as, url_name):
    response = client_as("bendahara").get(reverse(url_name))
    assert response.status_code == 200
    policy = _policy(response)
    assert "'unsafe-inline'" not in policy["script-src"]
    assert "'unsafe-eval'" not in policy["script-src"]
    assert policy["script-src"][0] == "'self'"
    assert policy["default-src"] == ["'self'"]
    assert policy["img-src"] == ["'self'", "data:"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert policy["object-src"] == ["'none'"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"


@pytest.mark.parametrize("url_name", ["login", "home", "profile", "setup_done_404"])
def test_pages_have_no_inline_script_or_event_handler(client_as, url_name):
    client = client_as("bendahara")
    response = client.get("/setup/") if url_name == "setup_done_404" else client.get(reverse(url_name))
    body = response.content.decode()
    for tag in re.findall(r"<script\b[^>]*>", body):
        assert "src=" in tag, tag  # every script is a file from our own origin
    assert not re.search(r"\son[a-z]+\s*=", body), "inline event handler attribute"
    assert "javascript:" not in body


def test_htmx_is_told_not_to_inject_styles_and_csrf_header_stays(client_as):
    body = client_as("bendahara").get(reverse("home")).content.decode()
    assert '<meta name="htmx-config" content=\'{"includeIndicatorStyles": false}\'>' in body
    # htmx reads the CSRF token from this attribute: it is data, not a script, so CSP allows it.
    assert re.search(r'<body hx-headers=\'\{"X-CSRFToken": "[A-Za-z0-9]{64}"\}\'>', body)
    assert "css/htmx.css" in body


def test_a_nonce_is_offered_only_when_a_template_uses_it(rf):
    from csp.middleware import CSPMiddleware
    from django.http import HttpResponse

    def view(request):
        return HttpResponse(f'<script nonce="{request.csp_nonce}">1</script>')

    request = rf.get("/")
    middleware = CSPMiddleware(view)
    response = middleware(request)
    nonce = re.search(r'nonce="([^"]+)"', response.content.decode()).group(1)
    assert f"'nonce-{nonce}'" in response["Content-Security-Policy"]


def _plain_page_urls() -> list[str]:
    """Every named page without a path parameter, outside the admin and the POST-only endpoints."""
    from django.urls import URLPattern, URLResolver, get_resolver

    urls = []

    def walk(patterns, prefix):
        for entry in patterns:
            if isinstance(entry, URLResolver):
                if str(entry.pattern).startswith(("admin/", "i18n/")):
                    continue
                walk(entry.url_patterns, prefix + str(entry.pattern))
            elif isinstance(entry, URLPattern) and not entry.pattern.converters:
                route = prefix + str(entry.pattern)
                if "<" not in route and "(" not in route and "^" not in route:
                    urls.append("/" + route)

    walk(get_resolver().url_patterns, "")
    return sorted(set(urls) - {"/keluar/", "/setup/"})


@pytest.mark.parametrize("role", ["anonymous", "bendahara"])
def test_no_page_needs_inline_script(client_as, role):
    """Every page of the app as a visitor and as the treasurer: CSP header, and nothing inline it would block."""
    client = client_as(role)
    checked = 0
    for url in _plain_page_urls():
        response = client.get(url)
        if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
            continue
        checked += 1
        assert "Content-Security-Policy" in response.headers, url
        body = response.content.decode()
        for tag in re.findall(r"<script\b[^>]*>", body):
            assert "src=" in tag, (url, tag)
        assert not re.search(r"<[^>]+\son[a-z]+\s*=", body), (url, "inline event handler")
        assert "javascript:" not in body, url
    assert checked >= (1 if role == "anonymous" else 5)
