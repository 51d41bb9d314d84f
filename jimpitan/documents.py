"""What every printed document (report, receipt) takes from the kampung's profile: the letterhead and the
signing columns. The logo goes in as a data URI, so WeasyPrint reads no file path from the template."""

from __future__ import annotations

import base64
import mimetypes
from typing import Any

from jimpitan.models import KampungProfile


def logo_data_uri(profile: KampungProfile) -> str | None:
    if not profile.letterhead_logo:
        return None
    try:
        with profile.letterhead_logo.open("rb") as logo:
            content = logo.read()
    except OSError:  # a file lost from the media folder: the document prints without it
        return None
    media_type = mimetypes.guess_type(profile.letterhead_logo.name)[0] or "image/png"
    return f"data:{media_type};base64,{base64.b64encode(content).decode('ascii')}"


def document_context(profile: KampungProfile | None) -> dict[str, Any]:
    """The letterhead and signature context for templates/includes/{letterhead,signatures}.html."""
    if profile is None:  # before the first-run setup names the kampung
        return {"kampung": None, "letterhead_logo": None, "signature_columns": []}
    return {
        "kampung": profile,
        "letterhead_logo": logo_data_uri(profile),
        "signature_columns": list(profile.signature_columns.all()),
    }
