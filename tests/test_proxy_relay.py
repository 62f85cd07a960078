"""Relaying answers: held-back text survives a broken stream, lone surrogates survive a body,
and the audit row is written after the answer (and before the proxy stops)."""

from __future__ import annotations

import asyncio
import json
import sqlite3
import urllib.request
from pathlib import Path
from typing import Any

from aiohttp import web

from guard import proxy
from guard.adapters import openai
from guard.config import VendorConfig
from guard.detect import Detector
from guard.restore import Restorer
from tests.harness import FakeUpstream, GuardServer, LoopThread, _start

NAME = "Maria Gonzalez"


class _BreakingUpstream:
    """Streams one event whose text ends in what may be the start of a placeholder, then drops
    the connection."""

    def __enter__(self) -> _BreakingUpstream:
        self._loop = LoopThread()
        app = web.Application()
        app.router.add_post("/v1/chat/completions", self._chat)
        self._runner, self.port = self._loop.run(_start(app))
        return self

    def __exit__(self, *exc: object) -> None:
        self._loop.run(self._runner.cleanup())
        self._loop.stop()

    async def _chat(self, request: web.Request) -> web.StreamResponse:
        await request.read()
        resp = web.StreamResponse(headers={"Content-Type": "text/event-stream"})
        await resp.prepare(request)
        chunk = {
            "id": "c1",
            "object": "chat.completion.chunk",
            "choices": [{"index": 0, "delta": {"content": "Hello <PERSON_"}}],
        }
        await resp.write(f"data: {json.dumps(chunk)}\n\n".encode())
        await asyncio.sleep(0.05)
        assert request.transport is not None
        request.transport.close()
        return resp


def test_broken_stream_drops_half_a_placeholder_before_the_error(
    tmp_path: Path, detector: Detector
) -> None:
    with _BreakingUpstream() as up:

        def point_at_breaking(cfg: Any) -> None:
            cfg.vendors["kimi"] = VendorConfig(
                upstream=f"http://127.0.0.1:{up.port}/v1",
                policy=cfg.vendors["kimi"].policy,
                error_style="moonshot",
                timeout_seconds=5,
            )

        server = GuardServer(tmp_path, f"http://127.0.0.1:{up.port}/v1", detector, point_at_breaking)
        try:
            body = {
                "model": "m",
                "stream": True,
                "messages": [{"role": "user", "content": f"Write to {NAME} please"}],
            }
            req = urllib.request.Request(
                server.base_url("kimi") + "/chat/completions",
                data=json.dumps(body).encode(),
                headers={"Content-Type": "application/json"},
            )
            with urllib.request.urlopen(req, timeout=30) as resp:
                raw = resp.read().decode()
        finally:
            server.close()
    assert "Hello " in raw
    # "<PERSON_" was held back by the restorer: at the break it is only the start of a
    # placeholder, so it is dropped, never sent half (tests/test_stream_break.py has the rest).
    assert "PERSON_" not in raw
    assert raw.index("Hello ") < raw.index("broke off the stream")
    events = [e for e in raw.split("\n\n") if e.strip()]
    assert all(e.startswith("data:") for e in events), events


class _Resp:
    status = 200
    content_type = "application/json"

    def __init__(self, data: bytes) -> None:
        self._data = data
        self.headers: dict[str, str] = {"Content-Type": "application/json"}

    async def read(self) -> bytes:
        return self._data


def test_body_with_a_lone_surrogate_value_is_escaped(tmp_path: Path, detector: Detector) -> None:
    answer = {
        "id": "c1",
        "object": "chat.completion",
        "choices": [
            {
                "index": 0,
                "message": {"role": "assistant", "content": "Hi <PERSON_1>"},
                "finish_reason": "stop",
            }
        ],
    }
    vendor = proxy.Vendor("kimi", VendorConfig(upstream="http://x", policy="p"), None)  # type: ignore[arg-type]
    ex = proxy.Exchange(vendor, openai.ADAPTER, "chat/completions")
    ex.endpoint = openai.ADAPTER.endpoint("chat/completions")
    response = asyncio.run(
        proxy._relay_body(
            _Resp(json.dumps(answer).encode()),  # type: ignore[arg-type]
            ex,
            Restorer({"<PERSON_1>": "Ma\ud800ria"}),
        )
    )
    assert response.body is not None
    doc = json.loads(bytes(response.body))  # type: ignore[arg-type]
    assert doc["choices"][0]["message"]["content"] == "Hi Ma\ud800ria"


def test_audit_row_is_written_after_the_answer_and_kept_at_shutdown(
    tmp_path: Path, detector: Detector, fake_upstream: FakeUpstream
) -> None:
    server = GuardServer(tmp_path, fake_upstream.base_url, detector)
    try:
        for _ in range(5):
            req = urllib.request.Request(
                server.base_url("kimi") + "/chat/completions",
                data=json.dumps(
                    {"model": "m", "messages": [{"role": "user", "content": f"Hi, I am {NAME}"}]}
                ).encode(),
                headers={"Content-Type": "application/json"},
            )
            with urllib.request.urlopen(req, timeout=30) as resp:
                assert resp.status == 200
    finally:
        server.close()
    db = sqlite3.connect(tmp_path / "audit.db")
    rows = db.execute("SELECT decision, duration_ms FROM requests ORDER BY id").fetchall()
    assert [r[0] for r in rows] == ["redacted"] * 5
    assert all(r[1] is not None and r[1] >= 0 for r in rows)
    assert db.execute("SELECT COUNT(*) FROM findings WHERE entity_type = 'PERSON'").fetchone()[0] >= 5
