"""Measure how much memory one call takes at its peak, in a fresh Python process.

Pillow decodes pixels into its own C buffers, which `tracemalloc` does not see, so the main figure is the
growth of the process's peak resident set (`ru_maxrss`) across the call: what a gunicorn worker would need
on top of its resting size. tracemalloc's peak is taken beside it for the Python side. The subprocess keeps
a bomb that gets through from taking the test run down with it, and one test's memory from hiding another's.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

_SCRIPT = """
import json, resource, sys, tracemalloc
import django
django.setup()
from jimpitan.tenancy import FIRST_KAMPUNG_ID, activate_for_process
activate_for_process(FIRST_KAMPUNG_ID)  # the first kampung, as a request of a single-kampung install
from importlib import import_module
module_name, function_name = sys.argv[1].rsplit(".", 1)
function = getattr(import_module(module_name), function_name)
data = open(sys.argv[2], "rb").read()
if sys.argv[3] == "upload":
    from django.core.files.uploadedfile import SimpleUploadedFile
    data = SimpleUploadedFile("upload", data)
tracemalloc.start()
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
try:
    function(data)
    outcome = "returned"
except Exception as error:  # reported, not raised: the caller asserts on it
    outcome = f"{type(error).__name__}: {getattr(error, 'code', '')}: {error}"
after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
traced = tracemalloc.get_traced_memory()[1]
print(json.dumps({"rss_kb": after - before, "traced": traced, "outcome": outcome}))
"""


@dataclass(frozen=True)
class Peak:
    rss_growth_mb: float  # growth of the process's peak resident set, C buffers (Pillow's pixels) included
    traced_mb: float  # tracemalloc's peak of Python allocations during the call
    outcome: str  # "returned", or the exception's class, code and message

    @property
    def mb(self) -> float:
        return max(self.rss_growth_mb, self.traced_mb)

    def __str__(self) -> str:
        return f"peak RSS growth {self.rss_growth_mb:.1f} MB, tracemalloc peak {self.traced_mb:.1f} MB ({self.outcome})"


def peak_growth(function_path: str, data: bytes, *, as_upload: bool = False, timeout: int = 300) -> Peak:
    """The peak memory of calling `function_path(data)`, e.g. 'households.importing.read_table'; with
    `as_upload` the bytes are passed as an uploaded file, as a form field receives them."""
    with tempfile.NamedTemporaryFile(suffix=".upload") as upload:
        upload.write(data)
        upload.flush()
        env = {**os.environ, "DJANGO_SETTINGS_MODULE": "jimpitan.settings_test", "PYTHONPATH": str(ROOT)}
        done = subprocess.run(
            [sys.executable, "-c", _SCRIPT, function_path, upload.name, "upload" if as_upload else "bytes"],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=True,
        )
    report = json.loads(done.stdout.strip().splitlines()[-1])
    return Peak(report["rss_kb"] / 1024, report["traced"] / (1024 * 1024), report["outcome"])
