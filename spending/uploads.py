"""Receipts and cover photos: judged by their content, re-encoded, stored under a random name.

A file's name and the browser's Content-Type are chosen by whoever uploads it, so neither is trusted.
Images are decoded by Pillow and written out again as a fresh JPEG: that drops everything that is not
pixels (EXIF with GPS location, comments, a script appended after the image data) and downscales
phone photos to a size that is quick to open on slow links. PDFs are kept as they are, but only when
they start with the PDF header and end with its trailer; they are always served with their own
Content-Type and `nosniff`, never as HTML.
"""

from __future__ import annotations

import io
import uuid
from dataclasses import dataclass

from django import forms
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from PIL import Image, ImageOps, UnidentifiedImageError

MAX_UPLOAD_BYTES = 5 * 1024 * 1024
MAX_IMAGE_SIDE = 1600
THUMBNAIL_SIDE = 320
# Pixels are checked from the file's header before anything is decoded (a single-colour PNG of 56 million
# pixels is a 200-KB file that once took 650 MB to open). A JPEG is decoded at a reduced scale (draft), so a
# 50-megapixel phone photo costs a few MB; PNG and WebP are decoded whole, 4 bytes a pixel, so they are held
# to 16 million pixels (a 300-dpi A4 scan is 8.7 million).
MAX_JPEG_PIXELS = 50_000_000
MAX_IMAGE_PIXELS = 16_000_000
ACCEPTED_IMAGE_FORMATS = {"JPEG", "PNG", "WEBP"}
JPEG_QUALITY = 82


@dataclass(frozen=True)
class ProcessedFile:
    """A checked, re-encoded upload, ready to be saved under its random name."""

    content: ContentFile
    content_type: str
    thumbnail: ContentFile | None


def _random_name(extension: str) -> str:
    return f"{uuid.uuid4().hex}.{extension}"


def _read(upload) -> bytes:
    size = getattr(upload, "size", None)
    if size == 0:
        raise ValidationError(_("File kosong (0 byte). Pilih lagi foto atau PDF notanya."), code="empty")
    if size is not None and size > MAX_UPLOAD_BYTES:
        raise ValidationError(
            _("File terlalu besar (%(size)s MB). Batasnya 5 MB: kecilkan fotonya atau foto ulang.")
            % {"size": f"{size / (1024 * 1024):.1f}".replace(".", ",")},
            code="too_big",
        )
    upload.seek(0)
    data = upload.read(MAX_UPLOAD_BYTES + 1)
    if not data:
        raise ValidationError(_("File kosong (0 byte). Pilih lagi foto atau PDF notanya."), code="empty")
    if len(data) > MAX_UPLOAD_BYTES:
        raise ValidationError(_("File terlalu besar. Batasnya 5 MB: kecilkan fotonya atau foto ulang."), code="too_big")
    return data


def _is_pdf(data: bytes) -> bool:
    return data.startswith(b"%PDF-")


def _check_pdf(data: bytes) -> None:
    # A real PDF ends with the %%EOF marker (possibly followed by a newline); a truncated
    # download or a renamed file does not.
    if b"%%EOF" not in data[-1024:]:
        raise ValidationError(
            _("PDF ini rusak atau tidak lengkap. Simpan ulang PDF-nya lalu unggah lagi."), code="corrupt_pdf"
        )


