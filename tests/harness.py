"""Real servers on loopback ports for end-to-end tests: a fake vendor and the proxy itself.

Both run in one background thread with its own event loop, so tests drive them with ordinary
blocking clients (the OpenAI SDK, urllib) exactly as applications do.
"""

from __future__ import annotations

import asyncio
import json
import socket
import threading
import time
from collections.abc import Awaitable, Callable
from concurrent.futures import Future
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from aiohttp import web

from guard.config import GuardConfig, VendorConfig
from guard.detect import Detector
from guard.proxy import State, build_state, create_app

ROOT = Path(__file__).resolve().parent.parent


class LoopThread:
    """An asyncio loop in a daemon thread; `run` executes a coroutine on it and waits."""

    def __init__(self) -> None:
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.thread.start()

    def run(self, coro: Awaitable[Any], timeout: float = 30) -> Any:
        fut: Future[Any] = asyncio.run_coroutine_threadsafe(coro, self.loop)  # type: ignore[arg-type]
        return fut.result(timeout)

    def stop(self) -> None:
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(5)


async def _start(app: web.Application) -> tuple[web.AppRunner, int]:
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    return runner, port


def closed_port() -> int:
    """A loopback port with nothing listening (bound, then released)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Received:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes

    @property
    def json(self) -> Any:
        return json.loads(self.body)


@dataclass
class FakeUpstream:
    """A vendor stand-in: records what it receives, answers like DashScope/Moonshot would.

    `reply` is the assistant's answer (default: echo the last user text, so a test can see what the
    vendor saw come back); `tool_reply` makes it answer with a tool call instead. `mode` selects
    failures: "ok", "status" (answers `fail_status` with a vendor error body), "hang" (never
    answers), "drop" (closes the connection). `gate`, when set, holds the last stream chunk until
    the test releases it. `cut_after`: a stream breaks off (the connection closes) after that
    many content pieces, and `cut_tail` bytes are written first (half an event, say).
    """

    reply: str | None = None
    tool_reply: tuple[str, str] | None = None  # (function name, arguments JSON)
    reasoning: str | None = None
    chunk_size: int = 7
    mode: str = "ok"
    fail_status: int = 429
    gate: threading.Event | None = None
    cut_after: int | None = None
    cut_tail: bytes = b""
    received: list[Received] = field(default_factory=list)
    extra_headers: dict[str, str] = field(
        default_factory=lambda: {
            "x-request-id": "up-req-123",
            "x-ratelimit-remaining-requests": "99",
        }
    )
    port: int = 0
    _loop: LoopThread | None = None
    _runner: web.AppRunner | None = None
    _hanging: asyncio.Event | None = None

    # --- lifecycle
    def __enter__(self) -> FakeUpstream:
        self._loop = LoopThread()
        app = web.Application(client_max_size=256 * 1024 * 1024)
        app.router.add_route("*", "/{path:.*}", self._handle)
        self._runner, self.port = self._loop.run(_start(app))
        return self

    def __exit__(self, *exc: object) -> None:
        assert self._loop is not None and self._runner is not None
        if self.gate is not None:
            self.gate.set()
        if self._hanging is not None:
            self._loop.loop.call_soon_threadsafe(self._hanging.set)
        self._loop.run(self._runner.cleanup())
        self._loop.stop()

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/v1"

    def all_received_text(self) -> str:
        return "\n".join(r.body.decode("utf-8", "replace") for r in self.received)

    # --- behaviour
    async def _handle(self, request: web.Request) -> web.StreamResponse:
        body = await request.read()
        self.received.append(Received(request.method, request.path, dict(request.headers), body))
        if self.mode == "hang":
            self._hanging = asyncio.Event()
            await asyncio.wait_for(self._hanging.wait(), 60)
        if self.mode == "drop":
            assert request.transport is not None
            request.transport.close()
            return web.Response()
        if self.mode == "status":
            return web.json_response(
                {"error": {"message": "Rate limit reached", "type": "rate_limit_reached_error"}},
                status=self.fail_status,
                headers=self.extra_headers,
            )
        path = request.path.removeprefix("/v1/")
        if path == "models":
            return web.json_response(
                {
                    "object": "list",
                    "data": [
                        {"id": "kimi-k2", "object": "model", "created": 0, "owned_by": "moonshot"}
                    ],
                },
                headers=self.extra_headers,
            )
        doc = json.loads(body)
        if path == "embeddings":
            inputs = doc["input"] if isinstance(doc["input"], list) else [doc["input"]]
            return web.json_response(
                {
                    "object": "list",
                    "model": doc.get("model"),
                    "data": [
                        {"object": "embedding", "index": i, "embedding": [0.1, 0.2, 0.3]}
                        for i in range(len(inputs))
                    ],
                    "usage": {"prompt_tokens": 3, "total_tokens": 3},
                },
                headers=self.extra_headers,
            )
        answer = self.reply if self.reply is not None else _last_user_text(doc)
        if doc.get("stream"):
            return await self._stream(request, doc, answer)
        message: dict[str, Any] = {"role": "assistant", "content": answer}
        if self.reasoning is not None:
            message["reasoning_content"] = self.reasoning
        if self.tool_reply is not None:
            message["content"] = None
            message["tool_calls"] = [
                {
                    "id": "call_1",
                    "type": "function",
                    "function": {"name": self.tool_reply[0], "arguments": self.tool_reply[1]},
                }
            ]
        return web.json_response(
            {
                "id": "chatcmpl-1",
                "object": "chat.completion",
                "created": int(time.time()),
                "model": doc.get("model", "m"),
                "choices": [
                    {
                        "index": 0,
                        "message": message,
                        "finish_reason": "tool_calls" if self.tool_reply else "stop",
                    }
                ],
                "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2},
            },
            headers=self.extra_headers,
        )

    async def _stream(
        self, request: web.Request, doc: dict[str, Any], answer: str
    ) -> web.StreamResponse:
        resp = web.StreamResponse(
            headers={"Content-Type": "text/event-stream", **self.extra_headers}
        )
        await resp.prepare(request)
        base = {
            "id": "chatcmpl-1",
            "object": "chat.completion.chunk",
            "created": 0,
            "model": doc.get("model", "m"),
        }

        def event(delta: dict[str, Any], finish: str | None = None) -> bytes:
            chunk = {**base, "choices": [{"index": 0, "delta": delta, "finish_reason": finish}]}
            return f"data: {json.dumps(chunk, ensure_ascii=False)}\n\n".encode()

        await resp.write(event({"role": "assistant", "content": ""}))
        pieces = [answer[i : i + self.chunk_size] for i in range(0, len(answer), self.chunk_size)]
        if self.reasoning:
            for i in range(0, len(self.reasoning), self.chunk_size):
                await resp.write(
                    event({"reasoning_content": self.reasoning[i : i + self.chunk_size]})
                )
        if self.tool_reply is not None:
            name, args = self.tool_reply
            await resp.write(
                event(
                    {
                        "tool_calls": [
                            {
                                "index": 0,
                                "id": "call_1",
                                "type": "function",
                                "function": {"name": name, "arguments": ""},
                            }
                        ]
                    }
                )
            )
            for i in range(0, len(args), self.chunk_size):
                await resp.write(
                    event(
                        {
                            "tool_calls": [
                                {
                                    "index": 0,
                                    "function": {"arguments": args[i : i + self.chunk_size]},
                                }
                            ]
                        }
                    )
                )
            pieces = []
        for n, piece in enumerate(pieces):
            if n == self.cut_after:
                if self.cut_tail:
                    await resp.write(self.cut_tail)
                await asyncio.sleep(0.05)  # what was written reaches the proxy first
                assert request.transport is not None
                request.transport.close()
                return resp
            await resp.write(event({"content": piece}))
            await asyncio.sleep(0)
        if self.gate is not None:
            # The test holds the end of the stream until it has seen the first chunk arrive.
            await asyncio.get_running_loop().run_in_executor(None, self.gate.wait, 30)
        await resp.write(event({}, "tool_calls" if self.tool_reply else "stop"))
        await resp.write(b"data: [DONE]\n\n")
        await resp.write_eof()
        return resp


def _last_user_text(doc: dict[str, Any]) -> str:
    for msg in reversed(doc.get("messages", [])):
        if msg.get("role") == "user":
            content = msg.get("content")
            if isinstance(content, str):
                return content
            if isinstance(content, list):
                return " ".join(p.get("text", "") for p in content if isinstance(p, dict))
    return "ok"


class GuardServer:
    """The real proxy app on a loopback port, sharing the session's detector."""

    def __init__(
        self,
        tmp: Path,
        upstream_url: str,
        detector: Detector,
        configure: Callable[[GuardConfig], None] | None = None,
    ) -> None:
        vendors = {
            "kimi": VendorConfig(
                upstream=upstream_url,
                policy=str(ROOT / "policies/kimi.yaml"),
                error_style="moonshot",
                timeout_seconds=5,
                connect_timeout_seconds=2,
            ),
            "qwen": VendorConfig(
                upstream=upstream_url,
                policy=str(ROOT / "policies/qwen.yaml"),
                error_style="dashscope",
                timeout_seconds=5,
                connect_timeout_seconds=2,
            ),
        }
        self.config = GuardConfig(vendors=vendors)
        self.config.audit.path = str(tmp / "audit.db")
        self.config.audit.key_path = str(tmp / "audit.key")
        if configure is not None:
            configure(self.config)
        self.state: State = build_state(self.config, detector=detector)
        self._loop = LoopThread()
        self._runner, self.port = self._loop.run(_start(create_app(self.state)))

    def base_url(self, vendor: str) -> str:
        return f"http://127.0.0.1:{self.port}/{vendor}/v1"

    @property
    def root(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def close(self) -> None:
        self._loop.run(self._runner.cleanup())
        self._loop.stop()
