"""The public ledger (Laporan Kas Warga): no login, no single-household data unless the profile allows.

The figures of `/` are cached under `public.cache.public_cache_key`, so every committed change shows at
once (`public.receivers` bumps the version). For anonymous visitors `/` and the project pages are served
whole from the cache (`shared_page`): a WhatsApp crowd then costs a cache read per visit, not a render.
"""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass

from django.core.cache import cache
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.formats import date_format
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_safe

from households.models import RT
from jimpitan.lib import charts
from jimpitan.lib.evening import evening_of
from jimpitan.lib.money import format_rupiah
from jimpitan.lib.months import month_start, parse_month
from jimpitan.models import KampungProfile, PrivacyLevel
from ledger import selectors
from ledger.models import MonthClosing
from nightly import selectors as nightly_selectors
from nightly.models import Contribution, ContributionState, RosterAssignment, Round
from public.cache import PUBLIC_CACHE_SECONDS, public_cache_key, shared_page
from spending import selectors as spending_selectors
from spending.models import Expense

RECENT_EXPENSES = 8
# Said before a name, never a name themselves: "Pak Slamet" is shown whole, "Slamet Riyadi" as "Slamet".
HONORIFICS = {"pak", "bapak", "bu", "ibu", "mas", "mbak", "mba", "mbah", "kang", "bang", "kak", "dik", "h", "hj"}
PARTICIPATION_EVENINGS = 30
RECEIPT_SALT = "jimpitan.public.receipt"


def _table_columns(months) -> dict[str, bool]:
    """The months table's optional columns: shown only when a month in it has that figure."""
    return {
        "brought_over": any(m.brought_over for m in months),
        "catch_ups": any(m.catch_ups for m in months),
        "adjustments": any(m.adjustments for m in months),
    }


@dataclass(frozen=True)
class MoneyPlace:
    """A row of "where the money is" on `/`: a kind of holding, never an account's name or number."""

    key: str
    label: str
    amount: int
    note: str = ""


def _money_places(where: selectors.WhereTheMoneyIs, *, held: int) -> list[MoneyPlace]:
    """Where the balance is, by kind; the rows add up to the balance. The bank row shows once a bank or
    e-wallet account exists, with the date of its latest matched check; the patrol's row while it holds
    rounds not handed over yet."""
    places = [MoneyPlace("cash", _("Uang tunai"), where.cash)]
    if where.has_bank:
        note = ""
        if where.last_bank_match is not None:
            note = _("Cocok dengan buku bank per %(date)s") % {"date": date_format(where.last_bank_match, "j F Y")}
        places.append(MoneyPlace("bank", _("Bank / dompet digital"), where.bank, note))
    if held:
        places.append(MoneyPlace("patrol", _("Di petugas ronda"), held, _("Jimpitan yang belum disetor ke Bendahara")))
    return places


def _home_figures(today: dt.date, profile: KampungProfile | None = None) -> dict:
    """Everything `/` shows, computed in a fixed number of queries."""
    flows = selectors.monthly_flows()
    months = selectors.last_months(today, 12, flows)
    first = selectors.first_month_with_records(flows)
    # Months before the first record would only be rows of zeros.
    shown = [m for m in months if first is None or m.month >= first] or months[:1]
    rts, evenings = nightly_selectors.evenings_in_month(today)
    nights = nightly_selectors.participation(
        today - dt.timedelta(days=PARTICIPATION_EVENINGS - 1), today + dt.timedelta(days=1)
    )
    balance = selectors.current_balance(flows)
    # The accounts and the patrol's holding add up to the cash book's balance on every date (the hypothesis
    # invariant in tests/ledger): what the accounts do not hold, the patrol does, without another query.
    where = selectors.where_the_money_is(profile)
    figures = {
        "today": today,
        "balance": balance,
        "money_places": _money_places(where, held=balance - where.total),
        "this_month": months[0],
        "months": shown,
        "table_columns": _table_columns(shown),
        "years": selectors.year_summaries(months[-1].month, flows),
        "rts": rts,
        "evenings": evenings,
        "participation": nights,
        "total_only_rounds": sum(p.total_only_rounds for p in nights),
        "expenses": spending_selectors.recent_expenses(RECENT_EXPENSES),
        "projects": spending_selectors.project_progress(),
        "income_chart": charts.income_vs_spending_svg(list(reversed(shown))),
        "participation_chart": charts.participation_svg([p for p in nights if p.listed]),
        "seal": MonthClosing.objects.sealed().first(),
    }
    return figures


