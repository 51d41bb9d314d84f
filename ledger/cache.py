"""The public figures are cached under a version number; any write that changes money bumps it.

Services call `invalidate_public_figures()` (through transaction.on_commit) after every write to
rounds, contributions, expenses, other income, adjustments, projects, the profile or month closings.
"""

from __future__ import annotations

import uuid

from django.core.cache import cache

VERSION_KEY = "ledger:public-version"


def public_cache_version() -> str:
    version = cache.get(VERSION_KEY)
    if version is None:
        version = uuid.uuid4().hex
        cache.set(VERSION_KEY, version, None)
    return version


def public_cache_key(name: str) -> str:
    return f"ledger:{public_cache_version()}:{name}"


def invalidate_public_figures() -> None:
    cache.set(VERSION_KEY, uuid.uuid4().hex, None)
