"""A fake vendor on loopback, and the proxy started as `guard serve` in a subprocess."""

from __future__ import annotations

import asyncio
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from aiohttp import web

from bench._util import ROOT


class FakeVendor:
    """An OpenAI-compatible chat endpoint: answers "ok", or streams `chunks` chunks spaced by
    `gap` seconds. It reads the whole request body, as a real vendor does."""

    def __init__(self, chunks: int = 20, gap: float = 0.0) -> None:
        self.chunks, self.gap = chunks, gap
        self.runner: web.AppRunner | None = None
        self.port = 0

    async def start(self) -> None:
        app = web.Application(client_max_size=64 * 1024 * 1024)
        app.router.add_post("/v1/chat/completions", self._chat)
        self.runner = web.AppRunner(app, access_log=None)
        await self.runner.setup()
        site = web.TCPSite(self.runner, "127.0.0.1", 0)
        await site.start()
        self.port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]

    async def stop(self) -> None:
        if self.runner is not None:
            await self.runner.cleanup()

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/v1"

    async def _chat(self, request: web.Request) -> web.StreamResponse:
        doc = json.loads(await request.read())
        if not doc.get("stream"):
            return web.json_response(
                {
                    "id": "c1",
                    "object": "chat.completion",
                    "model": doc.get("model"),
                    "choices": [
                        {"index": 0, "message": {"role": "assistant", "content": "ok"},
                         "finish_reason": "stop"}
                    ],
                }
            )
        resp = web.StreamResponse(headers={"Content-Type": "text/event-stream"})
        await resp.prepare(request)
        for i in range(self.chunks):
            chunk = {"id": "c1", "object": "chat.completion.chunk",
                     "choices": [{"index": 0, "delta": {"content": f"tok{i} "}}]}
            await resp.write(f"data: {json.dumps(chunk)}\n\n".encode())
            if self.gap:
                await asyncio.sleep(self.gap)
        await resp.write(b"data: [DONE]\n\n")
        await resp.write_eof()
        return resp


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class GuardProcess:
    """`guard serve` with a temporary config whose kimi vendor points at `upstream`."""

    def __init__(self, upstream: str, workers: int = 1, extra: str = "") -> None:
        self.dir = tempfile.TemporaryDirectory(prefix="guard-bench-")
        d = Path(self.dir.name)
        # The shipped Kimi policy with its blocks turned into redactions: every request must
        # reach the vendor for the comparison (the analysis is the same either way).
        policy = d / "kimi.yaml"
        policy.write_text(
            (ROOT / "policies/kimi.yaml").read_text().replace("action: block", "action: redact")
        )
        cfg = d / "guard.yaml"
        cfg.write_text(
            f"audit:\n  path: {d / 'audit.db'}\n  key_path: {d / 'audit.key'}\n{extra}"
            f"vendors:\n  kimi:\n    upstream: {upstream}\n"
            f"    policy: {policy}\n    error_style: moonshot\n"
        )
        self.port = free_port()
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "guard", "serve", "--config", str(cfg), "--port",
             str(self.port), "--workers", str(workers), "--log-level", "WARNING"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            cwd=ROOT,
            env={**os.environ},
        )
        deadline = time.monotonic() + 180
        while True:
            if self.proc.poll() is not None:
                err = self.proc.stderr.read().decode() if self.proc.stderr else ""
                raise RuntimeError(f"guard exited: {err}")
            try:
                with urllib.request.urlopen(f"{self.root}/healthz", timeout=1):
                    break
            except OSError:
                if time.monotonic() > deadline:
                    raise RuntimeError("guard did not start") from None
                time.sleep(0.2)

    @property
    def root(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def base_url(self) -> str:
        return f"{self.root}/kimi/v1"

    def tree_pids(self) -> list[int]:
        """The server process and its descendants (detector workers, fork server)."""
        pids, frontier = [self.proc.pid], [self.proc.pid]
        while frontier:
            pid = frontier.pop()
            try:
                kids = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
            except OSError:
                continue
            pids += [int(k) for k in kids]
            frontier += [int(k) for k in kids]
        return pids

    def memory_kb(self, field: str = "VmHWM") -> dict[int, int]:
        out = {}
        for pid in self.tree_pids():
            try:
                for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                    if line.startswith(field + ":"):
                        out[pid] = int(line.split()[1])
            except OSError:
                pass
        return out

    def close(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(20)
        except subprocess.TimeoutExpired:
            self.proc.kill()
        self.dir.cleanup()
