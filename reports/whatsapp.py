"""A ready text for the kampung's WhatsApp group: *bold* headings, Rupiah amounts, the public link."""

from __future__ import annotations

from django.utils.translation import gettext as _

from jimpitan.lib.dates import month_label
from jimpitan.lib.money import format_rupiah
from reports.data import MonthReport


def build_text(report: MonthReport, public_url: str) -> str:
    s = report.summary
    name = report.kampung.name if report.kampung else ""
    title = _("Laporan Kas Jimpitan %(month)s") % {"month": month_label(report.month)}
    if report.is_provisional:
        title += " (" + _("sementara") + ")"
    lines = [
        f"*{title}*",
        name,
        "",
        f"*{_('Ringkasan')}*",
        f"{_('Saldo awal')}: {format_rupiah(s.opening)}",
        f"{_('Saldo dari buku lama')}: {format_rupiah(s.brought_over, sign=True)}" if s.brought_over else None,
        f"{_('Jimpitan')}: {format_rupiah(s.jimpitan)}",
        f"{_('Rapel jimpitan')}: {format_rupiah(s.catch_ups)}" if s.catch_ups else None,
        f"{_('Pemasukan lain')}: {format_rupiah(s.other_income)}",
        f"{_('Pengeluaran')}: {format_rupiah(s.expenses)}",
    ]
    if s.adjustments:
        lines.append(f"{_('Koreksi')}: {format_rupiah(s.adjustments, sign=True)}")
    lines.append(f"*{_('Saldo akhir')}: {format_rupiah(s.closing)}*")
    rate = report.participation_rate
    if rate is not None:
        lines += ["", f"{_('Partisipasi warga')}: {rate}%"]
    if report.expenses:
        lines += ["", f"*{_('Pengeluaran')}*"]
        lines += [f"- {e.spent_on:%d/%m} {e.description}: {format_rupiah(e.amount)}" for e in report.expenses]
    lines += ["", _("Rincian lengkap: %(url)s") % {"url": public_url}, _("Terima kasih atas jimpitannya.")]
    return "\n".join(line for line in lines if line is not None)
