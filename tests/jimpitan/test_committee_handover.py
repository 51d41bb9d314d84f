"""Serah terima bendahara: recording it moves the Bendahara's office. The incoming writes, the outgoing only reads
(the role matrix below), a new account gets a password shown once, bad input is refused next to its field with
nothing half-saved, and the database itself refuses a handover to oneself."""

from __future__ import annotations

import datetime as dt
import time

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction
from django.urls import reverse
from django.utils import timezone

from jimpitan.models import SignatureColumn, TreasurerHandover
from jimpitan.roles import BENDAHARA, POKJA, READER, grant_role, user_roles
from jimpitan.services import record_committee_handover, save_signature_columns
from jimpitan.tenancy import kampung_thread
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db

DAY = dt.date(2026, 11, 15)

# Pages that write money or the books, and pages that only read them.
WRITE_PAGES = (
    "spending:expense_create",
    "spending:income_create",
    "nightly:handover_create",
    "books:adjustment_create",
    "households:rt_create",
    "reports:handover_create",
)
READ_PAGES = (
    "spending:expense_list",
    "spending:income_list",
    "books:months",
    "books:accounts",
    "nightly:handover_list",
    "nightly:handover_held",
    "households:list",
    "reports:handover_list",
)


def _roles(user) -> set[str]:
    return user_roles(get_user_model().objects.get(pk=user.pk))


def _hand_over(bendahara, **kwargs):
    defaults = {
        "handed_over_on": DAY,
        "outgoing": bendahara,
        "chair_title": "Ketua Pokja",
        "chair_name": "Pak Harjo",
        "recorded_by": bendahara,
    }
    return record_committee_handover(**{**defaults, **kwargs})


def test_a_new_account_takes_over_and_the_outgoing_only_reads(client, kampung, bendahara):
    save_signature_columns(profile=kampung, rows=[{"role": "Ketua Pokja", "name": "Pak Harjo"}, {"role": "Bendahara"}])
    result = _hand_over(bendahara, new_username="bu_sri", new_full_name="Bu Sri Wahyuni", note="Kunci kotak diserahkan")
    incoming = result.handover.incoming
    assert (incoming.username, incoming.first_name, incoming.is_staff) == ("bu_sri", "Bu Sri Wahyuni", True)
    assert _roles(incoming) == {BENDAHARA} and _roles(bendahara) == {READER}
    assert result.one_time_password and client.login(username="bu_sri", password=result.one_time_password)
    assert not incoming.check_password(PASSWORD)
    # The reports sign with the new Bendahara's name from now on.
    assert SignatureColumn.objects.get(role="Bendahara").name == "Bu Sri Wahyuni"
    record = TreasurerHandover.objects.get()
    assert (record.outgoing, record.recorded_by, record.note) == (bendahara, bendahara, "Kunci kotak diserahkan")
    assert record.history.count() == 1


@pytest.mark.parametrize("page", WRITE_PAGES)
def test_after_the_handover_only_the_incoming_writes(client, bendahara, pokja, page):
    _hand_over(bendahara, incoming=pokja)
    client.force_login(bendahara)
    assert client.get(reverse(page)).status_code == 403
    client.force_login(pokja)
    assert client.get(reverse(page)).status_code == 200


@pytest.mark.parametrize("page", READ_PAGES)
def test_the_outgoing_still_reads_the_books_they_kept(client, bendahara, pokja, page):
    _hand_over(bendahara, incoming=pokja)
    client.force_login(bendahara)
    assert client.get(reverse(page)).status_code == 200


def test_the_outgoing_cannot_post_money_or_approve(client, bendahara, pokja):
    from spending.models import Expense

    _hand_over(bendahara, incoming=pokja)
    client.force_login(bendahara)
    response = client.post(
        reverse("spending:expense_create"), {"spent_on": "2026-11-16", "description": "Lampu", "amount": "5000"}
    )
    assert response.status_code == 403 and not Expense.objects.exists()
    assert not get_user_model().objects.get(pk=bendahara.pk).has_perm("spending.approve_expense")
    # The incoming keeps the roles they had and gains the Bendahara's.
    assert _roles(pokja) == {POKJA, BENDAHARA}


