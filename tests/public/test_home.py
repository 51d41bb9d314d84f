"""The public ledger at `/`: its figures, Open Graph tags, constant queries, caching and invalidation."""

import datetime as dt
import re

import pytest
from django.db import transaction
from django.utils import timezone

from households.models import RT
from jimpitan.lib.money import format_rupiah
from ledger import selectors
from ledger.models import Adjustment
from nightly.models import Round
from public.cache import invalidate_public_figures
from public.views.home import receipt_token
from spending.models import Expense, OtherIncome, Project
from tests.public.factories import seed_kampung

pytestmark = pytest.mark.django_db


def _balance_on_page(client) -> str:
    html = client.get("/").content.decode()
    return re.search(r'data-figure="balance">([^<]+)<', html).group(1)


def test_public_ledger_shows_the_cash_book_without_login(client, bendahara):
    today = timezone.localdate()
    data = seed_kampung(20, 2, today, rts=2, contribution_days=3)
    Expense.objects.create(spent_on=today, project=data["projects"][0], description="Cat tembok pos", amount=75_000)
    response = client.get("/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Kompak Berbagi Berkah" in html and "Kelurahan Batujaya" in html
    assert format_rupiah(selectors.current_balance()) in html
    # The balance comes first, before any table.
    assert html.index('data-figure="balance"') < html.index("<table")
    month = selectors.month_summary(today)
    assert f'data-figure="month-jimpitan">+{format_rupiah(month.jimpitan)}<' in html
    for summary in selectors.last_months(today, 12):
        assert format_rupiah(summary.closing) in html
    assert f"/tahun/{today.year - 1}/" in html  # older years one click away
    assert "Cat tembok pos" in html and "Renovasi pos ronda" in html
    assert f"/program/{data['projects'][0].pk}/" in html
    assert html.count("<svg") >= 2 and "<script" not in html.split("<svg", 1)[1].split("</main>")[0]
    assert 'class="table table-sm align-middle stack' in html


def test_open_graph_tags_and_share_image(client, bendahara):
    rt = RT.objects.create(number=1)
    Round.objects.create(rt=rt, evening=timezone.localdate(), total=3_500_000, is_total_only=True)
    html = client.get("/").content.decode()
    assert '<meta property="og:title" content="Laporan Kas Warga · Kampung KB Jimpitan' in html
    assert re.search(r'<meta property="og:description" content="[^"]*Rp 3\.500\.000', html)
    image_url = re.search(r'<meta property="og:image" content="([^"]+)"', html).group(1)
    assert image_url == "http://testserver/og.png"
    image = client.get("/og.png")
    assert image.status_code == 200 and image["Content-Type"] == "image/png"
    assert image.content.startswith(b"\x89PNG")


def test_year_page_lists_the_months_of_an_older_year(client, bendahara):
    today = timezone.localdate()
    seed_kampung(10, 2, today, rts=1, contribution_days=1)
    year = today.year - 1
    html = client.get(f"/tahun/{year}/").content.decode()
    months = selectors.year_months(year)
    assert format_rupiah(months[-1].closing) in html and format_rupiah(months[0].opening) in html
    assert client.get(f"/tahun/{today.year + 1}/").status_code == 404
    assert client.get("/tahun/1999/").status_code == 404


def test_project_page_and_receipts_only_when_published(client, kampung, bendahara, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path
    from django.core.files.base import ContentFile

    project = Project.objects.create(name="Musala", budget=2_000_000)
    expense = Expense(spent_on=dt.date(2026, 5, 2), project=project, description="Karpet", amount=800_000)
    expense.receipt.save("nota.pdf", ContentFile(b"%PDF-1.4 nota"), save=False)
    expense.receipt_content_type = "application/pdf"
    expense.save()
    html = client.get(f"/program/{project.pk}/").content.decode()
    assert "Karpet" in html and "Rp 800.000" in html and "Rp 2.000.000" in html
    receipt_url = f"/program/{project.pk}/nota/{expense.pk}/{receipt_token(expense)}/"
    assert receipt_url not in html and "nota.pdf" not in html
    assert client.get(receipt_url).status_code == 404
    kampung.publish_receipts = True
    kampung.save()
    invalidate_public_figures()  # what the profile form and the admin do on commit
    html = client.get(f"/program/{project.pk}/").content.decode()
    assert receipt_url in html
    response = client.get(receipt_url)
    assert response.status_code == 200 and b"".join(response.streaming_content).startswith(b"%PDF")
    assert client.get("/program/9999/").status_code == 404


@pytest.mark.parametrize("households", [50, 500])
def test_constant_queries_small_and_large_kampung(client, bendahara, households, django_assert_num_queries):
    seed_kampung(households, 5, timezone.localdate(), rts=5, contribution_days=2)
    client.get("/og.png")  # warms the once-per-process lookups (first-run check)
    invalidate_public_figures()
    # 11 before accounts; + 1: the accounts' opening balances; + 1: where the money is (all accounts at once);
    # + 1: the latest month's seal; + 1: handover differences, a cash source of their own; + 1: catch-ups, another
    with django_assert_num_queries(16):
        assert client.get("/").status_code == 200
    with django_assert_num_queries(0):  # cached whole for an anonymous visitor
        assert client.get("/").status_code == 200


def _write_round():
    rt = RT.objects.first() or RT.objects.create(number=9)
    Round.objects.create(rt=rt, evening=timezone.localdate() - dt.timedelta(days=1), total=1_000, is_total_only=True)


def _write_expense():
    Expense.objects.create(spent_on=timezone.localdate(), description="Lampu", amount=1_000)


def _write_income():
    OtherIncome.objects.create(received_on=timezone.localdate(), description="Donasi", amount=1_000)


def _write_adjustment():
    Adjustment.objects.create(
        entry_date=timezone.localdate(), amount=-1_000, reason="Salah hitung", corrects_month=dt.date(2020, 1, 1)
    )


@pytest.mark.parametrize("write", [_write_round, _write_expense, _write_income, _write_adjustment])
def test_cached_figures_change_after_each_kind_of_write(client, bendahara, write, django_capture_on_commit_callbacks):
    OtherIncome.objects.create(received_on=timezone.localdate(), description="Awal", amount=10_000)
    before = _balance_on_page(client)
    write()
    # Cached: a write that forgot to invalidate would not show.
    assert _balance_on_page(client) == before
    # The services' contract: invalidate on commit.
    with django_capture_on_commit_callbacks(execute=True):
        transaction.on_commit(invalidate_public_figures)
    after = _balance_on_page(client)
    assert after == format_rupiah(selectors.current_balance()) and after != before


def test_profile_form_invalidates_the_public_figures(client, bendahara, kampung, django_capture_on_commit_callbacks):
    from jimpitan.forms import KampungProfileForm

    before = _balance_on_page(client)
    assert before == "Rp 0"
    client.force_login(bendahara)
    initial = KampungProfileForm(instance=kampung).initial.items()
    data = {k: v for k, v in initial if v is not None and k != "letterhead_logo"}  # no logo uploaded
    data.update({"ttd-TOTAL_FORMS": "3", "ttd-INITIAL_FORMS": "0"})  # no signing columns
    data.update(opening_balance="2.500.000", opening_balance_date="2026-01-01")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/pengaturan/", data)
    assert response.status_code == 302, response.content.decode()[:2000]
    client.logout()
    assert _balance_on_page(client) == "Rp 2.500.000"


def test_profile_admin_invalidates_the_public_figures(client, superuser, kampung, django_capture_on_commit_callbacks):
    assert _balance_on_page(client) == "Rp 0"
    client.force_login(superuser)
    url = f"/admin/jimpitan/kampungprofile/{kampung.pk}/change/"
    form = client.get(url).context["adminform"].form
    data = {name: ("" if value is None else value) for name, value in form.initial.items() if name != "letterhead_logo"}
    data.update(opening_balance=700_000, opening_balance_date="2026-01-01", publish_receipts="")
    data = {k: v for k, v in data.items() if v is not False}
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors if response.context else response
    client.logout()
    assert _balance_on_page(client) == "Rp 700.000"


def test_charts_are_inline_svg_without_script_and_with_short_axis_labels():
    import datetime as dt

    from jimpitan.lib.charts import income_vs_spending_svg, participation_svg
    from ledger.selectors import Flow, MonthSummary
    from nightly.selectors import Participation

    months = [
        MonthSummary(dt.date(2026, m, 1), 0, Flow(jimpitan=900_000 + m * 10_000, expenses=150_000))
        for m in range(1, 13)
    ]
    svg = income_vs_spending_svg(months)
    assert svg.startswith("<svg") and "<?xml" not in svg and "<script" not in svg
    assert "viewBox" in svg and "http://" not in svg.replace("http://www.w3.org", "").replace(
        "http://pygal.org", ""
    ).replace("http://github.com/Kozea/pygal", "")
    assert "Rp 400 rb" in svg and ".0 rb" not in svg  # at most three ticks: 0, 400 rb, 800 rb
    nights = participation_svg([Participation(dt.date(2026, 5, d), 100, 70, 0) for d in range(1, 20)])
    assert nights.startswith("<svg") and "<script" not in nights and "100%" in nights
