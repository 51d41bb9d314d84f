from __future__ import annotations

import re

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required, permission_required
from django.contrib.auth.views import PasswordChangeView
from django.contrib.messages.views import SuccessMessageMixin
from django.core.exceptions import ValidationError
from django.db import DatabaseError, connection, transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.urls import reverse_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import cache_control, never_cache
from django.views.decorators.http import require_safe

from jimpitan.forms import (
    KampungProfileForm,
    OwnPasswordChangeForm,
    SetupCodeForm,
    SetupKampungForm,
    SetupTreasurerForm,
    signature_formset,
)
from jimpitan.lib import setup_code
from jimpitan.middleware import setup_done
from jimpitan.models import Kampung, KampungProfile
from jimpitan.roles import BENDAHARA, grant_role
from jimpitan.services import save_profile, save_signature_columns
from jimpitan.tenancy import FIRST_KAMPUNG_ID, active_kampung_id, reset_sequence

# A name that already begins with the word "Kampung" (any case) is not given a second one.
_KAMPUNG_WORD = re.compile(r"\s*kampung\b", re.IGNORECASE)


def welcome_message(name: str) -> str:
    if _KAMPUNG_WORD.match(name):
        return _("Selamat datang! %(name)s siap dipakai.") % {"name": name}
    return _("Selamat datang! Kampung %(name)s siap dipakai.") % {"name": name}


def _kampung_awaiting_setup() -> Kampung | None:
    """The active kampung when the operator added it and it awaits setup; None for the install's first kampung
    (its own setup code). 404 once set up."""
    if setup_done():
        raise Http404
    kampung_id = active_kampung_id()
    if kampung_id == FIRST_KAMPUNG_ID:
        setup_code.current_code()  # made (and logged) on the first visit when the server was not started by make run
        return None
    return Kampung.objects.get(pk=kampung_id)


def setup(request: HttpRequest) -> HttpResponse:
    """First run: prove you can see the server (the setup code), name the kampung and create the first treasurer.

    Gone (404) once a user exists. A kampung the operator added is set up the same way with its own code, and
    its treasurer administers only it (not a superuser).
    """
    kampung = _kampung_awaiting_setup()
    data = request.POST if request.method == "POST" else None
    code_form = SetupCodeForm(data, prefix="setup", initial={"code": request.GET.get("kode", "")}, kampung=kampung)
    kampung_form = SetupKampungForm(data, prefix="kampung", initial={"name": kampung.name} if kampung else None)
    user_form = SetupTreasurerForm(data, prefix="user")
    forms_valid = [form.is_valid() for form in (code_form, kampung_form, user_form)]
    if request.method == "POST" and all(forms_valid):
        with transaction.atomic():
            profile = kampung_form.save(commit=False)
            if kampung is None:
                profile.pk = KampungProfile.SINGLETON_ID
                profile.kampung = Kampung.ensure_first(name=profile.name)
            else:
                kampung.name, kampung.setup_nonce = profile.name, ""
                kampung.save(update_fields=["name", "setup_nonce"])
                profile.kampung = kampung
                # The first profile was written with its own id: PostgreSQL's sequence would hand that id out.
                reset_sequence(KampungProfile, connection)
            profile.save()
            save_signature_columns(
                profile=profile,
                rows=[
                    {"role": str(_("Ketua Pokja"))},
                    {"role": str(_("Bendahara")), "name": user_form.cleaned_data["first_name"]},
                ],
            )
            user = user_form.save(commit=False)
            user.is_staff = True
            user.is_superuser = kampung is None
            user.save()
            grant_role(user=user, role=BENDAHARA, kampung_id=profile.kampung_id)
        if kampung is None:
            setup_code.forget()
        login(request, user, backend="jimpitan.backends.KampungRoleBackend")
        messages.success(request, welcome_message(profile.name))
        return redirect("home")
    context = {"code_form": code_form, "kampung_form": kampung_form, "user_form": user_form}
    return render(request, "setup.html", context)


class OwnPasswordChangeView(SuccessMessageMixin, PasswordChangeView):
    """Every signed-in user changes their own password; the session stays signed in (Django updates its hash)."""

    template_name = "password_change.html"
    form_class = OwnPasswordChangeForm
    success_url = reverse_lazy("home")
    success_message = gettext_lazy("Kata sandi diganti. Pakai kata sandi baru saat masuk lagi.")


def ping(request: HttpRequest) -> HttpResponse:
    """A tiny response through the full middleware stack: the floor that `make bench` holds pages against."""
    return HttpResponse("ok", content_type="text/plain")


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """The signed-in home: the shortcuts each role uses most."""
    return render(request, "home.html")


@login_required
@permission_required("jimpitan.change_kampungprofile", raise_exception=True)
def profile_edit(request: HttpRequest) -> HttpResponse:
    profile = KampungProfile.load()
    data = request.POST if request.method == "POST" else None
    form = KampungProfileForm(data, request.FILES or None, instance=profile)
    signatures = signature_formset(data, profile)
    if request.method == "POST" and all([form.is_valid(), signatures.is_valid()]):
        try:
            with transaction.atomic():
                save_profile(form.save(commit=False), publishes_overview=form.cleaned_data["publishes_overview"])
                save_signature_columns(profile=profile, rows=[row for row in signatures.cleaned_data if row])
        except ValidationError as error:
            form.add_error("opening_balance_date", error)
        else:
            messages.success(request, _("Profil kampung disimpan."))
            return redirect("profile")
    return render(request, "profile.html", {"form": form, "signatures": signatures})


@never_cache
@require_safe
def healthz(request: HttpRequest) -> HttpResponse:
    """For the service monitor: 200 while the database answers, 503 when it does not.

    Exempt from the first-run redirect and the HTTPS redirect, so a plain local probe works.
    """
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        return HttpResponse("database unavailable\n", status=503, content_type="text/plain; charset=utf-8")
    return HttpResponse("ok\n", content_type="text/plain; charset=utf-8")


# What search engines may read: the public ledger (the balance, years, evenings, projects) and nothing private.
# A household's own page (/h/<code>/) is reached through its sticker only and must never be indexed.
ROBOTS_TXT = """User-agent: *
Allow: /$
Allow: /tahun/
Allow: /malam/
Allow: /program/
Disallow: /program/*/nota/
Disallow: /h/
Disallow: /stiker/
Disallow: /rumah/
Disallow: /kas/
Disallow: /buku/
Disallow: /jimpitan/
Disallow: /admin/
Disallow: /setup/
Disallow: /masuk/
Disallow: /keluar/
Disallow: /sandi/
Disallow: /beranda/
Disallow: /pengaturan/
Disallow: /i18n/
Disallow: /healthz
Disallow: /ping
"""


@require_safe
@cache_control(max_age=86400, public=True)
def robots_txt(request: HttpRequest) -> HttpResponse:
    text = ROBOTS_TXT
    if settings.JIMPITAN_KAMPUNG_ROUTING == "path":
        # Each kampung's pages lie under /k/<slug>/: the same rules, for every kampung.
        text = re.sub(r"^(Allow|Disallow): /", r"\1: /k/*/", text, flags=re.MULTILINE)
    return HttpResponse(text, content_type="text/plain; charset=utf-8")


@require_safe
@cache_control(max_age=86400, public=True)
def favicon(request: HttpRequest) -> HttpResponse:
    """Browsers and crawlers ask for /favicon.ico whatever the page links to: send them to the static icon."""
    return redirect(static("icons/favicon.ico"))
