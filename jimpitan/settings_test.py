"""Settings for the test suite: the app's own settings (jimpitan/settings.py), with what tests need made explicit.

pytest-django points here (pyproject.toml); everything else still comes from the environment like a real run.
"""

from jimpitan.settings import *  # noqa: F403
from jimpitan.settings import STORAGES

# An in-process cache, cleared around every test (tests/conftest.py).
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# Fast hashing: thousands of logins in the suite; real hashing is tested through the validators, not the cost.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# Static files straight from the source folders, so the suite needs no collectstatic.
STORAGES = {**STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
WHITENOISE_USE_FINDERS = True
# Look each static file up when it is asked for. Otherwise every new test client (one per test, one per generated
# submission in the bad-input drill) had WhiteNoise list and stat all ~290 source files first: 50-90 ms each, minutes
# per suite run. The crawl drills serve a collected copy as in production (tests/drills/conftest.py).
WHITENOISE_AUTOREFRESH = True
# The test client and the live server speak plain HTTP. The HTTPS protections of a production run are checked
# through `manage.py check --deploy` in a subprocess (tests/test_security_deploy_check.py).
SECURE_SSL_REDIRECT = False
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
SECURE_HSTS_SECONDS = 0
