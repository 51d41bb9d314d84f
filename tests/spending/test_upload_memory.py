"""A receipt or project photo cannot take the server's memory (issue 13, item 8).

A 247 KB PNG receipt once used about 810 MB: a single-colour picture of some 56 million pixels compresses
about a thousandfold, and decoding it, adding a white background and copying it for the thumbnail each
take the full size again. The size is in the PNG header, so it is checked before any pixel is decoded.
"""

import struct
import zlib

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from spending.uploads import process_photo, process_receipt
from tests.peak_memory import peak_growth
from tests.spending.factories import upload

PEAK_BOUND_MB = 50


def _chunk(kind: bytes, body: bytes) -> bytes:
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))


def png_bomb(width: int, height: int, *, colour_type: int = 6, bit_depth: int = 8) -> bytes:
    """A valid single-colour PNG, compressed row by row so that making it never holds the pixels."""
    channels = {0: 1, 2: 3, 6: 4}[colour_type]
    row = b"\x00" + b"\x00" * ((width * channels * bit_depth + 7) // 8)  # filter byte, then the pixels
    compressor = zlib.compressobj(9)
    parts = [compressor.compress(row) for _ in range(height)]
    data = b"".join(parts) + compressor.flush()
    header = struct.pack(">IIBBBBB", width, height, bit_depth, colour_type, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", header) + _chunk(b"IDAT", data) + _chunk(b"IEND", b"")


@pytest.fixture(scope="module")
def under_pillows_limit() -> bytes:
    """7,500 × 7,500 RGBA: under Pillow's own bomb limit, 225 MB once decoded."""
    return png_bomb(7500, 7500)


@pytest.fixture(scope="module")
def over_pillows_limit() -> bytes:
    """20,000 × 20,000 grey: over twice Pillow's MAX_IMAGE_PIXELS, so Image.open itself raises."""
    return png_bomb(20_000, 20_000, colour_type=0, bit_depth=1)


def test_bombs_are_small_files(under_pillows_limit, over_pillows_limit):
    assert len(under_pillows_limit) < 300_000 and len(over_pillows_limit) < 300_000


@pytest.mark.parametrize("function", ["spending.uploads.process_receipt", "spending.uploads.process_photo"])
def test_png_bomb_is_refused_from_its_header_within_the_memory_bound(under_pillows_limit, function):
    peak = peak_growth(function, under_pillows_limit, as_upload=True)
    print(f"\n7,500 × 7,500 PNG ({len(under_pillows_limit) // 1024} KB) through {function}: {peak}")
    assert peak.outcome.startswith("ValidationError: too_many_pixels")
    assert peak.mb < PEAK_BOUND_MB


def test_pillows_own_bomb_error_becomes_the_same_form_message(over_pillows_limit):
    peak = peak_growth("spending.uploads.process_receipt", over_pillows_limit, as_upload=True)
    print(f"\n20,000 × 20,000 PNG ({len(over_pillows_limit) // 1024} KB): {peak}")
    assert peak.mb < PEAK_BOUND_MB
    for process in (process_receipt, process_photo):
        with pytest.raises(ValidationError) as caught:
            process(upload("nota.png", over_pillows_limit, "image/png"))
        assert caught.value.code == "too_many_pixels"
        assert "20.000 × 20.000 piksel" in caught.value.messages[0]


@pytest.mark.django_db
def test_bomb_receipt_gets_a_message_next_to_the_field(client, bendahara, under_pillows_limit, media):
    client.force_login(bendahara)
    page = client.get(reverse("spending:expense_create"))
    assert page.status_code == 200
    response = client.post(
        reverse("spending:expense_create"), {"receipt_file": upload("nota.png", under_pillows_limit)}
    )
    assert response.status_code == 200
    assert "7.500 × 7.500 piksel" in " ".join(response.context["form"].errors["receipt_file"])
