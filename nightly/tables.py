from __future__ import annotations

import django_tables2 as tables
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from jimpitan.lib.dates import long_date
from jimpitan.lib.money import format_rupiah
from jimpitan.lib.tables import MoneyColumn
from nightly.links import sheet_url
from nightly.models import Round


def participation_text(rnd: Round) -> str:
    """'42 / 50 (84%)'; a total-only round has no per-household record, so '—'."""
    if rnd.is_total_only or not rnd.households_listed:
        return "—"
    percent = round(100 * rnd.households_paid / rnd.households_listed)
    return f"{rnd.households_paid} / {rnd.households_listed} ({percent}%)"


def _label(text):
    """Each cell carries its column name, so the table stacks into cards on a phone."""
    return {"td": {"data-label": text}}


class RoundTable(tables.Table):
    evening = tables.Column(verbose_name=_("Malam"), attrs=_label(_("Malam")), order_by=("evening",))
    rt = tables.Column(verbose_name=_("RT"), attrs=_label(_("RT")), order_by=("rt__number",))
    total = MoneyColumn(_("Total"))
    participation = tables.Column(
        verbose_name=_("Partisipasi"),
        empty_values=(),
        orderable=False,
        attrs={"td": {"class": "amount", "data-label": _("Partisipasi")}, "th": {"class": "amount"}},
    )
    counted_cash = MoneyColumn(_("Uang dihitung"))
    difference = MoneyColumn(_("Selisih"), empty_values=(), orderable=False)
    collectors = tables.Column(verbose_name=_("Petugas ronda"), attrs=_label(_("Petugas ronda")))
    # accessor="pk": the default, record.history, builds a simple-history manager class on every row.
    history = tables.Column(
        verbose_name=_("Riwayat"),
        empty_values=(),
        orderable=False,
        exclude_from_export=True,
        attrs=_label(_("Riwayat")),
        accessor="pk",
    )

    class Meta:
        model = Round
        fields = ("evening", "rt", "total", "participation", "counted_cash", "difference", "collectors")
        sequence = ("evening", "rt", "total", "participation", "counted_cash", "difference", "collectors", "history")
        attrs = {"class": "table table-sm align-middle stack"}
        order_by = ("-evening",)
        empty_text = _("Belum ada jimpitan malam yang dicatat.")

    def order_evening(self, queryset, is_descending):
        # Within one evening the RTs stay in their own order, whichever way the dates run.
        return queryset.order_by(("-" if is_descending else "") + "evening", "rt__display_order", "rt__number"), True

    def render_evening(self, record):
        return format_html('<a href="{}">{}</a>', sheet_url(record.evening, record.rt), long_date(record.evening))

    def value_evening(self, record):
        return record.evening.isoformat()

    def render_participation(self, record):
        return participation_text(record)

    def value_participation(self, record):
        return participation_text(record)

    def render_difference(self, record):
        difference = record.cash_difference
        if difference is None:
            return "—"
        return format_rupiah(difference, sign=True)

    def value_difference(self, record):
        return record.cash_difference

    def render_history(self, record):
        return format_html('<a href="{}">{}</a>', reverse("nightly:round_history", args=[record.pk]), _("Riwayat"))
