"""Media in S3-compatible storage (JIMPITAN_S3_BUCKET): receipts, covers and the letterhead logo go to the bucket
and come back through the views that check the role first, never through a path on this server's disk.
moto's in-process S3 stands for the bucket."""

import datetime as dt

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse

from jimpitan.documents import logo_data_uri
from spending import services
from spending.models import Expense, Project
from spending.uploads import process_receipt
from tests.s3 import bucket_files
from tests.spending.factories import income, jpeg_bytes, png_bytes, upload

pytestmark = pytest.mark.usefixtures("media")


def test_a_receipt_uploaded_goes_to_the_bucket_and_is_served_from_it_by_role(bucket, client_as, media):
    income(dt.date(2026, 5, 1), 1_000_000)
    response = client_as("bendahara").post(
        reverse("spending:expense_create"),
        {
            "spent_on": "2026-05-05",
            "description": "Gas elpiji",
            "amount": "150000",
            "receipt_file": upload("nota.jpg", jpeg_bytes()),
        },
    )
    assert response.status_code == 302
    expense = Expense.objects.get()
    stored = bucket_files(bucket)
    assert set(stored) == {expense.receipt.name, expense.receipt_thumbnail.name}
    assert not any(p.is_file() for p in media.rglob("*"))  # nothing on this server's disk

    full = client_as("pokja").get(reverse("spending:receipt", args=[expense.pk]))
    assert full.status_code == 200 and full["Content-Type"] == "image/jpeg"
    assert b"".join(full.streaming_content) == stored[expense.receipt.name]
    thumb = client_as("bendahara").get(reverse("spending:receipt_thumbnail", args=[expense.pk]))
    assert b"".join(thumb.streaming_content) == stored[expense.receipt_thumbnail.name]
    assert client_as("petugas").get(reverse("spending:receipt", args=[expense.pk])).status_code == 403
    assert client_as("anonymous").get(reverse("spending:receipt", args=[expense.pk])).status_code == 302


def test_deleting_an_expense_removes_its_receipt_from_the_bucket(bucket, bendahara, django_capture_on_commit_callbacks):
    income(dt.date(2026, 5, 1), 1_000_000)
    with django_capture_on_commit_callbacks(execute=True):
        expense = services.save_expense(
            Expense(spent_on=dt.date(2026, 5, 5), description="Gas", amount=1_000),
            user=bendahara,
            receipt=process_receipt(upload("a.jpg", jpeg_bytes())),
        )
    assert len(bucket_files(bucket)) == 2
    with django_capture_on_commit_callbacks(execute=True):
        services.delete_expense(expense)
    assert bucket_files(bucket) == {}


def test_cover_photo_and_letterhead_logo_come_from_the_bucket(bucket, client, kampung, bendahara):
    project = Project.objects.create(name="Musala", budget=1_000)
    project.cover_photo.save("musala.jpg", ContentFile(jpeg_bytes()), save=True)
    kampung.letterhead_logo.save("logo.png", ContentFile(png_bytes()), save=True)
    stored = bucket_files(bucket)
    assert set(stored) == {project.cover_photo.name, kampung.letterhead_logo.name}

    cover = client.get(reverse("spending:project_cover", args=[project.pk]))
    assert cover.status_code == 200 and b"".join(cover.streaming_content) == stored[project.cover_photo.name]
    assert logo_data_uri(kampung).startswith("data:image/png;base64,")
    assert len(logo_data_uri(kampung)) > len(stored[kampung.letterhead_logo.name])
