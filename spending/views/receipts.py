"""Receipts are served only through here, never straight from MEDIA_ROOT: the role is checked first,
and the stored Content-Type (set from the checked content at upload) is sent with `nosniff`."""

from __future__ import annotations

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404

from jimpitan.models import KampungProfile
from spending.models import Expense

SERVED_TYPES = {"image/jpeg": "jpg", "application/pdf": "pdf"}


def may_see_receipts(user) -> bool:
    """Receipts are bookkeeping: Bendahara and Pokja see them; everyone does if the kampung publishes them."""
    if user.is_authenticated and user.has_perm("spending.view_expense"):
        return True
    profile = KampungProfile.load()
    return bool(profile and profile.publish_receipts)


def _serve(request: HttpRequest, pk: int, *, thumbnail: bool) -> HttpResponse:
    if not may_see_receipts(request.user):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        raise PermissionDenied
    expense = get_object_or_404(Expense, pk=pk)
    stored = expense.receipt_thumbnail if thumbnail else expense.receipt
    if not stored:
        raise Http404
    content_type = "image/jpeg" if thumbnail else expense.receipt_content_type
    if content_type not in SERVED_TYPES:
        raise Http404
    name = f"nota-{expense.pk}{'-kecil' if thumbnail else ''}.{SERVED_TYPES[content_type]}"
    response = FileResponse(stored.open("rb"), content_type=content_type, filename=name)
    response["Content-Disposition"] = f'inline; filename="{name}"'
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, max-age=3600"
    return response


def receipt(request: HttpRequest, pk: int) -> HttpResponse:
    return _serve(request, pk, thumbnail=False)


def receipt_thumbnail(request: HttpRequest, pk: int) -> HttpResponse:
    return _serve(request, pk, thumbnail=True)
