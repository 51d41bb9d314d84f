"""A closed month is read-only in the admin, for the treasurer and the superuser alike, and the treasurer's own
pages say so instead of failing: no page may reach the database trigger (which would be a 500).

January and February are closed (February holds an adjustment for January); March is open."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.messages import get_messages

from ledger.models import Adjustment
from ledger.services import close_month, record_adjustment
from nightly.models import Contribution, Round
from spending.models import Expense, OtherIncome
from tests.ledger.factories import save_round
from tests.nightly.factories import make_rt, sheet_post
from tests.spending.factories import expense, income

pytestmark = pytest.mark.django_db

JAN = dt.date(2026, 1, 1)
FEB = dt.date(2026, 2, 1)
TODAY = dt.date(2026, 4, 10)
CLOSED_MESSAGE = "sudah ditutup"
MODELS = (Round, Contribution, Expense, OtherIncome, Adjustment)


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def books(bendahara):
    rt, households = make_rt(households=3)
    jan_income = income(dt.date(2026, 1, 2), 100_000)
    jan_round = save_round(rt, households, dt.date(2026, 1, 5), bendahara)
    jan_expense = expense(dt.date(2026, 1, 10), 20_000)
    close_month(JAN, bendahara, today=TODAY)
    adjustment = record_adjustment(dt.date(2026, 2, 20), -500, "Uang palsu di setoran 5 Jan", JAN, bendahara)
    close_month(FEB, bendahara, today=TODAY)
    return {
        "rt": rt,
        "households": households,
        "closed": {
            Round: jan_round,
            Contribution: Contribution.objects.filter(round=jan_round).order_by("pk").first(),
            Expense: jan_expense,
            OtherIncome: jan_income,
            Adjustment: adjustment,
        },
        "open": {
            Expense: expense(dt.date(2026, 3, 3), 1_000, description="Paku"),
            OtherIncome: income(dt.date(2026, 3, 4), 5_000, description="Kas RT"),
        },
    }


@pytest.fixture(params=["bendahara", "superuser"])
def admin_client(request, client, bendahara, superuser):
    client.force_login({"bendahara": bendahara, "superuser": superuser}[request.param])
    return client


def _books_state() -> dict:
    """Every row of every cash-book table, to compare before and after a refused request."""
    return {model.__name__: list(model.objects.order_by("pk").values()) for model in MODELS}


def _url(model, suffix: str = "", pk=None) -> str:
    base = f"/admin/{model._meta.app_label}/{model._meta.model_name}/"
    return f"{base}{pk}/{suffix}" if pk is not None else f"{base}{suffix}"


def _message_texts(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.__name__)
def test_change_page_of_a_closed_month_record_is_read_only(admin_client, books, model):
    obj = books["closed"][model]
    response = admin_client.get(_url(model, "change/", obj.pk))
    assert response.status_code == 200
    page = response.content.decode()
    assert 'name="_save"' not in page and 'name="_continue"' not in page
    assert _url(model, "delete/", obj.pk) not in page
    assert CLOSED_MESSAGE in page  # the page says why it cannot be changed
    assert not response.context["has_change_permission"] and not response.context["has_delete_permission"]


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.__name__)
def test_posting_a_change_to_a_closed_month_record_is_refused(admin_client, books, model):
    obj = books["closed"][model]
    before = _books_state()
    data = {
        "spent_on": "2026-03-05",
        "received_on": "2026-03-05",
        "description": "Diubah",
        "amount": "1.000",
        "source": "donasi",
        "evening": "2026-03-05",
        "entry_date": "2026-03-05",
    }
    response = admin_client.post(_url(model, "change/", obj.pk), data)
    assert response.status_code == 403
    assert _books_state() == before


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.__name__)
def test_delete_view_of_a_closed_month_record_is_forbidden(admin_client, books, model):
    obj = books["closed"][model]
    before = _books_state()
    assert admin_client.get(_url(model, "delete/", obj.pk)).status_code == 403
    assert admin_client.post(_url(model, "delete/", obj.pk), {"post": "yes"}).status_code == 403
    assert _books_state() == before


@pytest.mark.parametrize("model", [Expense, OtherIncome], ids=lambda m: m.__name__)
@pytest.mark.parametrize("confirmed", [False, True], ids=["first-step", "confirmation"])
def test_bulk_delete_with_a_closed_month_record_deletes_nothing(admin_client, books, model, confirmed):
    ids = [books["closed"][model].pk, books["open"][model].pk]
    before = _books_state()
    data = {"action": "delete_selected", "_selected_action": ids}
    if confirmed:
        data["post"] = "yes"
    response = admin_client.post(_url(model), data)
    assert response.status_code == 302  # back to the list, no confirmation page
    assert _books_state() == before
    assert any("Tidak ada yang dihapus" in text and "Januari 2026" in text for text in _message_texts(response))


@pytest.mark.parametrize("model", [Expense, OtherIncome], ids=lambda m: m.__name__)
def test_bulk_delete_of_open_month_records_still_works(admin_client, books, model):
    """The control for the refusal above: the same action on an open month's row deletes it (through the
    service, which keeps the balance rule)."""
    target = books["open"][model]
    confirm = admin_client.post(_url(model), {"action": "delete_selected", "_selected_action": [target.pk]})
    assert confirm.status_code == 200 and str(target) in confirm.content.decode()
    assert model.objects.filter(pk=target.pk).exists()
    done = admin_client.post(_url(model), {"action": "delete_selected", "_selected_action": [target.pk], "post": "yes"})
    assert done.status_code == 302
    assert not model.objects.filter(pk=target.pk).exists()
    assert model.objects.filter(pk=books["closed"][model].pk).exists()


@pytest.mark.parametrize("model", [Round, Contribution, Adjustment], ids=lambda m: m.__name__)
def test_read_only_admins_offer_no_bulk_delete(admin_client, books, model):
    assert 'value="delete_selected"' not in admin_client.get(_url(model)).content.decode()
    before = _books_state()
    response = admin_client.post(
        _url(model), {"action": "delete_selected", "_selected_action": [books["closed"][model].pk], "post": "yes"}
    )
    assert response.status_code in (200, 302)  # the list again (no such action), never a confirmation
    assert _books_state() == before
    assert admin_client.get(_url(model, "add/")).status_code == 403


ADD_FORMS = {
    Expense: ("spent_on", {"description": "Senter", "payee": "Toko", "amount": "1.000"}),
    OtherIncome: ("received_on", {"source": "donasi", "description": "Infak", "amount": "1.000"}),
}


@pytest.mark.parametrize("model", [Expense, OtherIncome], ids=lambda m: m.__name__)
def test_add_form_refuses_a_closed_month_date_next_to_the_field(admin_client, books, model):
    field, data = ADD_FORMS[model]
    before = _books_state()
    response = admin_client.post(_url(model, "add/"), {field: "2026-02-14", **data})
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert list(errors) == [field]
    assert "Februari 2026" in errors[field][0] and CLOSED_MESSAGE in errors[field][0]
    assert _books_state() == before
    # The same form on an open date saves: the refusal is about the month, nothing else.
    assert admin_client.post(_url(model, "add/"), {field: "2026-03-14", **data}).status_code == 302
    assert model.objects.filter(description=data["description"]).count() == 1


@pytest.mark.parametrize("model", [Expense, OtherIncome], ids=lambda m: m.__name__)
def test_moving_an_open_record_into_a_closed_month_is_refused(admin_client, books, model):
    field, data = ADD_FORMS[model]
    target = books["open"][model]
    page = admin_client.get(_url(model, "change/", target.pk)).content.decode()
    assert 'name="_save"' in page  # an open month's record stays editable
    before = _books_state()
    response = admin_client.post(_url(model, "change/", target.pk), {field: "2026-01-20", **data})
    assert response.status_code == 200
    assert CLOSED_MESSAGE in response.context["adminform"].form.errors[field][0]
    assert _books_state() == before


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.__name__)
def test_change_list_marks_and_filters_closed_months(admin_client, books, model):
    closed = books["closed"][model]
    everything = admin_client.get(_url(model))
    assert everything.status_code == 200
    assert "Bulan ditutup" in everything.content.decode()
    only_closed = admin_client.get(_url(model), {"tutup_buku": "ditutup"})
    assert closed.pk in {obj.pk for obj in only_closed.context["cl"].result_list}
    assert all(obj.in_closed_month for obj in only_closed.context["cl"].result_list)
    still_open = admin_client.get(_url(model), {"tutup_buku": "terbuka"})
    assert closed.pk not in {obj.pk for obj in still_open.context["cl"].result_list}
    if model in books["open"]:
        assert books["open"][model].pk in {obj.pk for obj in still_open.context["cl"].result_list}


def test_history_of_a_closed_month_record_is_still_readable(admin_client, books):
    obj = books["closed"][Expense]
    assert admin_client.get(_url(Expense, "history/", obj.pk)).status_code == 200
    version = obj.history.earliest().history_id
    assert admin_client.get(_url(Expense, f"history/{version}/", obj.pk)).status_code == 200


# --- The treasurer's own pages ---------------------------------------------------------------------


def test_expense_pages_of_a_closed_month_explain_and_change_nothing(client_as, books):
    client = client_as("bendahara")
    obj = books["closed"][Expense]
    before = _books_state()
    # The expense has no recorder (as an imported row): the detail page used to fail on that with a 500.
    detail = client.get(f"/kas/pengeluaran/{obj.pk}/").content.decode()
    assert CLOSED_MESSAGE in detail and f"/kas/pengeluaran/{obj.pk}/ubah/" not in detail
    edit = client.get(f"/kas/pengeluaran/{obj.pk}/ubah/")
    assert edit.status_code == 200
    assert CLOSED_MESSAGE in edit.content.decode() and ">Simpan</button>" not in edit.content.decode()
    posted = client.post(
        f"/kas/pengeluaran/{obj.pk}/ubah/", {"spent_on": "2026-01-10", "description": "Diubah", "amount": "5.000"}
    )
    assert posted.status_code == 200 and CLOSED_MESSAGE in posted.content.decode()
    delete = client.get(f"/kas/pengeluaran/{obj.pk}/hapus/")
    assert CLOSED_MESSAGE in delete.content.decode() and "Ya, hapus" not in delete.content.decode()
    assert client.post(f"/kas/pengeluaran/{obj.pk}/hapus/").status_code == 200
    assert _books_state() == before
    # An open month's expense keeps its buttons.
    open_edit = client.get(f"/kas/pengeluaran/{books['open'][Expense].pk}/ubah/").content.decode()
    assert ">Simpan</button>" in open_edit and CLOSED_MESSAGE not in open_edit


def test_income_pages_of_a_closed_month_explain_and_change_nothing(client_as, books):
    client = client_as("bendahara")
    obj = books["closed"][OtherIncome]
    before = _books_state()
    edit = client.get(f"/kas/pemasukan-lain/{obj.pk}/ubah/")
    assert CLOSED_MESSAGE in edit.content.decode() and ">Simpan</button>" not in edit.content.decode()
    posted = client.post(
        f"/kas/pemasukan-lain/{obj.pk}/ubah/",
        {"received_on": "2026-03-02", "source": "donasi", "description": "Dipindah", "amount": "100.000"},
    )
    assert posted.status_code == 200 and CLOSED_MESSAGE in posted.content.decode()
    delete = client.get(f"/kas/pemasukan-lain/{obj.pk}/hapus/")
    assert CLOSED_MESSAGE in delete.content.decode() and "Ya, hapus" not in delete.content.decode()
    assert client.post(f"/kas/pemasukan-lain/{obj.pk}/hapus/").status_code == 200
    assert _books_state() == before


def test_open_record_moved_into_a_closed_month_keeps_the_save_button(client_as, books):
    """The closed-month notice comes from the stored date: a refused move into a closed month shows the
    error next to the date, and the form stays usable to correct it."""
    client = client_as("bendahara")
    target = books["open"][Expense]
    response = client.post(
        f"/kas/pengeluaran/{target.pk}/ubah/", {"spent_on": "2026-01-20", "description": "Paku", "amount": "1.000"}
    )
    assert response.status_code == 200
    assert CLOSED_MESSAGE in response.context["form"].errors["spent_on"][0]
    assert ">Simpan</button>" in response.content.decode()
    assert Expense.objects.get(pk=target.pk).spent_on == dt.date(2026, 3, 3)


def test_nightly_pages_of_a_closed_evening_explain_and_change_nothing(client_as, books):
    client = client_as("bendahara")
    rt, households, rnd = books["rt"], books["households"], books["closed"][Round]
    query = f"?malam=2026-01-05&rt={rt.pk}"
    before = _books_state()
    sheet = client.get(f"/jimpitan/lembar/{query}")
    assert sheet.status_code == 200 and CLOSED_MESSAGE in sheet.content.decode()
    refused = client.post(
        f"/jimpitan/lembar/{query}",
        sheet_post(rnd.evening, rt, households, version=rnd.version, amounts={households[0].pk: 900}),
    )
    assert refused.status_code == 403 and CLOSED_MESSAGE in refused.content.decode()
    total = client.post(f"/jimpitan/total/{query}", {"version": rnd.version, "total": "9.000"})
    assert total.status_code == 403
    assert client.get(f"/jimpitan/{rnd.pk}/riwayat/").status_code == 200
    assert _books_state() == before
