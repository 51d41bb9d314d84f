"""The receipt (kuitansi) PDF of an income and of a handover, read back as text against the books: its number,
date, who paid, the amount in figures and in words, what it is for and who signs. Only the Bendahara and the
Pokja may print one."""

from __future__ import annotations

import datetime as dt
import re
import subprocess

import pytest
from django.urls import reverse

from jimpitan.models import SignatureColumn
from ledger.models import Account, default_account_id
from nightly.models import Handover
from nightly.services import record_catch_up
from reports.receipts import Receipt, build_pdf
from spending import services as spending
from spending.models import OtherIncome, Project
from tests.ledger.factories import hand_over, save_round
from tests.nightly.factories import make_rt

pytestmark = pytest.mark.django_db
NOV_3 = dt.date(2026, 11, 3)


def _text(pdf: bytes) -> str:
    text = subprocess.run(["pdftotext", "-layout", "-", "-"], input=pdf, capture_output=True, check=True).stdout
    return re.sub(r"\s+", " ", text.decode())


@pytest.fixture
def signers(kampung):
    kampung.sign_place = "Batujaya"
    kampung.save()
    SignatureColumn.objects.create(
        profile=kampung, position=1, heading="Mengetahui,", role="Ketua RW 05", name="H. Darto"
    )
    SignatureColumn.objects.create(profile=kampung, position=2, role="Bendahara", name="Sri Wahyuni")
    return kampung


@pytest.fixture
def donation(signers, bendahara):
    project = Project.objects.create(name="Ambulans desa")
    spending.save_other_income(
        OtherIncome(received_on=dt.date(2026, 11, 2), description="Kas awal", amount=5_000), user=bendahara
    )
    return spending.save_other_income(
        OtherIncome(
            received_on=NOV_3,
            source_name="PT Maju Jaya",
            description="Donasi CSR",
            amount=125_000,
            project=project,
        ),
        user=bendahara,
    )


def test_the_income_receipt_reads_back_as_the_books_say(client_as, donation):
    response = client_as("bendahara").get(reverse("reports:income_receipt", args=[donation.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert 'filename="kuitansi-2026-0002.pdf"' in response["Content-Disposition"]
    text = _text(response.content)
    stored = OtherIncome.objects.get(pk=donation.pk)
    assert stored.reference == "2026-0002"  # the second document of 2026
    for expected in (
        "KUITANSI",
        "No. bukti: 2026-0002",
        "Telah terima dari PT Maju Jaya",
        "Uang sejumlah Seratus dua puluh lima ribu rupiah",
        "Untuk pembayaran Donasi CSR — untuk program Ambulans desa",
        "Rp 125.000",
        "Batujaya, 3 November 2026",
        "Mengetahui,",
        "Ketua RW 05",
        "H. Darto",
        "Sri Wahyuni",
        'Kampung KB Jimpitan "Kompak Berbagi Berkah"',
    ):
        assert expected in text, expected


def test_the_handover_receipt_names_the_petugas_and_the_rounds(client_as, signers, bendahara):
    rt, households = make_rt(number=1, households=5)
    rounds = [save_round(rt, households, day, bendahara, amount=1_000) for day in (dt.date(2026, 11, 1), NOV_3)]
    handover = hand_over(rounds, dt.date(2026, 11, 4), bendahara, counted=9_500, explanation="Uang receh hilang")
    Handover.objects.filter(pk=handover.pk).update(handed_by_name="Pak Slamet")
    text = _text(client_as("pokja").get(reverse("reports:handover_receipt", args=[handover.pk])).content)
    for expected in (
        f"No. bukti: {handover.reference}",
        "Telah terima dari Pak Slamet",
        "Uang sejumlah Sembilan ribu lima ratus rupiah",
        "Setoran jimpitan RT 01, malam 1 November 2026 s.d. 3 November 2026 (2 ronde)",
        "Total ronde Rp 10.000, selisih -Rp 500: Uang receh hilang",
        "Rp 9.500",
        "Batujaya, 4 November 2026",
        "Sri Wahyuni",
    ):
        assert expected in text, expected


def test_any_document_prints_its_receipt_from_the_small_record(signers):
    """The builder takes a Receipt (a catch-up fills one the same way), amounts up to the trillions in words."""
    receipt = Receipt(
        number="2026-0123",
        day=dt.date(2026, 11, 30),
        paid_by="Keluarga Pak Budi",
        amount=1_000_001_000_000,
        purpose="Rapel jimpitan Oktober",
        kind="Rapel",
    )
    text = _text(build_pdf(receipt))
    assert "Satu triliun satu juta rupiah" in text
    assert "Rp 1.000.001.000.000" in text and "Batujaya, 30 November 2026" in text


@pytest.mark.parametrize(("role", "status"), [("bendahara", 200), ("pokja", 200), ("petugas", 403), ("anonymous", 302)])
def test_only_the_bendahara_and_the_pokja_print_receipts(client_as, donation, role, status):
    client = client_as(role)
    assert client.get(reverse("reports:income_receipt", args=[donation.pk])).status_code == status


def test_the_lists_link_each_row_to_its_receipt(client_as, donation, bendahara):
    page = client_as("bendahara").get(reverse("spending:income_list")).content.decode()
    assert reverse("reports:income_receipt", args=[donation.pk]) in page
    assert "2026-0002" in page


def test_the_catch_up_receipt_names_the_household_and_the_evenings(client_as, signers, bendahara):
    _rt, households = make_rt(number=3, households=2)
    house = households[0]
    evenings = [dt.date(2026, 10, 30), dt.date(2026, 10, 31)]
    catch_up = record_catch_up(
        household=house,
        paid_on=NOV_3,
        amount=1_500,
        account=Account.objects.get(pk=default_account_id()),
        evenings=evenings,
        recorded_by=bendahara,
    )
    response = client_as("pokja").get(reverse("reports:catch_up_receipt", args=[catch_up.pk]))
    assert response.status_code == 200
    text = _text(response.content)
    assert catch_up.reference == "2026-0001"
    for expected in (
        "No. bukti: 2026-0001",
        f"Telah terima dari {house.head_name} (RT 03 · {house.address})",
        "Uang sejumlah Seribu lima ratus rupiah",
        "Rapel jimpitan 2 malam (Jumat, 30 Oktober 2026 – Sabtu, 31 Oktober 2026)",
        "Rp 1.500",
        "Batujaya, 3 November 2026",
        "Sri Wahyuni",
    ):
        assert expected in text, expected
    page = client_as("bendahara").get(reverse("nightly:catch_up_list")).content.decode()
    assert reverse("reports:catch_up_receipt", args=[catch_up.pk]) in page and "2026-0001" in page
    assert client_as("petugas").get(reverse("reports:catch_up_receipt", args=[catch_up.pk])).status_code == 403