def _too_many_pixels(width: int, height: int, limit: int) -> ValidationError:
    return ValidationError(
        _(
            "Foto ini terlalu besar: %(width)s × %(height)s piksel, batasnya %(limit)s juta piksel. Kecilkan fotonya "
            "atau foto ulang dengan resolusi biasa, lalu unggah lagi."
        )
        % {"width": _thousands(width), "height": _thousands(height), "limit": limit // 1_000_000},
        code="too_many_pixels",
    )


def _thousands(number: int) -> str:
    return f"{number:,}".replace(",", ".")


def _pixel_limit(image_format: str) -> int:
    return MAX_JPEG_PIXELS if image_format == "JPEG" else MAX_IMAGE_PIXELS


def _open_image(data: bytes, *, allow_pdf: bool) -> Image.Image:
    """The image, opened but not decoded: its size and format are read from the header only."""
    not_recognised = (
        _("File ini bukan foto JPEG, PNG, atau WebP maupun PDF. Isinya diperiksa, bukan namanya: pilih foto notanya.")
        if allow_pdf
        else _("File ini bukan foto JPEG, PNG, atau WebP. Isinya diperiksa, bukan namanya: pilih sebuah foto.")
    )
    corrupt = _("Foto ini rusak atau tidak lengkap, jadi tidak bisa dibuka. Foto ulang notanya lalu unggah lagi.")
    try:
        probe = Image.open(io.BytesIO(data))
    except UnidentifiedImageError:
        raise ValidationError(not_recognised, code="not_an_image") from None
    except Image.DecompressionBombError:
        # Pillow refuses past twice its own MAX_IMAGE_PIXELS, before we can see the size: read it ourselves.
        raise _too_many_pixels(*_header_size(data), MAX_IMAGE_PIXELS) from None
    except (OSError, SyntaxError, ValueError):
        raise ValidationError(corrupt, code="corrupt_image") from None
    if probe.format not in ACCEPTED_IMAGE_FORMATS:
        raise ValidationError(not_recognised, code="not_an_image")
    limit = _pixel_limit(probe.format)
    if probe.width * probe.height > limit:
        raise _too_many_pixels(probe.width, probe.height, limit)
    try:
        probe.verify()  # checks the structure (PNG chunk checksums) without decoding the pixels
        image = Image.open(io.BytesIO(data))
    except (OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        raise ValidationError(corrupt, code="corrupt_image") from None
    return image


def _header_size(data: bytes) -> tuple[int, int]:
    """Width and height from a PNG's IHDR, for Pillow's own bomb error, which does not carry them."""
    if data.startswith(b"\x89PNG\r\n\x1a\n") and data[12:16] == b"IHDR":
        return int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")
    return 0, 0


def _decode(image: Image.Image, side: int) -> Image.Image:
    """The pixels, decoded at no more than `side` on the long edge. A JPEG is decoded straight at a smaller
    scale (draft), so a large photo never exists in memory at full size; a cut-off file fails here."""
    corrupt = _("Foto ini rusak atau tidak lengkap, jadi tidak bisa dibuka. Foto ulang notanya lalu unggah lagi.")
    try:
        image.draft("RGB", (side, side))
        image.load()
        # Phones store portrait photos sideways plus an orientation tag; apply it before the tag is dropped.
        image = ImageOps.exif_transpose(image)
        if image.mode in ("1", "P"):
            # Pillow resizes palette images by nearest neighbour, which makes text on a receipt jagged.
            image = image.convert("RGBA")
        image.thumbnail((side, side), Image.Resampling.LANCZOS)
    except (OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        raise ValidationError(corrupt, code="corrupt_image") from None
    return image


def _to_rgb(image: Image.Image) -> Image.Image:
    if image.mode in ("RGBA", "LA", "P"):
        image = image.convert("RGBA")
        background = Image.new("RGB", image.size, (255, 255, 255))
        background.paste(image, mask=image.getchannel("A"))
        return background
    return image.convert("RGB")


def _jpeg(image: Image.Image, side: int) -> bytes:
    copy = image.copy()
    copy.thumbnail((side, side), Image.Resampling.LANCZOS)
    out = io.BytesIO()
    # No exif= argument: the new file carries no metadata at all.
    copy.save(out, format="JPEG", quality=JPEG_QUALITY, optimize=True, progressive=True)
    return out.getvalue()


def _process_image(data: bytes, *, allow_pdf: bool) -> ProcessedFile:
    # Downscaled before the colour conversion, so the background and the copies are made at 1600 px at most.
    image = _to_rgb(_decode(_open_image(data, allow_pdf=allow_pdf), MAX_IMAGE_SIDE))
    return ProcessedFile(
        content=ContentFile(_jpeg(image, MAX_IMAGE_SIDE), name=_random_name("jpg")),
        content_type="image/jpeg",
        thumbnail=ContentFile(_jpeg(image, THUMBNAIL_SIDE), name=_random_name("jpg")),
    )


def process_receipt(upload) -> ProcessedFile:
    """A receipt: a JPEG, PNG or WebP photo (re-encoded as JPEG) or a PDF, at most 5 MB."""
    data = _read(upload)
    if _is_pdf(data):
        _check_pdf(data)
        return ProcessedFile(
            content=ContentFile(data, name=_random_name("pdf")), content_type="application/pdf", thumbnail=None
        )
    return _process_image(data, allow_pdf=True)


def process_photo(upload) -> ProcessedFile:
    """A project's cover photo: the same image pipeline, no PDFs."""
    return _process_image(_read(upload), allow_pdf=False)


class _CheckedFileField(forms.FileField):
    """A file input whose cleaned value is a ProcessedFile (or None when nothing was chosen)."""

    processor = staticmethod(process_receipt)

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        # Our own check gives the Indonesian message for an empty file.
        kwargs.setdefault("allow_empty_file", True)
        super().__init__(**kwargs)

    def to_python(self, data):
        upload = super().to_python(data)
        if upload is None:
            return None
        return self.processor(upload)

    def bound_data(self, _data, initial):
        # A file cannot be put back into the browser's input; keep nothing rather than a half state.
        return initial

    def has_changed(self, initial, data):
        return data is not None


class ReceiptField(_CheckedFileField):
    processor = staticmethod(process_receipt)

    def __init__(self, **kwargs):
        kwargs.setdefault("label", gettext_lazy("Nota (foto atau PDF, paling besar 5 MB)"))
        kwargs.setdefault(
            "widget", forms.FileInput(attrs={"accept": "image/jpeg,image/png,image/webp,application/pdf"})
        )
        super().__init__(**kwargs)


class PhotoField(_CheckedFileField):
    processor = staticmethod(process_photo)

    def __init__(self, **kwargs):
        kwargs.setdefault("label", gettext_lazy("Foto sampul (JPEG, PNG, atau WebP, paling besar 5 MB)"))
        kwargs.setdefault("widget", forms.FileInput(attrs={"accept": "image/jpeg,image/png,image/webp"}))
        super().__init__(**kwargs)