def test_a_superuser_treasurer_hands_the_admin_rights_over_with_the_office(superuser, petugas):
    _hand_over(superuser, incoming=petugas, recorded_by=superuser)
    outgoing, incoming = (get_user_model().objects.get(pk=u.pk) for u in (superuser, petugas))
    assert not outgoing.is_superuser and incoming.is_superuser and incoming.is_staff
    assert user_roles(outgoing) == {READER} and not outgoing.has_perm("ledger.add_expense")


def test_only_the_outgoing_or_a_superuser_records_it(bendahara, pokja, petugas, django_user_model):
    other = django_user_model.objects.create_user(username="bendahara2", password=PASSWORD)
    grant_role(user=other, role=BENDAHARA)
    with pytest.raises(PermissionDenied):
        _hand_over(bendahara, incoming=petugas, recorded_by=other)
    assert not TreasurerHandover.objects.exists() and _roles(bendahara) == {BENDAHARA}


def _post(client, **data):
    form = {
        "handed_over_on": DAY.isoformat(),
        "incoming": "",
        "new_username": "",
        "new_full_name": "",
        "chair_title": "Ketua Pokja",
        "chair_name": "Pak Harjo",
        "note": "",
    }
    return client.post(reverse("reports:handover_create"), {**form, **data})


def _assert_refused(response, field: str, message: str, bendahara) -> None:
    assert response.status_code == 200
    assert message in response.context["form"].errors[field][0], response.context["form"].errors
    assert not TreasurerHandover.objects.exists() and _roles(bendahara) == {BENDAHARA}


def test_bad_input_is_refused_next_to_its_field_and_nothing_is_saved(client, bendahara, pokja):
    client.force_login(bendahara)
    users = get_user_model().objects.count()
    _assert_refused(_post(client, incoming=bendahara.pk), "incoming", "harus orang lain", bendahara)
    tomorrow = (timezone.localdate() + dt.timedelta(days=1)).isoformat()
    response = _post(client, incoming=pokja.pk, handed_over_on=tomorrow)
    _assert_refused(response, "handed_over_on", "belum terjadi", bendahara)
    _assert_refused(_post(client), "incoming", "salah satu", bendahara)
    _assert_refused(_post(client, new_username="POKJA", new_full_name="X"), "new_username", "sudah dipakai", bendahara)
    response = _post(client, new_username="bu sri", handed_over_on=tomorrow)
    _assert_refused(response, "new_username", "tanpa spasi", bendahara)
    # Every mistake shows at once, each next to its field.
    assert "belum terjadi" in response.context["form"].errors["handed_over_on"][0]
    _assert_refused(_post(client, new_username="bu_sri"), "new_full_name", "nama lengkap", bendahara)
    _assert_refused(_post(client, incoming=pokja.pk, chair_name=""), "chair_name", "Ketua", bendahara)
    assert get_user_model().objects.count() == users


def test_a_date_before_the_previous_handover_is_refused(client, bendahara, pokja, petugas):
    _hand_over(bendahara, incoming=pokja)
    client.force_login(pokja)
    earlier = (DAY - dt.timedelta(days=1)).isoformat()
    response = _post(client, incoming=petugas.pk, handed_over_on=earlier)
    assert "tidak boleh lebih awal" in response.context["form"].errors["handed_over_on"][0]
    assert TreasurerHandover.objects.count() == 1 and BENDAHARA in _roles(pokja)
    # The same day is fine: the new Bendahara hands over again.
    assert _post(client, incoming=petugas.pk).status_code == 200
    # Handing over takes every writing role, the Pokja's approval too: the outgoing only reads.
    assert TreasurerHandover.objects.count() == 2 and _roles(pokja) == {READER}


