"""Time to first chunk through the answer restorers, against plain forwarding.

Run: .venv/bin/python bench/restore_ttfb.py [--reps N] [--chunks N] [--format openai|anthropic|all]

Everything runs on loopback in this process: a fake upstream that streams an answer as SSE, and
two forwarders in front of it, one passing the bytes straight through and one running them
through the format's stream restorer (`ChatStreamRestorer` for an OpenAI chat completion,
`MessageStreamRestorer` for an Anthropic Message). The client measures, from sending the request
to receiving the first data event and to receiving the first event with answer text, through each
forwarder in turn (interleaved, in random order, so drift and noise fall on both alike). The
forwarders are otherwise identical, so the difference is the restorer.

The first text event carries a placeholder, so it is parsed, restored and re-serialized: the
restorer's most expensive case. (In the OpenAI stream that is the first event; an Anthropic
stream opens with `message_start` and `content_block_start`, which the restorer parses and passes
on.) The upstream pauses after the first text event (`--gap-ms`), as a model does between tokens;
without the pause the forwarders read many events in one piece and the restorer's first write
waits for all of them to be processed. After that the answer comes in a burst, so "stream" times
measure CPU per event more than anything a client would notice behind a real model.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import aiohttp
from aiohttp import web

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from guard.adapters.anthropic import MessageStreamRestorer
from guard.adapters.base import StreamRestorer
from guard.restore import ChatStreamRestorer, Restorer

MAPPING = {
    "<PERSON_1>": 'Zoë "Q" O\'Brien 张伟',
    "<EMAIL_ADDRESS_1>": "zoe@example.com",
    "<PHONE_NUMBER_1>": "+1 555 0100",
}


# Half the events hold a placeholder, whole or split across events.
WORDS = [
    "Dear <PERSON_1>, ",
    "your mail ",
    "<EMAIL_",
    "ADDRESS_1> ",
    "is set; ",
    "call <PHO",
    "NE_NUMBER_1> or ",
    "reply to PERSON_1. ",
    "This is ordinary text ",
    "with nothing ",
]
PLAIN = ["Dear Sir, ", "your mail ", "is set; ", "call us ", "or reply. "]


def sse_events(n: int, words: list[str] = WORDS) -> list[bytes]:
    """A chat-completion stream of `n` content events, then `[DONE]`."""
    base = {
        "id": "chatcmpl-bench",
        "object": "chat.completion.chunk",
        "created": 1700000000,
        "model": "qwen-plus",
    }
    out = []
    for i in range(n):
        delta: dict[str, Any] = {"content": words[i % len(words)]}
        if i == 0:
            delta["role"] = "assistant"
        finish = "stop" if i == n - 1 else None
        doc = {**base, "choices": [{"index": 0, "delta": delta, "finish_reason": finish}]}
        out.append(f"data: {json.dumps(doc, ensure_ascii=False)}\n\n".encode())
    out.append(b"data: [DONE]\n\n")
    return out


def anthropic_events(n: int, words: list[str] = WORDS) -> list[bytes]:
    """An Anthropic Messages stream with one text block of `n` deltas."""

    def ev(doc: dict[str, Any]) -> bytes:
        # Compact, as Anthropic writes its events.
        data = json.dumps(doc, ensure_ascii=False, separators=(",", ":"))
        return f"event: {doc['type']}\ndata: {data}\n\n".encode()

    message = {
        "id": "msg_bench",
        "type": "message",
        "role": "assistant",
        "model": "kimi-k2-0905-preview",
        "content": [],
        "stop_reason": None,
        "usage": {"input_tokens": 10, "output_tokens": 1},
    }
    out = [
        ev({"type": "message_start", "message": message}),
        ev({"type": "content_block_start", "index": 0, "content_block": {"type": "text", "text": ""}}),
    ]
    for i in range(n):
        delta = {"type": "text_delta", "text": words[i % len(words)]}
        out.append(ev({"type": "content_block_delta", "index": 0, "delta": delta}))
    out.append(ev({"type": "content_block_stop", "index": 0}))
    out.append(
        ev({"type": "message_delta", "delta": {"stop_reason": "end_turn"}, "usage": {"output_tokens": n}})
    )
    out.append(ev({"type": "message_stop"}))
    return out


@dataclass(frozen=True)
class Format:
    path: str
    events: Callable[..., list[bytes]]
    restorer: Callable[[], StreamRestorer]
    first_text: int  # index of the first event with answer text: the upstream pauses after it
    text_marker: bytes  # a data line that holds this carries answer text
    payload: dict[str, Any]


FORMATS = {
    "openai": Format(
        "/v1/chat/completions",
        sse_events,
        lambda: ChatStreamRestorer(MAPPING),
        0,
        b"{",
        {"model": "qwen-plus", "stream": True, "messages": [{"role": "user", "content": "hi"}]},
    ),
    "anthropic": Format(
        "/v1/messages",
        anthropic_events,
        lambda: MessageStreamRestorer(Restorer(MAPPING)),
        2,
        b"content_block_delta",
        {
            "model": "kimi-k2-0905-preview",
            "max_tokens": 1000,
            "stream": True,
            "messages": [{"role": "user", "content": "hi"}],
        },
    ),
}


async def start(app: web.Application) -> tuple[web.AppRunner, str]:
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    host, port = runner.addresses[0][:2]
    return runner, f"http://{host}:{port}"


def upstream_app(events: list[bytes], gap: float, fmt: Format) -> web.Application:
    async def handle(request: web.Request) -> web.StreamResponse:
        await request.read()
        resp = web.StreamResponse(headers={"Content-Type": "text/event-stream"})
        await resp.prepare(request)
        for i, ev in enumerate(events):
            await resp.write(ev)
            # A model takes tens of milliseconds per token, so its first text travels alone;
            # after that the answer comes as fast as the loop allows, to keep the run short.
            await asyncio.sleep(gap if i == fmt.first_text else 0)
        await resp.write_eof()
        return resp

    app = web.Application()
    app.router.add_post(fmt.path, handle)
    return app


def forwarder_app(upstream: str, restore: bool, fmt: Format) -> web.Application:
    async def on_startup(app: web.Application) -> None:
        app["session"] = aiohttp.ClientSession(auto_decompress=False)

    async def on_cleanup(app: web.Application) -> None:
        await app["session"].close()

    async def handle(request: web.Request) -> web.StreamResponse:
        body = await request.read()
        session: aiohttp.ClientSession = request.app["session"]
        async with session.post(
            upstream + fmt.path,
            data=body,
            headers={"Content-Type": "application/json"},
        ) as up:
            resp = web.StreamResponse(headers={"Content-Type": "text/event-stream"})
            await resp.prepare(request)
            restorer = fmt.restorer() if restore else None
            async for chunk in up.content.iter_any():
                piece = restorer.feed(chunk) if restorer else chunk
                if piece:
                    await resp.write(piece)
            if restorer:
                tail = restorer.close()
                if tail:
                    await resp.write(tail)
            await resp.write_eof()
            return resp

    app = web.Application()
    app.on_startup.append(on_startup)
    app.on_cleanup.append(on_cleanup)
    app.router.add_post(fmt.path, handle)
    return app


async def one(
    session: aiohttp.ClientSession, url: str, fmt: Format
) -> tuple[float, float, float, bytes]:
    """Time to the first data event, to the first event with answer text, to the end; the body."""
    t0 = time.perf_counter()
    async with session.post(url + fmt.path, json=fmt.payload) as r:
        lines: list[bytes] = []
        t_first = t_text = 0.0
        while not t_text:
            line = await r.content.readline()
            if not line:
                raise RuntimeError("stream ended before any answer text")
            lines.append(line)
            if not t_first and line.startswith(b"data:"):
                t_first = time.perf_counter() - t0
            if line.startswith(b"data:") and fmt.text_marker in line:
                t_text = time.perf_counter() - t0
        rest = await r.read()
    return t_first, t_text, time.perf_counter() - t0, b"".join(lines) + rest


def pct(xs: list[float], q: float) -> float:
    xs = sorted(xs)
    return xs[min(len(xs) - 1, round(q / 100 * (len(xs) - 1)))]


def check(body: bytes, name: str) -> None:
    text = ""
    for line in body.decode().split("\n"):
        if not line.startswith("data: {"):
            continue
        doc = json.loads(line[5:])
        if name == "openai":
            text += doc["choices"][0]["delta"].get("content", "")
        elif doc.get("type") == "content_block_delta":
            text += doc["delta"]["text"]
    assert "<PERSON_1>" not in text and "PERSON_1" not in text, "placeholder left in the answer"
    assert MAPPING["<PERSON_1>"] in text and MAPPING["<EMAIL_ADDRESS_1>"] in text


def micro(fmt: Format, n: int) -> tuple[float, float]:
    """CPU per event of the restorer alone, with the bench's answer and with one that holds no
    placeholder (every event is still parsed: a bare name may continue from an earlier event)."""
    out = []
    for evs in (fmt.events(n), fmt.events(n, PLAIN)):
        t0 = time.perf_counter()
        for _ in range(20):
            r = fmt.restorer()
            for ev in evs:
                r.feed(ev)
            r.close()
        out.append((time.perf_counter() - t0) / (20 * len(evs)) * 1e6)
    return out[0], out[1]


async def run_format(name: str, fmt: Format, args: argparse.Namespace) -> None:
    events = fmt.events(args.chunks)
    up_runner, up_url = await start(upstream_app(events, args.gap_ms / 1e3, fmt))
    pass_runner, pass_url = await start(forwarder_app(up_url, False, fmt))
    rest_runner, rest_url = await start(forwarder_app(up_url, True, fmt))
    targets = {"pass-through": pass_url, "restorer": rest_url}
    first: dict[str, list[float]] = {k: [] for k in targets}
    text: dict[str, list[float]] = {k: [] for k in targets}
    total: dict[str, list[float]] = {k: [] for k in targets}
    rng = random.Random(1)
    started = time.perf_counter()
    try:
        connector = aiohttp.TCPConnector(limit=4)
        async with aiohttp.ClientSession(connector=connector) as session:
            *_, body = await one(session, rest_url, fmt)
            check(body, name)
            for i in range(args.warmup + args.reps):
                order = list(targets.items())
                rng.shuffle(order)
                for target, url in order:
                    t_first, t_text, t_all, _ = await one(session, url, fmt)
                    if i >= args.warmup:
                        first[target].append(t_first)
                        text[target].append(t_text)
                        total[target].append(t_all)
    finally:
        for runner in (rest_runner, pass_runner, up_runner):
            await runner.cleanup()
    elapsed = time.perf_counter() - started
    slow, plain = micro(fmt, args.chunks)

    print(
        f"\n{name} stream: {args.reps} reps per path (+{args.warmup} warm-up), "
        f"{len(events)} SSE events per answer, loopback, {elapsed:.1f} s"
    )
    print(
        f"{'':14}{'1st event p50':>14}{'p99':>10}{'1st text p50':>14}{'p99':>10}"
        f"{'stream p50':>12}{'p99':>10}"
    )
    for target in targets:
        f, t, s = first[target], text[target], total[target]
        print(
            f"{target:14}{pct(f, 50) * 1e3:12.3f}ms{pct(f, 99) * 1e3:8.3f}ms"
            f"{pct(t, 50) * 1e3:12.3f}ms{pct(t, 99) * 1e3:8.3f}ms"
            f"{pct(s, 50) * 1e3:10.3f}ms{pct(s, 99) * 1e3:8.3f}ms"
        )
    a, b = first["restorer"], first["pass-through"]
    ta, tb = text["restorer"], text["pass-through"]
    print(
        f"ratio restorer/pass-through: first event p50 {pct(a, 50) / pct(b, 50):.3f} "
        f"(p99 {pct(a, 99) / pct(b, 99):.3f}, added p50 {(pct(a, 50) - pct(b, 50)) * 1e6:+.0f} us); "
        f"first text p50 {pct(ta, 50) / pct(tb, 50):.3f} "
        f"(p99 {pct(ta, 99) / pct(tb, 99):.3f}, added p50 {(pct(ta, 50) - pct(tb, 50)) * 1e6:+.0f} us); "
        f"whole stream p50 {pct(total['restorer'], 50) / pct(total['pass-through'], 50):.3f}"
    )
    print(
        f"restorer CPU per SSE event: {slow:.1f} us for this answer (half the text events "
        f"rewritten), {plain:.1f} us for an answer without placeholders (parsed, passed on as they came)"
    )


async def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--reps", type=int, default=300)
    ap.add_argument("--chunks", type=int, default=200)
    ap.add_argument("--warmup", type=int, default=20)
    ap.add_argument("--gap-ms", type=float, default=2.0, help="pause after the first text event")
    ap.add_argument("--format", choices=[*FORMATS, "all"], default="all")
    args = ap.parse_args()
    print("restore TTFB bench: each format's restorer against pass-through, interleaved in one run")
    for name, fmt in FORMATS.items():
        if args.format in (name, "all"):
            await run_format(name, fmt, args)


if __name__ == "__main__":
    asyncio.run(main())
