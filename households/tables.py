from __future__ import annotations

import django_tables2 as tables
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from households.models import AwayReason, Household
from jimpitan.lib.tables import MoneyColumn


def _cell_attrs(label, css: str = "") -> dict:
    """Cells carry data-label so that the table becomes cards on a phone (table.stack in app.css)."""
    attrs = {"data-label": label}
    if css:
        attrs["class"] = css
    return {"td": attrs, "th": {"class": css} if css else {}}


class HouseholdTable(tables.Table):
    rt = tables.Column(
        verbose_name=_("RT"),
        order_by=("rt__display_order", "rt__number", "route_position", "id"),
        attrs=_cell_attrs(_("RT")),
    )
    route_position = tables.Column(verbose_name=_("Urutan"), attrs=_cell_attrs(_("Urutan"), "amount"))
    address = tables.Column(verbose_name=_("Nomor rumah/alamat"), attrs=_cell_attrs(_("Nomor rumah/alamat")))
    head_name = tables.Column(verbose_name=_("Kepala keluarga"), linkify=True, attrs=_cell_attrs(_("Kepala keluarga")))
    phone = tables.Column(verbose_name=_("Nomor HP"), attrs=_cell_attrs(_("Nomor HP")), orderable=False)
    status = tables.Column(verbose_name=_("Status"), attrs=_cell_attrs(_("Status")))
    moved_on = tables.DateColumn(
        verbose_name=_("Tanggal pindah"), format="Y-m-d", visible=False, exclude_from_export=False
    )
    usual_amount = MoneyColumn(_("Jumlah biasa"))
    members = tables.Column(verbose_name=_("Anggota"), visible=False)
    joined_on = tables.DateColumn(verbose_name=_("Tanggal bergabung"), format="Y-m-d", visible=False)
    notes = tables.Column(verbose_name=_("Catatan"), visible=False)

    class Meta:
        model = Household
        fields = ["rt", "route_position", "address", "head_name", "phone", "status", "usual_amount"]
        sequence = [
            "rt",
            "route_position",
            "address",
            "head_name",
            "phone",
            "status",
            "usual_amount",
            "moved_on",
            "members",
            "joined_on",
            "notes",
        ]
        order_by = ("rt",)
        attrs = {"class": "table table-sm align-middle stack"}
        empty_text = _("Belum ada rumah. Tambahkan satu per satu atau impor dari berkas.")

    def render_status(self, record) -> str:
        return format_html("{}{}", self._status_text(record), self._away_badge(record))

    @staticmethod
    def _away_badge(record) -> str:
        """The current or next away period from register_queryset's annotations, as a small badge."""
        if not getattr(record, "away_ends", None):
            return ""
        reason = AwayReason(record.away_reason).label
        if record.away_starts <= timezone.localdate():
            text = _("%(reason)s s.d. %(end)s") % {"reason": reason, "end": date_format(record.away_ends, "j M")}
        else:
            text = _("%(reason)s mulai %(start)s") % {"reason": reason, "start": date_format(record.away_starts, "j M")}
        return format_html(' <span class="badge text-bg-info" data-away>{}</span>', text)

    def _status_text(self, record) -> str:
        if record.moved_on:
            return format_html("{} ({})", record.get_status_display(), record.moved_on.strftime("%d/%m/%Y"))
        if record.has_moved:
            return format_html("{} ({})", record.get_status_display(), _("tanggal tidak diketahui"))
        return record.get_status_display()

    def value_status(self, record) -> str:
        return record.get_status_display()

    def value_rt(self, record) -> str:
        return str(record.rt)

    def value_members(self, value):
        return value

    def value_moved_on(self, value) -> str:
        # ISO dates in exports, blank when empty, so that an exported list imports back unchanged.
        return value.isoformat() if value else ""

    def value_joined_on(self, value) -> str:
        return value.isoformat() if value else ""

    def value_route_position(self, value) -> int:
        return value
