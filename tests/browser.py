"""Waiting in browser tests without Playwright's wait_for_function.

wait_for_function polls by evaluating its predicate as a string, which the app's CSP (no 'unsafe-eval') refuses
whenever the first check comes too early. These helpers evaluate a normal script instead, which the CSP allows.
"""

import time

from playwright.sync_api import Page

_CONTROLLED = """async () => {
  await navigator.serviceWorker.ready;
  if (navigator.serviceWorker.controller) return;
  await new Promise((resolve) => navigator.serviceWorker.addEventListener("controllerchange", resolve));
}"""


def wait_for_service_worker(page: Page) -> None:
    """Until the service worker controls the page."""
    page.evaluate(_CONTROLLED)


def wait_until(page: Page, script: str, seconds: float = 30) -> None:
    """Poll `script` (an expression, a function, or a promise of a yes) until it is true."""
    deadline = time.monotonic() + seconds
    while not page.evaluate(script):
        assert time.monotonic() < deadline, f"still not true after {seconds} s: {script}"
        time.sleep(0.25)


# Keliling's queue on the phone: at least `count` taps, every one answered by the server. A click returns before
# the page has stored its tap, so "Semua terkirim" on screen may still be the state from before it.
_TAPS_SENT = """async (count) => {
  const db = await new Promise((resolve, reject) => {
    const request = indexedDB.open("jimpitan-keliling");
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
  const taps = await new Promise((resolve) => {
    const read = db.transaction("taps").objectStore("taps").getAll();
    read.onsuccess = () => resolve(read.result);
  });
  db.close();
  return taps.length >= count && taps.every((tap) => tap.sent);
}"""


def wait_for_taps_sent(page: Page, count: int, seconds: float = 30) -> None:
    """Until the phone holds `count` taps (or more) and has sent every one."""
    deadline = time.monotonic() + seconds
    while not page.evaluate(_TAPS_SENT, count):
        assert time.monotonic() < deadline, f"{count} taps not all sent after {seconds} s"
        time.sleep(0.25)
