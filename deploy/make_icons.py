"""Draw the app's PNG icons (favicon, Android/installable 192 and 512, Apple touch icon) from the same shapes as
icon.svg: a white jimpitan cup with a gold coin on the kampung green. Run once after changing the design:

    .venv/bin/python deploy/make_icons.py
"""

from __future__ import annotations

from pathlib import Path

from PIL import Image, ImageDraw

GREEN, WHITE, GOLD = "#198754", "#ffffff", "#ffc107"
HERE = Path(__file__).resolve().parent.parent / "static" / "icons"
SIZES = {"icon-192.png": 192, "icon-512.png": 512, "apple-touch-icon.png": 180, "favicon-32.png": 32}


def draw(size: int, *, rounded: bool = True) -> Image.Image:
    """The 64-unit drawing of icon.svg at `size` pixels, drawn 4× larger and scaled down for smooth edges."""
    big = size * 4
    u = big / 64
    image = Image.new("RGBA", (big, big), (0, 0, 0, 0))
    pen = ImageDraw.Draw(image)
    pen.rounded_rectangle((0, 0, big - 1, big - 1), radius=14 * u if rounded else 0, fill=GREEN)
    pen.polygon([(20 * u, 22 * u), (44 * u, 22 * u), (41 * u, 52 * u), (23 * u, 52 * u)], fill=WHITE)
    pen.rounded_rectangle((17 * u, 16 * u, 47 * u, 23 * u), radius=3.5 * u, fill=WHITE)
    pen.ellipse((25 * u, 30 * u, 39 * u, 44 * u), fill=GOLD, outline=GREEN, width=max(1, round(2 * u)))
    return image.resize((size, size), Image.LANCZOS)


def main() -> None:
    for name, size in SIZES.items():
        # Apple fills the corners itself: its icon is square.
        draw(size, rounded=name != "apple-touch-icon.png").save(HERE / name, optimize=True)
    draw(48).save(HERE / "favicon.ico", sizes=[(16, 16), (32, 32), (48, 48)])


if __name__ == "__main__":
    main()
