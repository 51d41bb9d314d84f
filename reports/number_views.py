"""The register of transaction numbers (nomor bukti) for the Bendahara and the Pokja."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required, permission_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from jimpitan.lib.evening import evening_of
from reports.numbers import number_register, years_with_numbers


@login_required
@permission_required("ledger.view_issuednumber", raise_exception=True)
def number_register_page(request: HttpRequest) -> HttpResponse:
    years = years_with_numbers()
    try:
        year = int(request.GET.get("tahun") or (years[0] if years else evening_of().year))
    except ValueError:
        raise Http404 from None
    lines = number_register(year)
    return render(
        request,
        "reports/number_register.html",
        {"year": year, "years": years, "lines": lines, "void_count": sum(line.is_void for line in lines)},
    )
