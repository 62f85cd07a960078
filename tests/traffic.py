"""A mixed run through the real proxy: what the metrics, dashboard and report tests look at.

Requests are made as applications make them (the OpenAI SDK; urllib for what an SDK cannot send),
to the proxy of tests/harness.py in front of its fake vendor. `scripts/dashboard_screenshot.py`
uses the same run to fill the dashboard it photographs.
"""

from __future__ import annotations

import json
import sqlite3
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from pathlib import Path

import openai

from tests.harness import FakeUpstream, GuardServer

NAME = "Theodora Blackwood"
EMAIL = "theodora.blackwood@example.net"
CARD = "4556 7375 8689 9855"
SSN = "219-09-9999"
CONDITION = "asthma"
MEDICATION = "salbutamol"
TOKEN = "ghp_Zr8Kq2Lw5Nx7Pv1Ty4Hb6Jd9Fm3Gs0Ac2Ue8"
CLIENT_KEY = "sk-client-7f3a9c2e5b8d1f4a6c0e"
# Everything the run sends that must never show up in a metric, the page or the report.
VALUES = [
    NAME,
    *NAME.split(),
    EMAIL,
    CARD,
    CARD.replace(" ", ""),
    SSN,
    CONDITION,
    MEDICATION,
    TOKEN,
    CLIENT_KEY,
]

# (vendor, endpoint, decision, status): requests each combination gets in `run_mixed`.
EXPECTED_REQUESTS = {
    ("kimi", "chat/completions", "redacted", "200"): 3,
    ("kimi", "chat/completions", "forwarded", "200"): 1,
    ("kimi", "chat/completions", "blocked", "400"): 1,
    ("kimi", "embeddings", "redacted", "200"): 1,
    ("kimi", "models", "forwarded", "200"): 1,
    ("qwen", "chat/completions", "redacted", "200"): 1,
    ("qwen", "chat/completions", "blocked", "400"): 1,
    ("qwen", "chat/completions", "refused", "400"): 1,
    ("qwen", "chat/completions", "forwarded", "429"): 1,
    ("qwen", "(refused path)", "refused", "404"): 1,
}
AUDITED = sum(EXPECTED_REQUESTS.values())
INSPECTED = {"kimi": 6, "qwen": 3}  # requests whose texts were inspected
UPSTREAM = {"kimi": 6, "qwen": 2}  # requests sent to the vendor


def _post(url: str, body: bytes) -> int:
    req = urllib.request.Request(
        url,
        data=body,
        method="POST",
        headers={"Content-Type": "application/json", "Authorization": "Bearer x"},
    )
    try:
        with urllib.request.urlopen(req, timeout=10) as resp:
            return int(resp.status)
    except urllib.error.HTTPError as err:
        err.read()
        return int(err.code)


def _fails(error: type[Exception], call: Callable[[], object]) -> None:
    try:
        call()
    except error:
        return
    raise AssertionError(f"expected {error.__name__}")


def run_mixed(guard: GuardServer, fake: FakeUpstream, rounds: int = 1) -> None:
    """Sent, changed, blocked, refused and failed requests to two vendors, `rounds` times."""
    kimi = openai.OpenAI(base_url=guard.base_url("kimi"), api_key=CLIENT_KEY, max_retries=0)
    qwen = openai.OpenAI(base_url=guard.base_url("qwen"), api_key=CLIENT_KEY, max_retries=0)
    person = f"Please write to {NAME} at {EMAIL} about the move."
    for _ in range(rounds):
        fake.mode = "ok"
        # changed: twice the same text (the second time from the analysis cache), and a stream
        for _ in range(2):
            kimi.chat.completions.create(model="kimi-k2", messages=[{"role": "user", "content": person}])
        list(
            kimi.chat.completions.create(
                model="kimi-k2",
                stream=True,
                messages=[{"role": "user", "content": f"Book the flight on card {CARD} for {NAME}."}],
            )
        )
        # sent unchanged
        kimi.chat.completions.create(
            model="kimi-k2", messages=[{"role": "user", "content": "Write a haiku."}]
        )
        kimi.models.list()
        kimi.embeddings.create(
            model="embed", input=[f"I was diagnosed with {CONDITION} and use {MEDICATION}."]
        )
        # blocked
        _fails(
            openai.BadRequestError,
            lambda: kimi.chat.completions.create(
                model="kimi-k2", messages=[{"role": "user", "content": f"My SSN is {SSN}, fill the form."}]
            ),
        )
        qwen.chat.completions.create(
            model="qwen-plus",
            messages=[{"role": "user", "content": f"Which sports suit someone with {CONDITION}?"}],
        )
        _fails(
            openai.BadRequestError,
            lambda: qwen.chat.completions.create(
                model="qwen-plus", messages=[{"role": "user", "content": f"Deploy with token {TOKEN} now."}]
            ),
        )
        # refused: not JSON, and a path that is not inspected
        _post(guard.base_url("qwen") + "/chat/completions", b'{"model": "qwen-plus", "messages": [')
        _post(guard.base_url("qwen") + "/files", b"{}")
        # an error of the vendor's own, passed through
        fake.mode = "status"
        _fails(
            openai.RateLimitError,
            lambda: qwen.chat.completions.create(
                model="qwen-plus", messages=[{"role": "user", "content": "Hello there."}]
            ),
        )
        fake.mode = "ok"
        # a vendor nobody configured: answered by the proxy, counted, not audited
        _post(guard.root + "/nobody/v1/chat/completions", b"{}")


def wait_for_audit(path: str | Path, rows: int, timeout: float = 15) -> None:
    """Wait until the audit store holds `rows` requests: rows (and metrics, counted just before
    each row) are written after the response, by the proxy's audit thread."""
    deadline = time.monotonic() + timeout
    while True:
        db = sqlite3.connect(path)
        try:
            n = db.execute("SELECT COUNT(*) FROM requests").fetchone()[0]
        finally:
            db.close()
        if n >= rows:
            return
        if time.monotonic() > deadline:
            raise AssertionError(f"the audit store holds {n} requests, expected {rows}")
        time.sleep(0.05)


def get(url: str, headers: dict[str, str] | None = None) -> tuple[int, dict[str, str], bytes]:
    req = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(req, timeout=10) as resp:
            return int(resp.status), dict(resp.headers), resp.read()
    except urllib.error.HTTPError as err:
        return int(err.code), dict(err.headers), err.read()


def dashboard_summary(guard: GuardServer, window: str = "hour") -> dict[str, object]:
    status, _, body = get(f"{guard.root}/dashboard/api/summary?window={window}")
    assert status == 200, body
    data: dict[str, object] = json.loads(body)
    return data
