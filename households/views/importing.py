from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from households import services, upload_store
from households.forms import ImportForm
from households.importing import TEMPLATE_HEADERS, ImportFileError, ImportPlan, build_plan
from jimpitan.lib.exports import export_response
from jimpitan.models import KampungProfile

IMPORT_PERMISSIONS = ("households.add_household", "households.change_household", "households.add_rt")


def _plan(data: bytes) -> ImportPlan:
    profile = KampungProfile.load()
    return build_plan(
        data,
        default_amount=profile.usual_amount if profile else 500,
        amount_cap=profile.amount_cap if profile else 10_000,
    )


@login_required
@permission_required(IMPORT_PERMISSIONS, raise_exception=True)
def import_upload(request: HttpRequest) -> HttpResponse:
    """Upload → validate every row → preview. Nothing is written here."""
    form = ImportForm(request.POST if request.method == "POST" else None, request.FILES or None)
    context = {"form": form, "headers": TEMPLATE_HEADERS}
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        data = upload.read()
        try:
            plan = _plan(data)
        except ImportFileError as error:
            form.add_error("file", str(error))
        else:
            context.update(plan=plan, filename=upload.name)
            if plan.ok:
                context["token"] = upload_store.keep(request, data, upload.name)
            else:
                upload_store.discard(request)
    return render(request, "households/import.html", context)


@login_required
@permission_required(IMPORT_PERMISSIONS, raise_exception=True)
@require_POST
def import_commit(request: HttpRequest) -> HttpResponse:
    """Read the kept file again and, inside one transaction, validate it again and write it all or nothing."""
    kept = upload_store.load(request, request.POST.get("token", ""))
    if kept is None:
        messages.error(request, _("Pratinjau impor sudah kedaluwarsa. Unggah berkasnya lagi."))
        return redirect("households:import")
    data, filename = kept
    form = ImportForm()
    try:
        with transaction.atomic():
            plan = _plan(data)
            result = services.apply_import(plan, user=request.user) if plan.ok else None
    except ImportFileError as error:
        form.add_error("file", str(error))
        upload_store.discard(request)
        return render(request, "households/import.html", {"form": form, "headers": TEMPLATE_HEADERS})
    if result is None:
        # The register changed since the preview and the file no longer fits: show why, write nothing.
        upload_store.discard(request)
        context = {"form": form, "headers": TEMPLATE_HEADERS, "plan": plan, "filename": filename}
        return render(request, "households/import.html", context)
    upload_store.discard(request)
    messages.success(
        request,
        _("Impor selesai: %(created)d rumah baru, %(updated)d diubah, %(unchanged)d tetap.") % result,
    )
    return redirect("households:list")


@login_required
@permission_required(IMPORT_PERMISSIONS, raise_exception=True)
def import_template(request: HttpRequest, fmt: str) -> HttpResponse:
    if fmt not in ("csv", "xlsx"):
        raise Http404
    # Headers only: a sample row could be imported by mistake as a real household.
    return export_response(fmt, "templat-daftar-rumah", TEMPLATE_HEADERS, [], title="Daftar Rumah")
