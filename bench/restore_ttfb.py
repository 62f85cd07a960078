"""Time to first chunk through the answer restorer, against plain forwarding.

Run: .venv/bin/python bench/restore_ttfb.py [--reps N] [--chunks N]

Everything runs on loopback in this process: a fake upstream that streams an SSE chat completion,
and two forwarders in front of it, one passing the bytes straight through and one running them
through `ChatStreamRestorer`. The client measures, from sending the request to receiving the
first data event, through each forwarder in turn (interleaved, in random order, so drift and
noise fall on both alike). The forwarders are otherwise identical, so the difference is the
restorer. The first event carries a placeholder, so it is parsed, restored and re-serialized:
the restorer's most expensive case. The upstream pauses after the first event (`--gap-ms`), as
a model does between tokens; without the pause the forwarders read many events in one piece
and the restorer's first write waits for all of them to be processed. After that the answer
comes in a burst, so "stream" times measure CPU per event more than anything a client would
notice behind a real model.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import statistics
import sys
import time
from pathlib import Path
from typing import Any

import aiohttp
from aiohttp import web

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from guard.restore import ChatStreamRestorer

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


async def start(app: web.Application) -> tuple[web.AppRunner, str]:
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    host, port = runner.addresses[0][:2]
    return runner, f"http://{host}:{port}"


def upstream_app(events: list[bytes], gap: float) -> web.Application:
    async def handle(request: web.Request) -> web.StreamResponse:
        await request.read()
        resp = web.StreamResponse(headers={"Content-Type": "text/event-stream"})
        await resp.prepare(request)
        for i, ev in enumerate(events):
            await resp.write(ev)
            # A model takes tens of milliseconds per token, so its first event travels alone;
            # after that the answer comes as fast as the loop allows, to keep the run short.
            await asyncio.sleep(gap if i == 0 else 0)
        await resp.write_eof()
        return resp

    app = web.Application()
    app.router.add_post("/v1/chat/completions", handle)
    return app


def forwarder_app(upstream: str, restore: bool) -> web.Application:
    async def on_startup(app: web.Application) -> None:
        app["session"] = aiohttp.ClientSession(auto_decompress=False)

    async def on_cleanup(app: web.Application) -> None:
        await app["session"].close()

    async def handle(request: web.Request) -> web.StreamResponse:
        body = await request.read()
        session: aiohttp.ClientSession = request.app["session"]
        async with session.post(
            upstream + "/v1/chat/completions",
            data=body,
            headers={"Content-Type": "application/json"},
        ) as up:
            resp = web.StreamResponse(headers={"Content-Type": "text/event-stream"})
            await resp.prepare(request)
            restorer = ChatStreamRestorer(MAPPING) if restore else None
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
    app.router.add_post("/v1/chat/completions", handle)
    return app


async def one(session: aiohttp.ClientSession, url: str) -> tuple[float, float, bytes]:
    """Time to the first data event, time to the end, and the body."""
    payload = {
        "model": "qwen-plus",
        "stream": True,
        "messages": [{"role": "user", "content": "hi"}],
    }
    t0 = time.perf_counter()
    async with session.post(url + "/v1/chat/completions", json=payload) as r:
        first = b""
        while not first.startswith(b"data:"):
            first = await r.content.readline()
            if not first:
                raise RuntimeError("stream ended before any data event")
        t_first = time.perf_counter() - t0
        rest = await r.read()
    return t_first, time.perf_counter() - t0, first + rest


def pct(xs: list[float], q: float) -> float:
    xs = sorted(xs)
    return xs[min(len(xs) - 1, round(q / 100 * (len(xs) - 1)))]


def check(body: bytes) -> None:
    text = "".join(
        json.loads(line[6:])["choices"][0]["delta"].get("content", "")
        for line in body.decode().split("\n")
        if line.startswith("data: {")
    )
    assert "<PERSON_1>" not in text and "PERSON_1" not in text, "placeholder left in the answer"
    assert MAPPING["<PERSON_1>"] in text and MAPPING["<EMAIL_ADDRESS_1>"] in text


def micro(n: int) -> tuple[float, float]:
    """CPU per event of the restorer alone, with the bench's answer and with one that holds no
    placeholder (every event is still parsed: a bare name may continue from an earlier event)."""
    out = []
    for evs in (sse_events(n), sse_events(n, PLAIN)):
        t0 = time.perf_counter()
        for _ in range(20):
            r = ChatStreamRestorer(MAPPING)
            for ev in evs:
                r.feed(ev)
            r.close()
        out.append((time.perf_counter() - t0) / (20 * len(evs)) * 1e6)
    return out[0], out[1]


async def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--reps", type=int, default=300)
    ap.add_argument("--chunks", type=int, default=200)
    ap.add_argument("--warmup", type=int, default=20)
    ap.add_argument("--gap-ms", type=float, default=2.0, help="pause after the first event")
    args = ap.parse_args()

    events = sse_events(args.chunks)
    up_runner, up_url = await start(upstream_app(events, args.gap_ms / 1e3))
    pass_runner, pass_url = await start(forwarder_app(up_url, restore=False))
    rest_runner, rest_url = await start(forwarder_app(up_url, restore=True))
    targets = {"pass-through": pass_url, "restorer": rest_url}
    ttfb: dict[str, list[float]] = {k: [] for k in targets}
    total: dict[str, list[float]] = {k: [] for k in targets}
    rng = random.Random(1)
    started = time.perf_counter()
    try:
        connector = aiohttp.TCPConnector(limit=4)
        async with aiohttp.ClientSession(connector=connector) as session:
            _, _, body = await one(session, rest_url)
            check(body)
            for i in range(args.warmup + args.reps):
                order = list(targets.items())
                rng.shuffle(order)
                for name, url in order:
                    t_first, t_all, _ = await one(session, url)
                    if i >= args.warmup:
                        ttfb[name].append(t_first)
                        total[name].append(t_all)
    finally:
        for runner in (rest_runner, pass_runner, up_runner):
            await runner.cleanup()
    elapsed = time.perf_counter() - started
    slow, plain = micro(args.chunks)

    print(
        f"restore TTFB bench: {args.reps} reps per path (+{args.warmup} warm-up), "
        f"{args.chunks} SSE events per answer, loopback, {elapsed:.1f} s"
    )
    print(
        f"{'':14}{'TTFB p50':>11}{'TTFB p99':>11}{'mean':>10}{'stream p50':>12}{'stream p99':>12}"
    )
    for name in targets:
        t, s = ttfb[name], total[name]
        print(
            f"{name:14}{pct(t, 50) * 1e3:9.3f}ms{pct(t, 99) * 1e3:9.3f}ms"
            f"{statistics.fmean(t) * 1e3:8.3f}ms"
            f"{pct(s, 50) * 1e3:10.3f}ms{pct(s, 99) * 1e3:10.3f}ms"
        )
    a, b = ttfb["restorer"], ttfb["pass-through"]
    print(
        f"ratio restorer/pass-through: TTFB p50 {pct(a, 50) / pct(b, 50):.3f}, "
        f"p99 {pct(a, 99) / pct(b, 99):.3f}; added p50 {(pct(a, 50) - pct(b, 50)) * 1e6:+.0f} us; "
        f"whole stream p50 {pct(total['restorer'], 50) / pct(total['pass-through'], 50):.3f}"
    )
    print(
        f"restorer CPU per SSE event: {slow:.1f} us for this answer (half the events rewritten), "
        f"{plain:.1f} us for an answer without placeholders (parsed, passed on as they came)"
    )


if __name__ == "__main__":
    asyncio.run(main())
