"""Pindai: the collector points the phone at a household's sticker and the round jumps to that house.

The camera is Chromium's fake capture device, fed a video of the QR that the sticker sheet prints for a real
household. localhost is a secure context, so the camera may open there.
"""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
import segno
from django.conf import settings
from django.urls import reverse
from PIL import Image
from playwright.sync_api import Page, expect

from nightly.models import Contribution
from tests.browser import wait_for_taps_sent, wait_until
from tests.nightly.factories import make_rt
from tests.nightly.test_keliling_browser import _sign_in

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("roles")]

AXE_SOURCE = (settings.BASE_DIR / "node_modules" / "axe-core" / "axe.min.js").read_text()
PHONE = {"width": 360, "height": 740}
# Every stream the page opens, so the test can see that the camera is let go.
RECORD_STREAMS = """
window.__streams = [];
const realGetUserMedia = navigator.mediaDevices.getUserMedia.bind(navigator.mediaDevices);
navigator.mediaDevices.getUserMedia = async (constraints) => {
  const stream = await realGetUserMedia(constraints);
  window.__streams.push(stream);
  return stream;
};
"""
CAMERA_RELEASED = (
    "window.__streams.length > 0 && window.__streams.every((s) => s.getTracks().every((t) => t.readyState === 'ended'))"
)

# Both scanner files in the service worker's cache of their own.
SCANNER_CACHED = """(async () => {
  const names = (await caches.keys()).filter((name) => name.startsWith("keliling-scanner-"));
  return names.length === 1 && (await (await caches.open(names[0])).keys()).length === 2;
})()"""


