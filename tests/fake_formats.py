"""A fake vendor speaking Anthropic Messages and DashScope's native API: a real aiohttp server on
a loopback port, as Moonshot's `/anthropic` and DashScope's `/apps/anthropic` and `/api/v1` would
answer. It records what it receives and echoes the last user text back, so a test sees what the
vendor saw come back to the client.
"""

from __future__ import annotations

import asyncio
import json
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

from tests.harness import LoopThread, Received, _start


@dataclass
class FakeFormats:
    """`tool` makes the answer a tool call whose input holds the echoed text; `thinking` adds a
    thinking block (reasoning_content in DashScope) that echoes it too. `mode`: "ok", "status"
    (answers `fail_status` with the format's error body), "cut" (a stream that stops after a
    few events and closes the connection)."""

    tool: bool = False
    thinking: bool = False
    chunk_size: int = 5
    mode: str = "ok"
    fail_status: int = 429
    received: list[Received] = field(default_factory=list)
    port: int = 0
    _loop: LoopThread | None = None
    _runner: web.AppRunner | None = None

    def __enter__(self) -> FakeFormats:
        self._loop = LoopThread()
        app = web.Application(client_max_size=64 * 1024 * 1024)
        app.router.add_post("/anthropic/v1/messages", self._messages)
        app.router.add_post("/anthropic/v1/messages/count_tokens", self._count_tokens)
        app.router.add_post("/api/v1/services/aigc/{task}/generation", self._generation)
        self._runner, self.port = self._loop.run(_start(app))
        return self

    def __exit__(self, *exc: object) -> None:
        assert self._loop is not None and self._runner is not None
        self._loop.run(self._runner.cleanup())
        self._loop.stop()

    @property
    def anthropic_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/anthropic"

    @property
    def native_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/api/v1"

    def all_received_text(self) -> str:
        return "\n".join(r.body.decode("utf-8", "replace") for r in self.received)

    async def _record(self, request: web.Request) -> dict[str, Any]:
        body = await request.read()
        self.received.append(Received(request.method, request.path_qs, dict(request.headers), body))
        doc: dict[str, Any] = json.loads(body)
        return doc

    def _pieces(self, text: str) -> list[str]:
        return [text[i : i + self.chunk_size] for i in range(0, len(text), self.chunk_size)] or [""]

    # --- Anthropic Messages -------------------------------------------------------------------

    async def _count_tokens(self, request: web.Request) -> web.Response:
        doc = await self._record(request)
        return web.json_response({"input_tokens": len(json.dumps(doc)) // 4})

    async def _messages(self, request: web.Request) -> web.StreamResponse:
        doc = await self._record(request)
        if self.mode == "status":
            return web.json_response(
                {"type": "error", "error": {"type": "rate_limit_error", "message": "slow down"}},
                status=self.fail_status,
                headers={"request-id": "req_fake"},
            )
        echo = _anthropic_last_user_text(doc)
        blocks: list[dict[str, Any]] = []
        if self.thinking:
            blocks.append({"type": "thinking", "thinking": f"They said: {echo}", "signature": "sig"})
        blocks.append({"type": "text", "text": echo})
        if self.tool:
            blocks.append(
                {
                    "type": "tool_use",
                    "id": "toolu_fake",
                    "name": "send_mail",
                    "input": {"to": echo, "note": {"body": [echo, 7]}},
                }
            )
        message = {
            "id": "msg_fake",
            "type": "message",
            "role": "assistant",
            "model": doc.get("model", "m"),
            "content": blocks,
            "stop_reason": "tool_use" if self.tool else "end_turn",
            "stop_sequence": None,
            "usage": {"input_tokens": 10, "output_tokens": 20},
        }
        if not doc.get("stream"):
            return web.json_response(message, headers={"request-id": "req_fake"})
        resp = web.StreamResponse(
            headers={"Content-Type": "text/event-stream; charset=utf-8", "request-id": "req_fake"}
        )
        await resp.prepare(request)

        async def send(name: str, data: dict[str, Any]) -> None:
            await resp.write(f"event: {name}\ndata: {json.dumps(data, ensure_ascii=False)}\n\n".encode())
            await asyncio.sleep(0)

        start = {**message, "content": [], "stop_reason": None}
        await send("message_start", {"type": "message_start", "message": start})
        sent = 0
        for idx, block in enumerate(blocks):
            kind = block["type"]
            empty = {
                "text": {"type": "text", "text": ""},
                "thinking": {"type": "thinking", "thinking": ""},
                "tool_use": {**block, "input": {}},
            }[kind]
            await send(
                "content_block_start", {"type": "content_block_start", "index": idx, "content_block": empty}
            )
            if idx == 0:
                await send("ping", {"type": "ping"})
            if kind == "tool_use":
                source, dtype, key = (
                    json.dumps(block["input"], ensure_ascii=False),
                    "input_json_delta",
                    "partial_json",
                )
            elif kind == "thinking":
                source, dtype, key = block["thinking"], "thinking_delta", "thinking"
            else:
                source, dtype, key = block["text"], "text_delta", "text"
            for piece in self._pieces(source):
                await send(
                    "content_block_delta",
                    {"type": "content_block_delta", "index": idx, "delta": {"type": dtype, key: piece}},
                )
                sent += 1
                if self.mode == "cut" and sent == 3:
                    assert request.transport is not None
                    request.transport.close()
                    return resp
            if kind == "thinking":
                await send(
                    "content_block_delta",
                    {
                        "type": "content_block_delta",
                        "index": idx,
                        "delta": {"type": "signature_delta", "signature": "sig"},
                    },
                )
            await send("content_block_stop", {"type": "content_block_stop", "index": idx})
        await send(
            "message_delta",
            {
                "type": "message_delta",
                "delta": {"stop_reason": message["stop_reason"], "stop_sequence": None},
                "usage": {"output_tokens": 20},
            },
        )
        await send("message_stop", {"type": "message_stop"})
        await resp.write_eof()
        return resp

    # --- DashScope native ---------------------------------------------------------------------

    async def _generation(self, request: web.Request) -> web.StreamResponse:
        doc = await self._record(request)
        if self.mode == "status":
            return web.json_response(
                {"code": "Throttling", "message": "Requests rate limit exceeded", "request_id": "ds-fake"},
                status=self.fail_status,
            )
        multimodal = request.match_info["task"] == "multimodal-generation"
        params = doc.get("parameters") or {}
        inp = doc.get("input") or {}
        echo = _dashscope_last_user_text(inp)
        text_format = params.get("result_format") == "text" or (
            "messages" not in inp and params.get("result_format") != "message"
        )
        stream = request.headers.get("X-DashScope-SSE") == "enable"
        incremental = params.get("incremental_output") is True
        tool_args = json.dumps({"to": echo, "note": {"body": [echo]}}, ensure_ascii=False)

        def message(content: str, reasoning: str, args: str | None) -> dict[str, Any]:
            msg: dict[str, Any] = {
                "role": "assistant",
                "content": [{"text": content}] if multimodal else content,
            }
            if self.thinking:
                msg["reasoning_content"] = reasoning
            if args is not None:
                msg["tool_calls"] = [
                    {
                        "index": 0,
                        "id": "call_fake",
                        "type": "function",
                        "function": {"name": "send_mail", "arguments": args},
                    }
                ]
            return msg

        def body(content: str, reasoning: str, args: str | None, finish: str) -> dict[str, Any]:
            output: dict[str, Any]
            if text_format:
                output = {"text": content, "finish_reason": finish}
            else:
                output = {
                    "choices": [{"finish_reason": finish, "message": message(content, reasoning, args)}]
                }
            return {
                "output": output,
                "usage": {"input_tokens": 3, "output_tokens": 5, "total_tokens": 8},
                "request_id": "ds-fake",
            }

        reasoning = f"They said: {echo}" if self.thinking else ""
        if not stream:
            finish = "tool_calls" if self.tool else "stop"
            return web.json_response(body(echo, reasoning, tool_args if self.tool else None, finish))
        resp = web.StreamResponse(headers={"Content-Type": "text/event-stream;charset=UTF-8"})
        await resp.prepare(request)
        frames = 0

        async def send(data: dict[str, Any]) -> None:
            nonlocal frames
            frames += 1
            payload = json.dumps(data, ensure_ascii=False)
            await resp.write(f"id:{frames}\nevent:result\n:HTTP_STATUS/200\ndata:{payload}\n\n".encode())
            await asyncio.sleep(0)

        steps = [("reasoning", p) for p in self._pieces(reasoning)] if reasoning else []
        steps += [("content", p) for p in self._pieces(echo)]
        if self.tool:
            steps += [("tool", p) for p in self._pieces(tool_args)]
        acc = {"reasoning": "", "content": "", "tool": ""}
        for kind, piece in steps:
            acc[kind] += piece
            if incremental:
                new = {"reasoning": "", "content": "", "tool": ""}
                new[kind] = piece
                await send(body(new["content"], new["reasoning"], new["tool"] or None, "null"))
            else:
                await send(body(acc["content"], acc["reasoning"], acc["tool"] or None, "null"))
            if self.mode == "cut" and frames == 3:
                assert request.transport is not None
                request.transport.close()
                return resp
        finish = "tool_calls" if self.tool else "stop"
        if incremental:
            await send(body("", "", None, finish))
        else:
            await send(body(acc["content"], acc["reasoning"], acc["tool"] or None, finish))
        await resp.write_eof()
        return resp


def _anthropic_last_user_text(doc: dict[str, Any]) -> str:
    for msg in reversed(doc.get("messages", [])):
        if msg.get("role") != "user":
            continue
        content = msg.get("content")
        if isinstance(content, str):
            return content
        texts = []
        for block in content or []:
            if block.get("type") == "text":
                texts.append(block["text"])
            elif block.get("type") == "tool_result":
                inner = block.get("content")
                if isinstance(inner, str):
                    texts.append(inner)
                else:
                    texts += [b["text"] for b in inner or [] if b.get("type") == "text"]
        return " ".join(texts)
    return "ok"


def _dashscope_last_user_text(inp: dict[str, Any]) -> str:
    for msg in reversed(inp.get("messages") or []):
        if msg.get("role") != "user":
            continue
        content = msg.get("content")
        if isinstance(content, str):
            return content
        return " ".join(i["text"] for i in content if isinstance(i, dict) and "text" in i)
    prompt = inp.get("prompt")
    return prompt if isinstance(prompt, str) else "ok"
