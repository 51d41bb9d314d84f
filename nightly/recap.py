"""The nightly recap for the RT's WhatsApp group: the evening by weekday and pasaran, Ada/Kosong/Titip counts,
the total, the counted cash and its difference, and the petugas. Empty houses are listed by address only where
the kampung's privacy level allows it (the group is wider than the committee); by default, counts only."""

from __future__ import annotations

import datetime as dt

from django.utils.formats import date_format
from django.utils.translation import gettext as _

from jimpitan.lib.money import format_rupiah
from jimpitan.lib.pasaran import pasaran_of
from jimpitan.models import PrivacyLevel
from nightly.selectors import RoundRecap


def addresses_allowed(privacy_level: str | None) -> bool:
    return privacy_level in (PrivacyLevel.HOUSE_NUMBERS, PrivacyLevel.NAMES)


def evening_title(evening: dt.date) -> str:
    """'Minggu Kliwon, 29 November 2026'."""
    return f"{date_format(evening, 'l')} {pasaran_of(evening)}, {date_format(evening, 'j F Y')}"


def _round_lines(recap: RoundRecap) -> list[str]:
    rnd = recap.round
    lines = [f"*{rnd.rt}*"]
    if rnd.is_total_only:
        lines.append(_("Dicatat totalnya saja."))
    else:
        lines.append(
            _("Ada %(paid)d · Kosong %(empty)d · Titip %(left)d")
            % {"paid": recap.paid, "empty": recap.empty, "left": recap.left}
        )
    lines.append(f"{_('Total')}: {format_rupiah(rnd.total)}")
    if rnd.counted_cash is not None:
        lines.append(
            f"{_('Uang dihitung')}: {format_rupiah(rnd.counted_cash)} "
            f"({_('selisih')} {format_rupiah(rnd.cash_difference, sign=True)})"
        )
    if recap.empty_addresses:
        lines.append(f"{_('Kosong')}: {', '.join(recap.empty_addresses)}")
    if recap.petugas:
        lines.append(f"{_('Petugas ronda')}: {', '.join(recap.petugas)}")
    return lines


def recap_text(evening: dt.date, recaps: list[RoundRecap], kampung_name: str = "") -> str:
    lines = [f"*{_('Jimpitan malam')} {evening_title(evening)}*"]
    if kampung_name:
        lines.append(kampung_name)
    for recap in recaps:
        lines += [""] + _round_lines(recap)
    if len(recaps) > 1:
        lines += ["", f"*{_('Total semua RT')}: {format_rupiah(sum(r.round.total for r in recaps))}*"]
    if not recaps:
        lines += ["", _("Belum ada jimpitan malam yang dicatat.")]
    lines += ["", _("Terima kasih atas jimpitannya.")]
    return "\n".join(lines)
