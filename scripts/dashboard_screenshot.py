"""Photograph the dashboard for the README: real traffic through the real proxy, then Chromium.

    .venv/bin/python scripts/dashboard_screenshot.py [--minutes 5] [--out docs/dashboard.png]

Starts the fake vendor and the proxy of tests/harness.py on loopback ports (the real detector, a
fresh audit store in a temporary folder), sends the mixed run of tests/traffic.py and a varying
number of other requests through the OpenAI SDK every minute for `--minutes`, so the charts have
several minutes to show, then has headless Chromium load /dashboard and take the picture.
Nothing leaves the machine. Needs Chromium (`apt-get install chromium`).
"""

from __future__ import annotations

import argparse
import contextlib
import random
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import openai  # noqa: E402

from guard.detect import Detector  # noqa: E402
from tests.browser import find_chromium, screenshot  # noqa: E402
from tests.harness import FakeUpstream, GuardServer  # noqa: E402
from tests.traffic import AUDITED, CLIENT_KEY, run_mixed, wait_for_audit  # noqa: E402

# Texts written for this picture: people, health and money in three languages, and plain ones.
PROMPTS = [
    "Summarise the call notes and send them to Marcus Ellington by Friday.",
    "Draft a polite reply to priya.raman@example.com about the delayed shipment.",
    "Bitte erinnere Frau Annegret Kowalczyk an den Termin am Dienstag.",
    "请联系王秀兰女士，确认她的报销单。",
    "My mother takes warfarin after her stroke; which foods should she avoid?",
    "Der Patient hat Asthma und nimmt Salbutamol bei Bedarf.",
    "Transfer the deposit to IBAN DE44 5001 0517 5407 3249 31 and confirm.",
    "What are good names for a hiking club?",
    "Explain the difference between TCP and UDP in two sentences.",
    "Translate 'good morning' into Japanese.",
]
BLOCKED = [
    "My SSN is 219-09-9999, please fill in the tax form.",
    "Use the key sk-proj-Q7mR2xT9vK4pL8nW3cZ6bH1jF5gD0sA2eY7uI for the deploy script.",
]


def traffic(guard: GuardServer, fake: FakeUpstream, rng: random.Random) -> int:
    """One minute's requests; returns how many the audit trail will hold."""
    run_mixed(guard, fake)
    sent = AUDITED
    for vendor in ("kimi", "qwen"):
        client = openai.OpenAI(base_url=guard.base_url(vendor), api_key=CLIENT_KEY, max_retries=0)
        for _ in range(rng.randint(2, 12)):
            text = rng.choice(PROMPTS if rng.random() > 0.12 else BLOCKED)
            with contextlib.suppress(openai.BadRequestError):
                client.chat.completions.create(
                    model="kimi-k2" if vendor == "kimi" else "qwen-plus",
                    messages=[{"role": "user", "content": text}],
                    stream=rng.random() < 0.4,
                )
            sent += 1
    return sent


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--minutes", type=int, default=5, help="minutes of traffic before the picture (default 5)"
    )
    parser.add_argument("--out", default=str(ROOT / "docs" / "dashboard.png"))
    parser.add_argument("--size", default="1280,1180", help="window size WIDTH,HEIGHT (default 1280,1180)")
    args = parser.parse_args()
    chromium = find_chromium()
    if chromium is None:
        print(
            "no Chromium found: install it (apt-get install chromium) or set GUARD_CHROMIUM", file=sys.stderr
        )
        return 1
    width, height = (int(x) for x in args.size.split(","))
    rng = random.Random(13)
    detector = Detector()
    with tempfile.TemporaryDirectory(prefix="guard-screenshot-") as tmp, FakeUpstream() as fake:
        guard = GuardServer(Path(tmp), fake.base_url, detector)
        try:
            total = 0
            for minute in range(max(1, args.minutes)):
                started = time.monotonic()
                total += traffic(guard, fake, rng)
                print(f"minute {minute + 1}: {total} requests so far", flush=True)
                if minute + 1 < args.minutes:
                    time.sleep(max(0.0, 60 - (time.monotonic() - started)))
            wait_for_audit(Path(tmp) / "audit.db", total)
            out = Path(args.out)
            out.parent.mkdir(parents=True, exist_ok=True)
            screenshot(chromium, guard.root + "/dashboard", out, (width, height))
        finally:
            guard.close()
    print(f"wrote {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
