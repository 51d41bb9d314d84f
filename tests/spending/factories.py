"""Small builders for the spending tests: images with GPS EXIF, income to spend, expenses."""

from __future__ import annotations

import datetime as dt
import io

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from spending.models import Expense, OtherIncome, Project


def jpeg_bytes(size=(2400, 1800), *, gps: bool = True, color=(200, 180, 120)) -> bytes:
    image = Image.new("RGB", size, color)
    out = io.BytesIO()
    if gps:
        exif = Image.Exif()
        exif[0x010F] = "KameraHP"  # Make
        gps_ifd = {1: "S", 2: (6.0, 10.0, 30.5), 3: "E", 4: (106.0, 37.0, 12.2)}
        exif[0x8825] = gps_ifd
        image.save(out, format="JPEG", exif=exif.tobytes())
    else:
        image.save(out, format="JPEG")
    return out.getvalue()


def png_bytes(size=(300, 200)) -> bytes:
    out = io.BytesIO()
    Image.new("RGBA", size, (10, 120, 60, 128)).save(out, format="PNG")
    return out.getvalue()


def pdf_bytes() -> bytes:
    return (
        b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\n"
        b"trailer<</Root 1 0 R>>\n%%EOF\n"
    )


def upload(name: str, content: bytes, content_type: str = "image/jpeg") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type=content_type)


def income(day: dt.date, amount: int, **extra) -> OtherIncome:
    extra.setdefault("description", "Donasi")
    return OtherIncome.objects.create(received_on=day, amount=amount, **extra)


def expense(day: dt.date, amount: int, **extra) -> Expense:
    extra.setdefault("description", "Belanja")
    return Expense.objects.create(spent_on=day, amount=amount, **extra)


def stunting_kitchen(**extra) -> Project:
    values = {"name": "Dapur stunting", "budget": 12_000_000, "status": "berjalan"}
    values.update(extra)
    return Project.objects.create(**values)