def first_name(assignment: RosterAssignment) -> str:
    """The first word of an account's first name or of a plain name: never the username, a last name or a
    phone. A leading honorific stays with the name it belongs to ("Pak Slamet"): alone it says nothing."""
    words = (assignment.user.first_name if assignment.user_id else assignment.name).split()
    if len(words) > 1 and words[0].casefold().rstrip(".") in HONORIFICS:
        return " ".join(words[:2])
    return words[0] if words else ""


@dataclass(frozen=True)
class PatrolTonight:
    rt: RT
    names: tuple[str, ...]
    unnamed: int  # accounts with no first name: counted, never shown by their username


def _patrol_tonight(evening: dt.date, profile: KampungProfile | None) -> list[PatrolTonight]:
    """Tonight's patrol per RT by first name, only where the kampung publishes names; no query otherwise."""
    if profile is None or profile.privacy_level != PrivacyLevel.NAMES:
        return []
    rows = []
    for rt, duty in nightly_selectors.on_duty_by_rt(evening):
        names = tuple(name for name in map(first_name, duty) if name)
        rows.append(PatrolTonight(rt, names, len(duty) - len(names)))
    return rows


def _home_content(today: dt.date, evening: dt.date, profile: KampungProfile | None) -> dict:
    """The balance and the rendered body of `/`, cached: it holds nothing specific to a visitor. The key
    names the evening too: at 06:00 the patrol turns to the next evening while the date stays the same."""
    key = public_cache_key(f"home:{today.isoformat()}:{evening.isoformat()}:{get_language()}")
    cached = cache.get(key)
    if cached is None:
        figures = _home_figures(today, profile)
        patrol = {"patrol_evening": evening, "patrol": _patrol_tonight(evening, profile)}
        content = render_to_string("public/_home_content.html", {**figures, **patrol, "profile": profile})
        cached = {"balance": figures["balance"], "content": content}
        cache.set(key, cached, PUBLIC_CACHE_SECONDS)
    return cached


def _og(request: HttpRequest, profile: KampungProfile | None, balance: int) -> dict:
    name = profile.name if profile else "Jimpitan"
    return {
        "og_title": _("Laporan Kas Warga · %(name)s") % {"name": name},
        "og_description": _("Saldo kas saat ini %(balance)s. Lihat pemasukan jimpitan dan pengeluaran kas kampung.")
        % {"balance": format_rupiah(balance)},
        "og_image": request.build_absolute_uri(reverse("share_image")),
        "og_url": request.build_absolute_uri(request.path),
    }


@require_safe
def ledger_home(request: HttpRequest) -> HttpResponse:
    def render_home(extra: dict) -> HttpResponse:
        profile = KampungProfile.load()
        page = _home_content(timezone.localdate(), evening, profile)
        # Passing the profile as `kampung` spares the context processor its own query.
        context = {**page, "profile": profile, "kampung": profile, **_og(request, profile, page["balance"]), **extra}
        return render(request, "public/home.html", context)

    # The shared copy is keyed on the date; the evening (tonight's patrol) turns at 06:00, so it is named too.
    evening = evening_of()
    return shared_page(request, f"home:{evening.isoformat()}", render_home)


@require_safe
def year_detail(request: HttpRequest, year: int) -> HttpResponse:
    flows = selectors.monthly_flows()
    first = selectors.first_month_with_records(flows)
    today = timezone.localdate()
    if first is None or not first.year <= year <= today.year:
        raise Http404
    months = [m for m in selectors.year_months(year, flows) if first <= m.month <= month_start(today)]
    if not months:
        raise Http404
    context = {
        "year": year,
        "months": list(reversed(months)),
        "table_columns": _table_columns(months),
        "total": selectors.sum_flows(m.flow for m in months),
        "opening": months[0].opening,
        "closing": months[-1].closing,
        "previous_year": year - 1 if year > first.year else None,
        "next_year": year + 1 if year < today.year else None,
        "income_chart": charts.income_vs_spending_svg(months),
    }
    return render(request, "public/year.html", context)


@require_safe
def evening_detail(request: HttpRequest, evening: str) -> HttpResponse:
    """One evening: totals per RT; house numbers or names only if the privacy level allows."""
    try:
        day = dt.date.fromisoformat(evening)
    except ValueError:
        raise Http404 from None
    rounds = list(Round.objects.filter(evening=day).select_related("rt").order_by("rt__display_order", "rt__number"))
    if not rounds:
        raise Http404
    profile = KampungProfile.load()
    level = profile.privacy_level if profile else PrivacyLevel.RT_TOTALS
    houses: dict[int, dict[str, list[str]]] = {}
    if level != PrivacyLevel.RT_TOTALS:
        rows = (
            Contribution.objects.filter(evening=day, round__is_total_only=False)
            .select_related("household")
            .order_by("household__route_position", "household_id")
        )
        for c in rows:
            label = c.household.head_name if level == PrivacyLevel.NAMES else c.household.address
            group = "empty" if c.state == ContributionState.EMPTY else "paid"
            houses.setdefault(c.round_id, {"paid": [], "empty": []})[group].append(label)
    context = {
        "evening": day,
        "rounds": [(r, houses.get(r.id)) for r in rounds],
        "total": sum(r.total for r in rounds),
        "level": level,
        "show_names": level == PrivacyLevel.NAMES,
    }
    return render(request, "public/evening.html", context)


