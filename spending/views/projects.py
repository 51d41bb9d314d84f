from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from spending import selectors, services
from spending.filters import ProjectFilter
from spending.forms import ProjectForm
from spending.models import Project
from spending.tables import ProjectTable
from spending.views.common import list_page


@login_required
@permission_required("spending.view_project", raise_exception=True)
def project_list(request: HttpRequest) -> HttpResponse:
    filterset = ProjectFilter(request.GET or None, queryset=selectors.projects_with_totals())
    return list_page(
        request,
        filterset=filterset,
        table=ProjectTable(filterset.qs),
        filename="program",
        total_field=None,
        context={
            "title": _("Program"),
            "add_url": "spending:project_create" if request.user.has_perm("spending.add_project") else None,
            "add_label": _("Tambah program"),
        },
    )


@login_required
@permission_required("spending.view_project", raise_exception=True)
def project_detail(request: HttpRequest, pk: int) -> HttpResponse:
    project = get_object_or_404(selectors.projects_with_totals(), pk=pk)
    return render(
        request,
        "spending/project_detail.html",
        {
            "project": project,
            "percent": selectors.progress_of(project).percent,
            "expenses": selectors.project_expenses(project.pk),
            "incomes": selectors.project_incomes(project),
        },
    )


def _edit(request: HttpRequest, project: Project | None) -> HttpResponse:
    form = ProjectForm(request.POST if request.method == "POST" else None, request.FILES or None, instance=project)
    if request.method == "POST" and form.is_valid():
        saved = services.save_project(form.save(commit=False), cover=form.cleaned_data.get("cover_file"))
        messages.success(request, _("Program disimpan."))
        return redirect("spending:project_detail", pk=saved.pk)
    title = _("Ubah program") if project else _("Tambah program")
    return render(request, "spending/project_form.html", {"form": form, "project": project, "title": title})


@login_required
@permission_required("spending.add_project", raise_exception=True)
def project_create(request: HttpRequest) -> HttpResponse:
    return _edit(request, None)


@login_required
@permission_required("spending.change_project", raise_exception=True)
def project_edit(request: HttpRequest, pk: int) -> HttpResponse:
    return _edit(request, get_object_or_404(Project, pk=pk))


def project_cover(request: HttpRequest, pk: int) -> FileResponse:
    """Cover photos show what the fund built; they are re-encoded without metadata, so anyone may see them."""
    project = get_object_or_404(Project, pk=pk)
    if not project.cover_photo:
        raise Http404
    response = FileResponse(project.cover_photo.open("rb"), content_type="image/jpeg", filename=f"program-{pk}.jpg")
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "public, max-age=86400"
    return response
