"""System checks of our own. `manage.py check --deploy` fails on a secret key that anyone could know."""

from __future__ import annotations

from django.conf import settings
from django.core.checks import Error, Tags, register

from jimpitan.lib.secret_key import HOW_TO_MAKE_ONE, weakness


@register(Tags.security, deploy=True)
def check_secret_key(app_configs, **kwargs) -> list[Error]:
    # With DEBUG off the settings already refuse such a key; this catches a deployment still running with DEBUG on.
    problem = weakness(settings.SECRET_KEY)
    if problem is None:
        return []
    return [Error(f"{problem}.", hint=f"Set a new DJANGO_SECRET_KEY; {HOW_TO_MAKE_ONE}", id="jimpitan.E001")]