def write_y4m(path: Path, text: str, width: int = 640, height: int = 480, frames: int = 3) -> None:
    """A few frames of a grey-scale video showing `text` as a QR on white, large and centred (Y4M, 4:2:0)."""
    qr = segno.make(text, error="m")
    png = io.BytesIO()
    scale = (height - 80) // qr.symbol_size(scale=1, border=4)[0]
    qr.save(png, kind="png", scale=scale, border=4)
    code = Image.open(png).convert("L")
    frame = Image.new("L", (width, height), 255)
    frame.paste(code, ((width - code.width) // 2, (height - code.height) // 2))
    chroma = bytes([128]) * ((width // 2) * (height // 2))
    with path.open("wb") as out:
        out.write(f"YUV4MPEG2 W{width} H{height} F25:1 Ip A1:1 C420jpeg\n".encode())
        for _ in range(frames):
            out.write(b"FRAME\n" + frame.tobytes() + chroma + chroma)


@pytest.fixture
def camera_browser(browser_type, browser_type_launch_args, tmp_path):
    """launch(text): a Chromium of its own whose camera shows `text` as a QR, the camera allowed."""
    launched = []

    def launch(text: str):
        video = tmp_path / "sticker.y4m"
        write_y4m(video, text)
        args = [
            *browser_type_launch_args.get("args", []),
            "--use-fake-ui-for-media-stream",
            "--use-fake-device-for-media-stream",
            f"--use-file-for-fake-video-capture={video}",
        ]
        launched.append(browser_type.launch(**{**browser_type_launch_args, "args": args}))
        return launched[-1]

    yield launch
    for browser in launched:
        browser.close()


def _serious_axe_violations(page: Page) -> list[str]:
    page.evaluate(AXE_SOURCE)
    result = page.evaluate("axe.run(document, {resultTypes: ['violations']})")
    return [
        f"{v['id']}: {[n['target'] for n in v['nodes']]} {v['nodes'][0]['failureSummary']}"
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
    ]


def _watch(page: Page, base: str) -> tuple[list[str], list[str]]:
    """Requests to any other origin (a CDN) and Content Security Policy complaints, as the page runs."""
    elsewhere: list[str] = []
    blocked: list[str] = []
    page.on("request", lambda r: None if r.url.startswith((base, "data:", "blob:")) else elsewhere.append(r.url))
    page.on("console", lambda m: blocked.append(m.text) if "Content Security Policy" in m.text else None)
    return elsewhere, blocked


def test_pindai_reads_the_sticker_and_jumps_to_that_house(live_server, camera_browser, petugas, screenshot_dir):
    rt, houses = make_rt(number=6, households=4, usual_amount=500)
    other_rt, _ = make_rt(number=7, households=2)
    target = houses[2]
    # What the sticker sheet prints: the household page's full address, here as printed on the kampung's Wi-Fi.
    sticker = "http://192.168.1.10:8000" + reverse("household_page", args=[target.private_code])
    context = camera_browser(sticker).new_context(viewport=PHONE)
    context.grant_permissions(["camera"], origin=live_server.url)
    page = context.new_page()
    page.add_init_script(RECORD_STREAMS)
    elsewhere, blocked = _watch(page, live_server.url)
    _sign_in(page, live_server.url, "petugas")

    # Another RT's round, opened once with signal: the service worker keeps the scanner for later (this
    # Chromium has no native QR reader, like an iPhone).
    page.goto(f"{live_server.url}/keliling/?rt={other_rt.pk}")
    expect(page.locator("[data-k=progress]")).to_have_text("1 / 2")
    wait_until(page, SCANNER_CACHED)
    # Without signal the sticker is still read, but it is not on this route; the camera keeps looking until closed.
    context.set_offline(True)
    page.reload()
    expect(page.locator("[data-k=progress]")).to_have_text("1 / 2")
    page.get_by_role("button", name="Pindai stiker").click()
    dialog = page.get_by_role("dialog", name="Pindai stiker")
    expect(dialog).to_contain_text("Rumah tidak ditemukan di rute ini", timeout=30000)
    expect(dialog.get_by_role("button", name="Senter")).to_be_hidden()  # this camera has no light
    page.screenshot(path=f"{screenshot_dir}/keliling-pindai-360.png")
    assert _serious_axe_violations(page) == []
    dialog.get_by_role("button", name="Tutup").click()
    expect(dialog).to_be_hidden()
    wait_until(page, CAMERA_RELEASED)
    expect(page.locator("[data-k=address]")).to_have_text("No. 1")

    context.set_offline(False)
    page.goto(f"{live_server.url}/keliling/?rt={rt.pk}")
    expect(page.locator("[data-k=progress]")).to_have_text("1 / 4")
    page.get_by_role("button", name="Pindai stiker").click()
    expect(page.locator("[data-k=progress]")).to_have_text("3 / 4", timeout=30000)
    expect(page.locator("[data-k=address]")).to_have_text("No. 3")
    expect(dialog).to_be_hidden()
    wait_until(page, CAMERA_RELEASED)  # the camera is let go after a good read
    page.screenshot(path=f"{screenshot_dir}/keliling-pindai-found-360.png")
    assert _serious_axe_violations(page) == []

    page.get_by_role("button", name=re.compile(r"^Ada Rp 500")).click()
    wait_for_taps_sent(page, 1)
    stored = Contribution.objects.get()
    assert (stored.household_id, stored.state, stored.amount) == (target.pk, "dibayar", 500)
    assert elsewhere == [], "the scanner fetched something from another site"
    assert blocked == []
    context.close()


def test_on_plain_http_the_button_says_why_and_the_number_still_works(live_server, page: Page, petugas, screenshot_dir):
    rt, _houses = make_rt(number=8, households=3)
    # localhost is always a secure context in Chromium: the page is told it is not, as on http://192.168.x.x.
    page.add_init_script("Object.defineProperty(window, 'isSecureContext', {get: () => false})")
    page.set_viewport_size(PHONE)
    _sign_in(page, live_server.url, "petugas")
    page.goto(f"{live_server.url}/keliling/?rt={rt.pk}")
    button = page.get_by_role("button", name="Pindai stiker")
    expect(button).to_be_disabled()
    expect(page.get_by_text("Kamera hanya bisa dipakai lewat HTTPS; ketik nomor rumah atau kode.")).to_be_visible()
    page.screenshot(path=f"{screenshot_dir}/keliling-pindai-http-360.png", full_page=True)
    page.locator("#k-jump").fill("2")
    page.locator("#k-jump").press("Enter")
    expect(page.locator("[data-k=address]")).to_have_text("No. 2")


def test_a_refused_camera_is_said_and_the_dialog_closes(live_server, page: Page, petugas):
    rt, _houses = make_rt(number=9, households=2)
    # The collector taps "Block" on the browser's camera question.
    page.add_init_script(
        "navigator.mediaDevices.getUserMedia = () => Promise.reject(new DOMException('denied', 'NotAllowedError'));"
    )
    page.set_viewport_size(PHONE)
    _sign_in(page, live_server.url, "petugas")
    page.goto(f"{live_server.url}/keliling/?rt={rt.pk}")
    page.get_by_role("button", name="Pindai stiker").click()
    dialog = page.get_by_role("dialog", name="Pindai stiker")
    expect(dialog).to_contain_text("Izin kamera ditolak")
    dialog.get_by_role("button", name="Tutup").click()
    expect(dialog).to_be_hidden()
    expect(page.locator("[data-k=address]")).to_have_text("No. 1")


# A phone camera with a light: a canvas stream whose track says it has a torch and records what it is asked.
CAMERA_WITH_TORCH = """
window.__torch = [];
navigator.mediaDevices.getUserMedia = async () => {
  const canvas = document.createElement("canvas");
  canvas.width = 320;
  canvas.height = 240;
  canvas.getContext("2d").fillRect(0, 0, 320, 240);
  const stream = canvas.captureStream(5);
  const track = stream.getVideoTracks()[0];
  track.getCapabilities = () => ({ torch: true });
  track.applyConstraints = async (constraints) => { window.__torch.push(constraints.advanced[0].torch); };
  window.__streams = [stream];
  return stream;
};
"""


def test_the_torch_button_shows_for_a_camera_with_a_light_and_switches_it(live_server, page: Page, petugas):
    rt, _houses = make_rt(number=10, households=2)
    page.add_init_script(CAMERA_WITH_TORCH)
    page.set_viewport_size(PHONE)
    _sign_in(page, live_server.url, "petugas")
    page.goto(f"{live_server.url}/keliling/?rt={rt.pk}")
    page.get_by_role("button", name="Pindai stiker").click()
    dialog = page.get_by_role("dialog", name="Pindai stiker")
    torch = dialog.get_by_role("button", name="Senter")
    expect(torch).to_be_visible()
    expect(torch).to_have_attribute("aria-pressed", "false")
    torch.click()
    expect(torch).to_have_attribute("aria-pressed", "true")
    torch.click()
    expect(torch).to_have_attribute("aria-pressed", "false")
    assert page.evaluate("window.__torch") == [True, False]
    dialog.get_by_role("button", name="Tutup").click()
    wait_until(page, CAMERA_RELEASED)
