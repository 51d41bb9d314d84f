"""Receipts are judged by content, re-encoded without EXIF, stored under random names."""

import datetime as dt
import io

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from PIL import Image

from spending import services
from spending.models import Expense
from spending.uploads import MAX_IMAGE_SIDE, process_photo, process_receipt
from tests.spending.factories import income, jpeg_bytes, pdf_bytes, png_bytes, upload

pytestmark = pytest.mark.usefixtures("media")


def test_photo_is_downscaled_and_gps_exif_is_gone():
    original = jpeg_bytes(gps=True)
    assert Image.open(io.BytesIO(original)).getexif().get_ifd(0x8825)  # the test photo does carry GPS
    result = process_receipt(upload("IMG_2031.jpg", original))
    stored = Image.open(io.BytesIO(result.content.read()))
    assert stored.format == "JPEG" and result.content_type == "image/jpeg"
    assert max(stored.size) == MAX_IMAGE_SIDE
    exif = stored.getexif()
    assert not exif.get_ifd(0x8825) and 0x8825 not in exif and 0x010F not in exif
    assert "exif" not in stored.info
    thumbnail = Image.open(io.BytesIO(result.thumbnail.read()))
    assert max(thumbnail.size) <= 320 and not thumbnail.getexif()


def test_png_and_webp_become_jpeg_and_names_are_random():
    webp = io.BytesIO()
    Image.new("RGB", (50, 40), (1, 2, 3)).save(webp, format="WEBP")
    first = process_receipt(upload("nota.png", png_bytes(), "image/png"))
    second = process_receipt(upload("nota.webp", webp.getvalue(), "image/webp"))
    assert first.content.name != second.content.name
    assert "nota" not in first.content.name and first.content.name.endswith(".jpg")
    assert second.content_type == "image/jpeg"


def test_pdf_is_kept_as_pdf():
    result = process_receipt(upload("kuitansi.pdf", pdf_bytes(), "application/pdf"))
    assert result.content_type == "application/pdf" and result.thumbnail is None
    assert result.content.name.endswith(".pdf")


@pytest.mark.parametrize(
    "name,content,code",
    [
        ("nota.jpg", b"<html><script>alert(1)</script></html>", "not_an_image"),
        ("nota.jpg", b"<?php system($_GET['c']); ?>", "not_an_image"),
        ("nota.jpg", b"", "empty"),
        ("nota.jpg", jpeg_bytes(gps=False)[:3000], "corrupt_image"),
        ("nota.pdf", b"%PDF-1.4\n1 0 obj<<>>endobj\n", "corrupt_pdf"),
        ("nota.gif", b"GIF89a\x01\x00\x01\x00\x00\x00\x00;", "not_an_image"),
    ],
    ids=["html-renamed-jpg", "php-renamed-jpg", "empty", "truncated-jpeg", "truncated-pdf", "gif"],
)
def test_bad_files_are_refused_with_a_clear_reason(name, content, code):
    with pytest.raises(ValidationError) as caught:
        process_receipt(upload(name, content))
    assert caught.value.code == code
    assert caught.value.messages[0]  # an Indonesian sentence, shown next to the field


def test_six_megabyte_photo_is_refused():
    big = upload("besar.jpg", b"\xff\xd8\xff" + b"\0" * (6 * 1024 * 1024))
    with pytest.raises(ValidationError) as caught:
        process_receipt(big)
    assert caught.value.code == "too_big"
    assert "6,0 MB" in caught.value.messages[0] and "5 MB" in caught.value.messages[0]


def test_cover_photo_refuses_pdf_and_strips_exif():
    with pytest.raises(ValidationError):
        process_photo(upload("sampul.pdf", pdf_bytes(), "application/pdf"))
    result = process_photo(upload("sampul.jpg", jpeg_bytes(gps=True)))
    assert not Image.open(io.BytesIO(result.content.read())).getexif()


@pytest.mark.parametrize(
    "content,message",
    [
        (b"<html><body>bukan foto</body></html>", "bukan foto JPEG, PNG, atau WebP"),
        (b"", "File kosong"),
        (jpeg_bytes(gps=False)[:2000], "rusak atau tidak lengkap"),
        (b"\xff\xd8\xff" + b"\0" * (6 * 1024 * 1024), "terlalu besar"),
    ],
    ids=["html", "empty", "corrupt", "six-mb"],
)
def test_form_shows_the_error_next_to_the_receipt_and_keeps_the_input(client_as, content, message, media):
    income(dt.date(2026, 5, 1), 1_000_000)
    response = client_as("bendahara").post(
        reverse("spending:expense_create"),
        {
            "spent_on": "2026-05-05",
            "description": "Gas elpiji",
            "payee": "Warung",
            "amount": "150.000",
            "receipt_file": upload("nota.jpg", content),
        },
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert message in page
    assert 'value="Gas elpiji"' in page and 'value="150.000"' in page
    assert not Expense.objects.exists()
    assert not any(media.rglob("*.*"))  # nothing half-saved on disk either


def test_upload_through_the_form_stores_a_clean_jpeg_and_a_thumbnail(client_as, media):
    income(dt.date(2026, 5, 1), 1_000_000)
    response = client_as("bendahara").post(
        reverse("spending:expense_create"),
        {
            "spent_on": "2026-05-05",
            "description": "Gas elpiji",
            "amount": "150000",
            "receipt_file": upload("<script>.jpg", jpeg_bytes(gps=True), "text/html"),
        },
    )
    assert response.status_code == 302
    expense = Expense.objects.get()
    assert expense.amount == 150_000 and expense.receipt_content_type == "image/jpeg"
    assert expense.receipt.name.startswith("receipts/") and "script" not in expense.receipt.name
    assert expense.receipt_thumbnail.name.startswith("receipts/thumbs/")
    with expense.receipt.open("rb") as stored:
        assert not Image.open(stored).getexif()


def test_refused_expense_leaves_no_file_behind(bendahara, media):
    from spending.models import Expense as E

    candidate = E(spent_on=dt.date(2026, 5, 5), description="Tanpa saldo", amount=1_000)
    with pytest.raises(ValidationError):
        services.save_expense(candidate, user=bendahara, receipt=process_receipt(upload("n.jpg", jpeg_bytes())))
    assert not any(p.is_file() for p in media.rglob("*"))


def test_replacing_a_receipt_removes_the_old_files(bendahara, media, django_capture_on_commit_callbacks):
    income(dt.date(2026, 5, 1), 1_000_000)
    candidate = Expense(spent_on=dt.date(2026, 5, 5), description="Gas", amount=1_000)
    with django_capture_on_commit_callbacks(execute=True):
        saved = services.save_expense(candidate, user=bendahara, receipt=process_receipt(upload("a.jpg", jpeg_bytes())))
    old = saved.receipt.path
    with django_capture_on_commit_callbacks(execute=True):
        services.save_expense(saved, user=bendahara, receipt=process_receipt(upload("b.pdf", pdf_bytes())))
    files = [p for p in media.rglob("*") if p.is_file()]
    assert [p.suffix for p in files] == [".pdf"]
    assert str(files[0]) != old
