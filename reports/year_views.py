"""The yearly report (LPJ) download: `?tahun=YYYY` (this year when absent) or a term `?dari=YYYY-MM-DD&sampai=
YYYY-MM-DD`. A bad year or date answers 400 with a sentence saying what to write."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required, permission_required
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from jimpitan.lib.evening import evening_of
from reports import yearly, yearly_formats


def term_from(query) -> yearly.Term:
    """The term a request's query string asks for; TermError with the reason when it cannot be read."""
    start, last = query.get("dari"), query.get("sampai")
    if start or last:
        if not (start and last):
            raise yearly.TermError(_("Isi tanggal awal (dari) dan tanggal akhir (sampai) periode."))
        return yearly.parse_term(start, last)
    year = query.get("tahun")
    return yearly.parse_year(year) if year else yearly.year_term(evening_of(timezone.now()).year)


@login_required
@permission_required("ledger.export_report", raise_exception=True)
def year_download(request: HttpRequest, fmt: str) -> HttpResponse:
    if fmt not in yearly_formats.FORMATS:
        raise Http404
    try:
        term = term_from(request.GET)
    except yearly.TermError as error:
        return HttpResponseBadRequest(str(error), content_type="text/plain; charset=utf-8")
    report = yearly.build(term)
    response = HttpResponse(yearly_formats.render(report, fmt), content_type=yearly_formats.CONTENT_TYPES[fmt])
    response["Content-Disposition"] = f'attachment; filename="{yearly_formats.filename(report, fmt)}"'
    return response
