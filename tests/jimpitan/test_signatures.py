"""The signing columns and the letterhead the kampung sets once, printed on its documents."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, connection, transaction
from django.urls import reverse
from PIL import Image
from pypdf import PdfReader

from jimpitan.models import KampungProfile, SignatureColumn
from reports import data
from reports.pdf import build_pdf
from tests.jimpitan.test_profile import _form

pytestmark = pytest.mark.django_db


def _image(fmt: str = "PNG", size=(120, 60)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, (0, 90, 60)).save(out, format=fmt)
    return out.getvalue()


def _columns() -> list[tuple[int, str, str, str]]:
    return list(SignatureColumn.objects.values_list("position", "heading", "role", "name"))


def test_three_columns_are_saved_left_to_right(client, bendahara):
    client.force_login(bendahara)
    assert client.post(reverse("profile"), _form()).status_code == 302
    assert _columns() == [
        (1, "Mengetahui,", "Ketua RW 05", "Pak RW"),
        (2, "", "Ketua Pokja", "Pak Ketua"),
        (3, "", "Bendahara", "Bu Bendahara"),
    ]
    page = client.get(reverse("profile")).content.decode()
    assert 'value="Ketua RW 05"' in page and 'value="Mengetahui,"' in page


def test_an_emptied_row_removes_its_column_and_the_rest_close_up(client, bendahara):
    client.force_login(bendahara)
    client.post(reverse("profile"), _form())
    client.post(reverse("profile"), _form(**{"ttd-0-heading": "", "ttd-0-role": "", "ttd-0-name": ""}))
    assert _columns() == [(1, "", "Ketua Pokja", "Pak Ketua"), (2, "", "Bendahara", "Bu Bendahara")]


def test_a_name_without_its_role_is_refused_next_to_the_role_and_nothing_saved(client, bendahara):
    client.force_login(bendahara)
    client.post(reverse("profile"), _form())
    response = client.post(reverse("profile"), _form(**{"ttd-2-role": "", "usual_amount": "700"}))
    assert response.status_code == 200
    assert "Isi jabatan" in str(response.context["signatures"].forms[2].errors["role"])
    assert KampungProfile.load().usual_amount == 1000 and len(_columns()) == 3


@pytest.mark.parametrize(
    "sql",
    [
        "INSERT INTO jimpitan_signaturecolumn (profile_id, position, heading, role, name) VALUES (1, 4, '', 'X', '')",
        "INSERT INTO jimpitan_signaturecolumn (profile_id, position, heading, role, name) VALUES (1, 0, '', 'X', '')",
        "INSERT INTO jimpitan_signaturecolumn (profile_id, position, heading, role, name) VALUES (1, 2, '', '', '')",
        "INSERT INTO jimpitan_signaturecolumn (profile_id, position, heading, role, name) VALUES (1, 1, '', 'Y', '')",
    ],
)
def test_the_database_refuses_a_fourth_column_an_empty_role_and_two_in_one_place(kampung, sql):
    SignatureColumn.objects.create(profile=kampung, position=1, role="Ketua Pokja")
    with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql)


def test_a_png_logo_is_kept_and_printed_on_the_monthly_report(client, bendahara, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    client.force_login(bendahara)
    logo = SimpleUploadedFile("logo.png", _image(), content_type="image/png")
    assert client.post(reverse("profile"), {**_form(), "letterhead_logo": logo}).status_code == 302
    profile = KampungProfile.load()
    assert profile.letterhead_logo.name.startswith("letterhead/")
    pdf = PdfReader(io.BytesIO(build_pdf(data.build(dt.date(2026, 1, 1)))))
    assert sum(len(page.images) for page in pdf.pages) == 1
    text = pdf.pages[-1].extract_text()
    for words in ("Mengetahui,", "Ketua RW 05", "Pak RW", "Ketua Pokja", "Pak Ketua", "Bu Bendahara", "Batujaya, "):
        assert words in text


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (lambda: SimpleUploadedFile("logo.gif", _image("GIF"), content_type="image/gif"), "PNG atau JPEG"),
        (lambda: SimpleUploadedFile("logo.png", b"not a picture", content_type="image/png"), "gambar"),
        (lambda: SimpleUploadedFile("logo.png", _image(size=(3200, 10)), content_type="image/png"), "3000"),
        (lambda: SimpleUploadedFile("logo.png", _image() + b"\0" * (1024 * 1024), content_type="image/png"), "1 MB"),
    ],
)
def test_a_logo_that_is_not_a_small_png_or_jpeg_is_refused_next_to_the_field(
    client, bendahara, settings, tmp_path, upload, message
):
    settings.MEDIA_ROOT = tmp_path
    client.force_login(bendahara)
    response = client.post(reverse("profile"), {**_form(), "letterhead_logo": upload()})
    assert response.status_code == 200
    assert message in str(response.context["form"].errors["letterhead_logo"])
    assert not KampungProfile.load().letterhead_logo and not list(tmp_path.iterdir())