@require_safe
def project_detail(request: HttpRequest, pk: int) -> HttpResponse:
    def render_project(extra: dict) -> HttpResponse:
        progress = spending_selectors.project_progress(pk)
        if not progress:
            raise Http404
        profile = KampungProfile.load()
        context = {
            "progress": progress[0],
            "project": progress[0].project,
            "expenses": _with_receipt_urls(spending_selectors.project_expenses(pk), pk),
            "publish_receipts": bool(profile and profile.publish_receipts),
            # Spares the context processor a second profile query for the header.
            "kampung": profile,
            **extra,
        }
        return render(request, "public/project.html", context)

    # Its spending, earmarked income and the receipts switch all change through services that invalidate.
    return shared_page(request, f"project:{pk}", render_project)


def receipt_token(expense: Expense) -> str:
    """The unguessable part of a published receipt's address: only a page that shows the expense links it,
    and counting ids finds nothing. Tied to the receipt file, so a replaced receipt gets a new address."""
    return salted_hmac(RECEIPT_SALT, f"{expense.pk}:{expense.receipt.name}").hexdigest()[:32]


def _with_receipt_urls(expenses, project_id: int) -> list[Expense]:
    expenses = list(expenses)
    for expense in expenses:
        if expense.receipt:
            expense.public_receipt_url = reverse(
                "public_receipt", args=[project_id, expense.pk, receipt_token(expense)]
            )
    return expenses


@require_safe
def public_receipt(request: HttpRequest, pk: int, expense_id: int, token: str) -> FileResponse:
    """A receipt of an expense shown on a project's public page, only when the kampung publishes receipts."""
    profile = KampungProfile.load()
    if not (profile and profile.publish_receipts):
        raise Http404
    expense = get_object_or_404(Expense, pk=expense_id, project_id=pk)
    if not expense.receipt or not constant_time_compare(token, receipt_token(expense)):
        raise Http404
    response = FileResponse(expense.receipt.open("rb"), content_type=expense.receipt_content_type or None)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Disposition"] = "inline"
    return response


@require_safe
def share_image(request: HttpRequest) -> HttpResponse:
    """The Open Graph preview (1200×630 PNG): kampung name and current balance, for WhatsApp."""
    key = public_cache_key(f"og.png:{timezone.localdate().isoformat()}:{get_language()}")
    data = cache.get(key)
    if data is None:
        profile = KampungProfile.load()
        data = _draw_share_image(profile.name if profile else "Jimpitan", selectors.current_balance())
        cache.set(key, data, PUBLIC_CACHE_SECONDS)
    response = HttpResponse(data, content_type="image/png")
    response["Cache-Control"] = f"public, max-age={PUBLIC_CACHE_SECONDS}"
    return response


def _draw_share_image(name: str, balance: int) -> bytes:
    from PIL import Image, ImageDraw, ImageFont

    width, height = 1200, 630
    image = Image.new("RGB", (width, height), "#198754")
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, height - 24, width, height), fill="#0f5132")

    def fitted(text: str, size: int, max_width: int):
        while size > 20:
            font = ImageFont.load_default(size=size)
            if draw.textlength(text, font=font) <= max_width:
                return font
            size -= 4
        return ImageFont.load_default(size=size)

    title = name if len(name) <= 60 else name[:57] + "…"
    draw.text((60, 70), _("Laporan Kas Warga"), font=ImageFont.load_default(size=44), fill="#d1e7dd")
    draw.text((60, 140), title, font=fitted(title, 56, width - 120), fill="white")
    draw.text((60, 300), _("Saldo kas saat ini"), font=ImageFont.load_default(size=44), fill="#d1e7dd")
    amount = format_rupiah(balance)
    draw.text((60, 360), amount, font=fitted(amount, 150, width - 120), fill="white")
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()


@require_safe
@cache_control(public=True, max_age=300)
def seal_text(request: HttpRequest, month: str) -> HttpResponse:
    """A closed month's sealed text, byte for byte: `sha256sum` over it gives the month's seal."""
    first = parse_month(month)
    closing = MonthClosing.objects.sealed().filter(month=first).first() if first else None
    if closing is None:
        raise Http404
    return HttpResponse(closing.sealed_text, content_type="text/plain; charset=utf-8")
