"""Import the household list: upload → (choose columns, when the guess is not sure) → preview → import.

A file whose columns all map cleanly goes straight from the upload to the preview, as before the mapping
step existed. The file is kept on the server between the steps (upload_store); the column choices live in
the session beside it, and every step reads and validates the file again.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from households import selectors, services, upload_store
from households.forms import ColumnMappingForm, ImportForm
from households.import_columns import TEMPLATE_HEADERS
from households.importing import (
    ImportFileError,
    ImportPlan,
    UploadedTable,
    build_plan,
    check_mapping_fixable,
    guess_mapping,
    mapping_problems,
    read_upload,
)
from jimpitan.lib.exports import export_response
from jimpitan.models import KampungProfile

IMPORT_PERMISSIONS = ("households.add_household", "households.change_household", "households.add_rt")
TEMPLATE = "households/import.html"


def _plan(table: UploadedTable, mapping: list[str]) -> ImportPlan:
    profile = KampungProfile.load()
    return build_plan(
        table,
        mapping,
        default_amount=profile.usual_amount if profile else 500,
        amount_cap=profile.amount_cap if profile else 10_000,
    )


def _page(request: HttpRequest, form: ImportForm | None = None, **context) -> HttpResponse:
    return render(request, TEMPLATE, {"form": form or ImportForm(), "headers": TEMPLATE_HEADERS, **context})


def _mapping_page(request, mapping_form: ColumnMappingForm, filename: str, missing):
    return _page(
        request,
        mapping_form=mapping_form,
        filename=filename,
        missing_fields=missing,
        token=upload_store.kept_token(request),
        mapping_step=True,
    )


def _preview(request, table: UploadedTable, mapping: list[str], filename: str) -> HttpResponse:
    """Validate every row as mapped. A clean plan keeps the file for the commit; errors let it go."""
    plan = _plan(table, mapping)
    context = {"plan": plan, "filename": filename}
    if plan.ok:
        upload_store.set_mapping(request, mapping)
        context["token"] = upload_store.kept_token(request)
    else:
        upload_store.discard(request)
    return _page(request, **context)


@login_required
@permission_required(IMPORT_PERMISSIONS, raise_exception=True)
def import_upload(request: HttpRequest) -> HttpResponse:
    """Upload → read → guess the columns → the mapping step, or straight to the preview. Nothing is written."""
    form = ImportForm(request.POST if request.method == "POST" else None, request.FILES or None)
    if request.method != "POST" or not form.is_valid():
        return _page(request, form)
    upload = form.cleaned_data["file"]
    data = upload.read()
    try:
        table = read_upload(data)
        mapping = guess_mapping(table, selectors.remembered_import_columns())
        check_mapping_fixable(table, mapping)
    except ImportFileError as error:
        upload_store.discard(request)
        form.add_error("file", str(error))
        return _page(request, form)
    upload_store.keep(request, data, upload.name)
    problems, missing = mapping_problems(table, mapping)
    if problems or missing:
        mapping_form = ColumnMappingForm(columns=table.columns, initial_mapping=mapping, problems=problems)
        return _mapping_page(request, mapping_form, upload.name, missing)
    return _preview(request, table, mapping, upload.name)


@login_required
@permission_required(IMPORT_PERMISSIONS, raise_exception=True)
def import_mapping(request: HttpRequest) -> HttpResponse:
    """The column choices: shown again from the preview (GET), or submitted (POST) to reach the preview."""
    token = request.POST.get("token", "") if request.method == "POST" else upload_store.kept_token(request)
    kept = upload_store.load(request, token)
    if kept is None:
        messages.error(request, _("Berkas yang diunggah sudah kedaluwarsa. Unggah berkasnya lagi."))
        return redirect("households:import")
    data, filename = kept
    try:
        table = read_upload(data)
    except ImportFileError as error:  # the same bytes read before; only a change in the limits gets here
        upload_store.discard(request)
        form = ImportForm()
        form.add_error("file", str(error))
        return _page(request, form)
    current = upload_store.kept_mapping(request) or guess_mapping(table, selectors.remembered_import_columns())
    if request.method != "POST":
        mapping_form = ColumnMappingForm(columns=table.columns, initial_mapping=current)
        return _mapping_page(request, mapping_form, filename, [])
    mapping_form = ColumnMappingForm(request.POST, columns=table.columns, initial_mapping=current)
    mapping_form.is_valid()
    mapping = mapping_form.mapping()
    problems, missing = mapping_problems(table, mapping)
    if problems or missing or mapping_form.errors:
        mapping_form.problems = problems
        return _mapping_page(request, mapping_form, filename, missing)
    return _preview(request, table, mapping, filename)


@login_required
@permission_required(IMPORT_PERMISSIONS, raise_exception=True)
@require_POST
def import_commit(request: HttpRequest) -> HttpResponse:
    """Read the kept file again and, inside one transaction, validate it again and write it all or nothing."""
    kept = upload_store.load(request, request.POST.get("token", ""))
    mapping = upload_store.kept_mapping(request)
    if kept is None or mapping is None:
        messages.error(request, _("Pratinjau impor sudah kedaluwarsa. Unggah berkasnya lagi."))
        return redirect("households:import")
    data, filename = kept
    form = ImportForm()
    try:
        with transaction.atomic():
            table = read_upload(data)
            if len(mapping) != len(table.columns) or any(mapping_problems(table, mapping)):
                raise ImportFileError(_("Pilihan kolom tidak cocok dengan berkas. Unggah berkasnya lagi."))
            plan = _plan(table, mapping)
            result = services.apply_import(plan, user=request.user) if plan.ok else None
    except ImportFileError as error:
        form.add_error("file", str(error))
        upload_store.discard(request)
        return _page(request, form)
    upload_store.discard(request)
    if result is None:
        # The register changed since the preview and the file no longer fits: show why, write nothing.
        return _page(request, form, plan=plan, filename=filename)
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
