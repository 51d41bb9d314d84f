from __future__ import annotations

from django.utils.functional import SimpleLazyObject

from jimpitan.models import KampungProfile
from jimpitan.roles import BENDAHARA, PETUGAS, POKJA, user_roles


def kampung(request) -> dict:
    """The kampung profile (fetched only if a template uses it) and the current user's roles."""
    user = getattr(request, "user", None)

    def roles():
        if user is None or not user.is_authenticated:
            return {}
        names = user_roles(user)
        return {
            "bendahara": BENDAHARA in names or user.is_superuser,
            "petugas": PETUGAS in names,
            "pokja": POKJA in names,
        }

    return {
        "kampung": SimpleLazyObject(KampungProfile.load),
        "role": SimpleLazyObject(roles),
    }