def test_the_page_shows_the_one_time_password_once(client, bendahara):
    client.force_login(bendahara)
    response = _post(client, new_username="bu_sri", new_full_name="Bu Sri")
    assert response.status_code == 200 and "no-store" in response["Cache-Control"]
    password = response.context["result"].one_time_password
    assert password in response.content.decode()
    # The answer's menu already shows the outgoing as read-only: the books' reports, not the month closing.
    assert ">Tutup buku<" not in response.content.decode() and ">Laporan bulanan<" in response.content.decode()
    record = TreasurerHandover.objects.get()
    assert password not in client.get(reverse("reports:handover_detail", args=[record.pk])).content.decode()
    # The outgoing is read-only now: a second submit is refused.
    assert _post(client, new_username="bu_sri2", new_full_name="Bu Sri").status_code == 403


def test_a_superuser_chooses_who_hands_over(client, superuser, bendahara, pokja):
    client.force_login(superuser)
    response = _post(client, outgoing=bendahara.pk, incoming=bendahara.pk)
    assert "harus orang lain" in response.context["form"].errors["incoming"][0]
    response = _post(client, outgoing=pokja.pk, incoming=bendahara.pk)
    assert "form" in response.context and response.context["form"].errors["outgoing"]  # not a Bendahara
    assert _post(client, outgoing=bendahara.pk, incoming=pokja.pk).status_code == 200
    assert TreasurerHandover.objects.get().recorded_by == superuser and _roles(bendahara) == {READER}


def _insert(outgoing_id: int, incoming_id: int, recorded_by_id: int, chair_name: str = "Pak Harjo") -> None:
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {TreasurerHandover._meta.db_table} (handed_over_on, outgoing_id, incoming_id, chair_title, "
            "chair_name, note, recorded_by_id, created_at) VALUES (%s, %s, %s, 'Ketua', %s, '', %s, %s)",
            [DAY, outgoing_id, incoming_id, chair_name, recorded_by_id, "2026-11-15 10:00:00+00:00"],
        )


def test_the_database_refuses_a_handover_to_oneself(bendahara, pokja):
    with pytest.raises(IntegrityError):
        _insert(bendahara.pk, bendahara.pk, bendahara.pk)
    with pytest.raises(IntegrityError):
        _insert(bendahara.pk, pokja.pk, bendahara.pk, chair_name="")
    _insert(bendahara.pk, pokja.pk, bendahara.pk)  # the same row between two people is accepted
    assert TreasurerHandover.objects.count() == 1


def test_the_service_refuses_what_the_form_refuses(bendahara, pokja):
    with pytest.raises(ValidationError) as refused:
        _hand_over(bendahara, incoming=pokja, new_username="juga_baru")
    assert "incoming" in refused.value.error_dict


@pytest.mark.skipif(
    connection.vendor == "sqlite",
    reason="the in-memory shared-cache test database reports table locks instead of waiting; "
    "on a file database BEGIN IMMEDIATE serialises the writers",
)
@pytest.mark.django_db(transaction=True)
def test_two_handovers_of_one_office_at_once_give_it_to_one_person(bendahara, pokja, petugas, monkeypatch, roles):
    from jimpitan import services

    real = services.check_committee_handover

    def slow(**kwargs):
        # Widen the window between the check and the commit so that, without the row lock, both pass.
        real(**kwargs)
        time.sleep(0.3)

    monkeypatch.setattr(services, "check_committee_handover", slow)
    outcomes: list[str] = []

    def hand_over_to(incoming) -> None:
        try:
            _hand_over(bendahara, incoming=incoming)
            outcomes.append("recorded")
        except ValidationError:
            outcomes.append("refused")
        finally:
            connection.close()

    threads = [kampung_thread(hand_over_to, user) for user in (pokja, petugas)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["recorded", "refused"]
    assert TreasurerHandover.objects.count() == 1
    assert _roles(bendahara) == {READER} and TreasurerHandover.objects.get().incoming in (pokja, petugas)
