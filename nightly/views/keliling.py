"""Keliling: the collector's phone mode. A page shell, the route of one RT's evening as JSON (which the phone
keeps for offline use), the sync endpoint that takes the taps the phone queued, and the installable-app
files (manifest, service worker) served from the kampung's root so the worker's scope can be all its pages.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re

from csp.decorators import csp_update
from django.contrib.auth.decorators import login_required, permission_required
from django.db.models import OuterRef, Subquery
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.templatetags.static import static
from django.urls import get_script_prefix, reverse
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET, require_POST

from households.models import RT, AwayPeriod, AwayReason, Household
from jimpitan.lib.dates import evening_label
from jimpitan.lib.evening import evening_of
from nightly.forms import SheetPickerForm
from nightly.models import Contribution, ContributionState
from nightly.selectors import covered_evenings
from nightly.services import PETUGAS_WINDOW_EVENINGS, sync_phone_taps

RECORDERS = ("nightly.add_round", "nightly.change_round")
# The most taps one sync takes: a phone sends its queue in chunks of this size.
MAX_BATCH = 1000
SW_PATH = "nightly/sw.js"
# The QR scanner for phones without a native BarcodeDetector (barcode-detector's ponyfill on zxing-wasm, from
# npm): loaded only when Pindai is first tapped, never from a CDN.
SCANNER_SCRIPT = "vendor/barcode-detector/ponyfill.js"
SCANNER_WASM = "vendor/zxing-wasm/zxing_reader.wasm"
# iOS loses the camera in a home-screen (standalone) web app: an iPhone or iPad keeps the browser's own frame.
APPLE_MOBILE = re.compile(r"iPhone|iPad|iPod")


def _strings() -> dict[str, str]:
    """The words keliling.js shows, translated here (the script itself has no catalogue)."""
    return {
        "pending": _("%(n)s belum terkirim"),
        "allSent": _("Semua terkirim"),
        "syncing": _("Mengirim…"),
        "offline": _("Tidak ada sinyal: ketukan disimpan di ponsel ini."),
        "savedHere": _("Tersimpan di ponsel ini"),
        "saved": _("Terkirim"),
        "done": _("Semua rumah sudah dicatat. Terima kasih!"),
        "paidAhead": _("Sudah dibayar di muka"),
        "caughtUp": _("Sudah dirapel"),
        "loadFailed": _("Rute belum bisa dibuka. Buka halaman ini sekali saat ada sinyal."),
        "signIn": _("Sesi habis: masuk lagi, ketukan tetap tersimpan di ponsel ini."),
        "notFound": _("Rumah tidak ditemukan."),
        "amountPrompt": _("Jumlah lain (Rp)"),
        "refused": _("Ditolak"),
        "conflict": _("Bentrok"),
        "scanOpening": _("Membuka kamera…"),
        "scanAim": _("Arahkan kamera ke stiker QR di wadah jimpitan."),
        "scanNotOurs": _("Ini bukan stiker jimpitan."),
        "scanNotInRoute": _("Rumah tidak ditemukan di rute ini (stiker lama atau dari RT lain?)."),
        "scanDenied": _("Izin kamera ditolak. Izinkan di pengaturan peramban, atau ketik nomor rumah atau kode."),
        "scanNoCamera": _("Kamera tidak ditemukan. Ketik nomor rumah atau kode."),
        "scanBusy": _("Kamera tidak bisa dibuka (mungkin dipakai aplikasi lain). Ketik nomor rumah atau kode."),
        "scanNoDecoder": _("Pemindai belum termuat. Buka halaman ini sekali saat ada sinyal, atau ketik nomor rumah."),
        "scanInsecure": _("Kamera hanya bisa dipakai lewat HTTPS; ketik nomor rumah atau kode."),
        "scanUnsupported": _("Peramban ini tidak bisa membuka kamera; ketik nomor rumah atau kode."),
    }


@login_required
@permission_required(RECORDERS, raise_exception=True)
@require_GET
# The QR decoder is WebAssembly: this page alone may compile it (no eval of scripts; the rest of the site
# keeps the strict policy).
@csp_update({"script-src": ["'wasm-unsafe-eval'"]})
def keliling(request: HttpRequest) -> HttpResponse:
    """The page shell. The route itself comes from keliling_route, so the same shell works offline."""
    picker = SheetPickerForm({"malam": request.GET.get("malam", ""), "rt": request.GET.get("rt") or ""})
    picker.is_valid()
    today = evening_of()
    evening = picker.cleaned_data.get("malam") or today
    rt = picker.cleaned_data.get("rt")
    context = {
        "evening": evening,
        "today": today,
        "earliest": today - dt.timedelta(days=PETUGAS_WINDOW_EVENINGS - 1),
        "rt": rt,
        "rts": RT.objects.all(),
        # A data- attribute, not a json_script block: the pages carry no inline <script> at all.
        "strings_json": json.dumps(_strings(), ensure_ascii=False),
        "sync_url": reverse("keliling:sync"),
        "sw_scope": get_script_prefix(),
        "scanner_script": static(SCANNER_SCRIPT),
        "scanner_wasm": static(SCANNER_WASM),
    }
    return render(request, "nightly/keliling.html", context)


def _route_households(rt: RT, evening: dt.date) -> list[dict]:
    """The RT's active houses in route order, each with what is stored for the evening (another phone's or
    the sheet's taps show on this phone too), and whether a catch-up already paid the evening ("ahead" for
    paying ahead, "caught_up" for a later payment, "" when not). Three queries, whatever the size of the RT."""
    covered = {hid: cover for (hid, _day), cover in covered_evenings(evenings=[evening]).items()}
    stored = {
        hid: (state, amount)
        for hid, state, amount in Contribution.objects.filter(round__rt=rt, evening=evening)
        .order_by()
        .values_list("household_id", "state", "amount")
    }
    # The away reason in the same query: the phone passes those houses by, marked with the word.
    away = AwayPeriod.objects.on(evening).filter(household_id=OuterRef("pk")).order_by().values("reason")[:1]
    households = Household.objects.filter(rt=rt).active().in_route_order().annotate(away_reason=Subquery(away))
    return [
        {
            "code": h.private_code,
            "address": h.address,
            "number": index,
            "usual": h.usual_amount,
            "state": stored.get(h.pk, ("", None))[0],
            "amount": stored.get(h.pk, ("", None))[1],
            "away": str(AwayReason(h.away_reason).label) if h.away_reason else "",
            "covered": ("ahead" if covered[h.pk].is_ahead(evening) else "caught_up") if h.pk in covered else "",
        }
        for index, h in enumerate(households, start=1)
    ]


@login_required
@permission_required(RECORDERS, raise_exception=True)
@require_GET
@cache_control(private=True, no_cache=True)
def keliling_route(request: HttpRequest, rt_pk: int, evening: str) -> JsonResponse:
    """One RT's route for one evening: private codes, addresses and usual amounts, for the signed-in
    collector's phone only (private, never a shared cache: the codes open each household's own page)."""
    rt = get_object_or_404(RT, pk=rt_pk)
    try:
        day = dt.date.fromisoformat(evening)
    except ValueError as error:
        raise Http404 from error
    return JsonResponse(
        {
            "rt": str(rt),
            "rt_id": rt.pk,
            "evening": day.isoformat(),
            "evening_label": evening_label(day),
            "states": {state.value: str(state.label) for state in ContributionState},
            "households": _route_households(rt, day),
        }
    )


@login_required
@permission_required(RECORDERS, raise_exception=True)
@require_POST
def keliling_sync(request: HttpRequest) -> JsonResponse:
    """Take a batch of queued taps; answer each one. A bad body is a 400 the phone keeps its queue for."""
    try:
        body = json.loads(request.body)
        records = body["records"]
        if not isinstance(records, list) or len(records) > MAX_BATCH:
            raise ValueError("records")
    except (ValueError, KeyError, TypeError):
        return JsonResponse({"error": _("Isi kiriman tidak terbaca.")}, status=400)
    return JsonResponse({"results": sync_phone_taps(user=request.user, records=records)})


@require_GET
@cache_control(no_cache=True)
def manifest(request: HttpRequest) -> HttpResponse:
    """The web app manifest: Keliling installed on the home screen. The icons may not be there yet."""
    data = {
        "name": _("Jimpitan · Keliling"),
        "short_name": _("Keliling"),
        "start_url": reverse("keliling:page"),
        # The kampung's own pages (/k/<slug>/ on a deployment by path), "/" on an install of one kampung.
        "scope": get_script_prefix(),
        "display": "browser" if APPLE_MOBILE.search(request.headers.get("User-Agent", "")) else "standalone",
        "background_color": "#121212",
        "theme_color": "#198754",
        "lang": request.LANGUAGE_CODE,
        "icons": [
            {"src": static("icons/icon-192.png"), "sizes": "192x192", "type": "image/png"},
            {"src": static("icons/icon-512.png"), "sizes": "512x512", "type": "image/png"},
        ],
    }
    response = HttpResponse(json.dumps(data, ensure_ascii=False), content_type="application/manifest+json")
    patch_vary_headers(response, ["User-Agent"])
    return response


def _digest(urls: list[str]) -> str:
    return hashlib.sha256("|".join(urls).encode()).hexdigest()[:12]


def _cache_prefix() -> str:
    """What the worker's caches are named with. The kampungs of a deployment by path share one origin, so one
    cache storage: each kampung's worker keeps to its own names and leaves the others' caches alone."""
    prefix = get_script_prefix()
    return "keliling-" if prefix == "/" else f"keliling{prefix}"


@require_GET
@cache_control(no_cache=True)
def service_worker(request: HttpRequest) -> HttpResponse:
    """The service worker, from the root so its scope may be `/`; the shell files it caches are named with
    their static URLs (hashed in production) so a new deploy replaces the cache."""
    shell = [
        reverse("keliling:page"),
        static("vendor/bootstrap/css/bootstrap.min.css"),
        static("css/app.css"),
        static("nightly/keliling.css"),
        static("nightly/keliling.js"),
    ]
    # The scanner (about 1 MB) has a cache of its own, filled only for phones that need it (keliling.js asks),
    # and kept across deploys until the library itself changes.
    scanner = [static(SCANNER_SCRIPT), static(SCANNER_WASM)]
    context = {
        "shell_json": json.dumps(shell),
        "version": _digest(shell),
        "scanner_json": json.dumps(scanner),
        "scanner_version": _digest(scanner),
        "cache_prefix": _cache_prefix(),
    }
    response = render(request, SW_PATH, context, content_type="application/javascript")
    response["Service-Worker-Allowed"] = get_script_prefix()
    return response
