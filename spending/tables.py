"""List tables. Cells carry data-label so the `stack` tables become cards on phones; money cells
show 'Rp 3.500.000' on screen and stay integers in CSV/XLSX (jimpitan.lib.tables.MoneyColumn)."""

from __future__ import annotations

import django_tables2 as tables
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from jimpitan.lib.people import display_name
from jimpitan.lib.tables import MoneyColumn
from spending.models import Expense, OtherIncome, Project

TABLE_ATTRS = {"class": "table table-sm align-middle stack"}


def _attrs(label, *, date: bool = False) -> dict:
    td = {"data-label": label}
    if date:
        td["class"] = "date-cell"
    return {"td": td}


class ProjectAndAmountCells:
    """Cells shared by the expense and income tables: the project links to its page; in CSV/XLSX the
    project is its name."""

    def render_project(self, record, value):
        return format_html('<a href="{}">{}</a>', reverse("spending:project_detail", args=[record.project_id]), value)

    def value_project(self, value):
        return str(value) if value else ""


class NumberColumn(tables.Column):
    """The transaction number (nomor bukti) '2026-0042', sorted by year then number."""

    def __init__(self, **kwargs):
        label = _("No. bukti")
        super().__init__(
            verbose_name=label, accessor="reference", order_by=("number_year", "number"), attrs=_attrs(label), **kwargs
        )


class ExpenseTable(ProjectAndAmountCells, tables.Table):
    number = NumberColumn()
    # The id tie-breaker keeps same-day rows in a stable order across pages (PostgreSQL has no implicit one).
    spent_on = tables.DateColumn(
        verbose_name=_("Tanggal"), format="j M Y", attrs=_attrs(_("Tanggal"), date=True), order_by=("spent_on", "id")
    )
    description = tables.Column(verbose_name=_("Keterangan"), attrs=_attrs(_("Keterangan")), linkify=False)
    project = tables.Column(verbose_name=_("Program"), attrs=_attrs(_("Program")), default="—")
    payee = tables.Column(verbose_name=_("Dibayar kepada"), attrs=_attrs(_("Dibayar kepada")), default="—")
    amount = MoneyColumn(_("Jumlah"))
    approved_by = tables.Column(verbose_name=_("Disetujui"), attrs=_attrs(_("Disetujui")), default="—")
    receipt = tables.Column(
        verbose_name=_("Nota"), attrs=_attrs(_("Nota")), orderable=False, exclude_from_export=True, empty_values=()
    )

    class Meta:
        model = Expense
        fields = ["number", "spent_on", "description", "project", "payee", "amount", "approved_by", "receipt"]
        attrs = TABLE_ATTRS
        template_name = "django_tables2/bootstrap5.html"
        order_by = ("-spent_on",)

    def render_description(self, record, value):
        return format_html('<a href="{}">{}</a>', reverse("spending:expense_detail", args=[record.pk]), value)

    def value_description(self, value):
        return value

    def value_spent_on(self, value):
        return value

    def render_approved_by(self, value):
        return display_name(value)

    def value_approved_by(self, value):
        return display_name(value)

    def render_receipt(self, record):
        if not record.receipt:
            return format_html('<span class="text-body-secondary">{}</span>', _("Belum ada"))
        url = reverse("spending:receipt", args=[record.pk])
        if record.receipt_thumbnail:
            thumb = reverse("spending:receipt_thumbnail", args=[record.pk])
            return format_html(
                '<a href="{}"><img src="{}" alt="{}" width="48" height="48" loading="lazy" class="receipt-thumb"></a>',
                url,
                thumb,
                _("Nota"),
            )
        return format_html('<a href="{}">{}</a>', url, _("PDF"))


class OtherIncomeTable(ProjectAndAmountCells, tables.Table):
    number = NumberColumn()
    received_on = tables.DateColumn(
        verbose_name=_("Tanggal"), format="j M Y", attrs=_attrs(_("Tanggal"), date=True), order_by=("received_on", "id")
    )
    description = tables.Column(verbose_name=_("Keterangan"), attrs=_attrs(_("Keterangan")))
    source = tables.Column(verbose_name=_("Sumber"), attrs=_attrs(_("Sumber")))
    source_name = tables.Column(verbose_name=_("Dari"), attrs=_attrs(_("Dari")), default="—")
    project = tables.Column(verbose_name=_("Untuk program"), attrs=_attrs(_("Untuk program")), default="—")
    amount = MoneyColumn(_("Jumlah"))
    receipt = tables.Column(
        verbose_name=_("Kuitansi"),
        accessor="pk",
        attrs=_attrs(_("Kuitansi")),
        orderable=False,
        exclude_from_export=True,
    )

    class Meta:
        model = OtherIncome
        fields = ["number", "received_on", "description", "source", "source_name", "project", "amount", "receipt"]
        attrs = TABLE_ATTRS
        template_name = "django_tables2/bootstrap5.html"
        order_by = ("-received_on",)

    def render_description(self, record, value):
        if not getattr(self, "can_change", False):
            return value
        return format_html('<a href="{}">{}</a>', reverse("spending:income_edit", args=[record.pk]), value)

    def value_description(self, value):
        return value

    def value_received_on(self, value):
        return value

    def render_receipt(self, record):
        return format_html(
            '<a href="{}">{}</a>', reverse("reports:income_receipt", args=[record.pk]), _("Kuitansi (PDF)")
        )


class ProjectTable(tables.Table):
    name = tables.Column(verbose_name=_("Program"), attrs=_attrs(_("Program")))
    status = tables.Column(verbose_name=_("Status"), attrs=_attrs(_("Status")))
    budget = MoneyColumn(_("Target anggaran"), default="—")
    spent = MoneyColumn(_("Terpakai"))
    earmarked = MoneyColumn(_("Pemasukan untuk program"))

    class Meta:
        model = Project
        fields = ["name", "status", "budget", "spent", "earmarked"]
        attrs = TABLE_ATTRS
        template_name = "django_tables2/bootstrap5.html"

    def render_name(self, record, value):
        return format_html('<a href="{}">{}</a>', reverse("spending:project_detail", args=[record.pk]), value)

    def value_name(self, value):
        return value
