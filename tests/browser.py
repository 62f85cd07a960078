"""Headless Chromium, driven from the command line: no Python package, no DevTools client.

`--dump-dom` prints the page's DOM after its scripts ran (within a virtual-time budget), which is
enough to see whether the charts drew; `--screenshot` photographs it. Chromium is a system tool
that `make` never installs: `find_chromium` returns None when there is none, and tests skip.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable", "chrome", "headless_shell")

# Without these, Chromium reaches for Google's hosts (updates, sync, field trials) at start.
FLAGS = [
    "--headless",
    "--no-sandbox",  # CI runs as root, where Chromium's sandbox cannot start
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-default-apps",
    "--disable-extensions",
    "--no-first-run",
    "--no-default-browser-check",
    "--hide-scrollbars",
    "--mute-audio",
]


def find_chromium() -> str | None:
    """The Chromium to drive: $GUARD_CHROMIUM, or the first of the usual names on PATH."""
    given = os.environ.get("GUARD_CHROMIUM")
    if given:
        return given if shutil.which(given) else None
    for name in NAMES:
        found = shutil.which(name)
        if found:
            return found
    return None


def _run(chromium: str, args: list[str], timeout: float) -> str:
    with tempfile.TemporaryDirectory(prefix="guard-chromium-") as profile:
        done = subprocess.run(
            [chromium, *FLAGS, f"--user-data-dir={profile}", *args],
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
    if done.returncode != 0:
        raise RuntimeError(f"chromium exited with {done.returncode}: {done.stderr[-2000:]}")
    return done.stdout


def dump_dom(chromium: str, url: str, budget_ms: int = 5000, timeout: float = 90) -> str:
    """The DOM of `url` once its scripts have run for `budget_ms` of virtual time."""
    return _run(chromium, [f"--virtual-time-budget={budget_ms}", "--dump-dom", url], timeout)


def screenshot(
    chromium: str, url: str, out: Path, size: tuple[int, int], budget_ms: int = 5000, timeout: float = 90
) -> None:
    _run(
        chromium,
        [
            f"--virtual-time-budget={budget_ms}",
            f"--window-size={size[0]},{size[1]}",
            f"--screenshot={out}",
            url,
        ],
        timeout,
    )
    if not out.exists():
        raise RuntimeError(f"chromium wrote no screenshot to {out}")
