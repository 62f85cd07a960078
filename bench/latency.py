"""Latency the proxy adds: the same requests sent to a loopback fake vendor directly and through
`guard serve`, alternated in one run so both see the same machine.

    .venv/bin/python bench/latency.py [--n 60]

Scenarios (each request's new text is fresh, never seen by the proxy):
* short prompt: one user message of about 120 characters with a name and an email;
* short prompt seen before: the same kind of message, sent to the proxy once beforehand (an
  analysis cache hit: what the proxy costs apart from detection; no target, for reference);
* turn 30: a conversation of 29 earlier turns (58 messages, about 20 KB) that the proxy saw as
  the conversation grew, plus a new user message;
* 500 KB document: one user message holding a pasted document (fresh each time);
* time to first streamed chunk, for a short prompt and for turn 30, with stream=true.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import sys
import time
from pathlib import Path
from typing import Any

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import aiohttp

from bench._servers import FakeVendor, GuardProcess
from bench._util import long_document, percentile, sendable_texts, table, verdict

FIRST = ["Maria", "James", "Aiko", "Lena", "Omar", "Priya", "Jonas", "Sofia", "Wei", "Daniel"]
LAST = ["Gonzalez", "Okafor", "Schmidt", "Tanaka", "Novak", "Larsen", "Moreau", "Fischer"]
CITIES = ["Lisbon", "Denver", "Osaka", "Munich", "Toronto", "Nairobi"]


def short_prompt(rng: random.Random) -> str:
    name = f"{rng.choice(FIRST)} {rng.choice(LAST)}"
    user = f"{name.split()[0].lower()}.{rng.randrange(10**6)}"
    return (
        f"Hi, I'm {name} ({user}@example.com). Can you help me plan three days in "
        f"{rng.choice(CITIES)} in May, with a budget of {rng.randrange(500, 3000)} euros?"
    )


def conversation(turns: int, rng: random.Random) -> list[dict[str, str]]:
    texts = [t for t in sendable_texts() if 150 < len(t) < 600]
    msgs: list[dict[str, str]] = [{"role": "system", "content": "You are a helpful assistant."}]
    for _ in range(turns):
        msgs.append({"role": "user", "content": rng.choice(texts)})
        msgs.append({"role": "assistant", "content": rng.choice(texts)})
    return msgs


async def _post(
    session: aiohttp.ClientSession, url: str, messages: list[dict[str, str]], stream: bool
) -> tuple[float, float]:
    """(seconds to the whole answer, seconds to the first streamed chunk)."""
    body: dict[str, Any] = {"model": "kimi-k2", "messages": messages, "stream": stream}
    t0 = time.perf_counter()
    async with session.post(url + "/chat/completions", json=body) as resp:
        assert resp.status == 200, (resp.status, await resp.text())
        if stream:
            first = 0.0
            async for _chunk in resp.content.iter_any():
                if not first:
                    first = time.perf_counter() - t0
            return time.perf_counter() - t0, first
        await resp.read()
        t = time.perf_counter() - t0
        return t, t


async def measure(
    session: aiohttp.ClientSession,
    direct: str,
    proxied: str,
    make: Any,
    n: int,
    stream: bool = False,
) -> tuple[list[float], list[float]]:
    """Added latency samples (proxied minus the neighbouring direct call), in ms, for the
    whole answer and for the first chunk."""
    added, added_first = [], []
    for _ in range(n):
        messages = make()
        d_all, d_first = await _post(session, direct, messages, stream)
        p_all, p_first = await _post(session, proxied, messages, stream)
        d2_all, d2_first = await _post(session, direct, messages, stream)
        added.append((p_all - (d_all + d2_all) / 2) * 1000)
        added_first.append((p_first - (d_first + d2_first) / 2) * 1000)
    return added, added_first


async def run(n: int, doc_n: int) -> int:
    rng = random.Random(1)
    vendor = FakeVendor(chunks=20)
    await vendor.start()
    guard = GuardProcess(vendor.base_url)
    history = conversation(29, rng)
    doc = long_document(500_000)
    rows: list[list[object]] = []
    checks: list[bool] = []
    try:
        timeout = aiohttp.ClientTimeout(total=600)
        async with aiohttp.ClientSession(timeout=timeout) as session:
            direct, proxied = vendor.base_url, guard.base_url
            # Warm up both paths, and let the proxy see the conversation grow turn by turn,
            # as a chat client sends it.
            for _ in range(5):
                await _post(session, proxied, [{"role": "user", "content": short_prompt(rng)}], False)
                await _post(session, direct, [{"role": "user", "content": "hi"}], False)
            for k in range(1, 30):
                await _post(session, proxied, history[: 2 * k], False)
            seen = [short_prompt(rng) for _ in range(n)]
            for prompt in seen:
                await _post(session, proxied, [{"role": "user", "content": prompt}], False)
            seen_iter = iter(seen)

            def short() -> list[dict[str, str]]:
                return [{"role": "user", "content": short_prompt(rng)}]

            def short_seen() -> list[dict[str, str]]:
                return [{"role": "user", "content": next(seen_iter)}]

            def turn30() -> list[dict[str, str]]:
                return [*history, {"role": "user", "content": short_prompt(rng)}]

            def document() -> list[dict[str, str]]:
                return [{"role": "user", "content": f"Summarise this ({rng.random()}):\n\n{doc}"}]

            print(f"measuring ({n} requests per scenario)...", flush=True)
            # The 500 KB document goes last: its audit rows (tens of thousands) are written in
            # the background after its answer, and would otherwise overlap the scenarios after it.
            scenarios: list[tuple[str, Any, int, bool, float | None]] = [
                ("short prompt", short, n, False, 10.0),
                ("short prompt seen before (cache hit)", short_seen, n, False, None),
                ("turn 30, history seen before (58 messages)", turn30, n, False, 10.0),
                ("first chunk, short prompt", short, n, True, 5.0),
                ("first chunk, turn 30", turn30, n, True, 5.0),
                ("500 KB document (fresh)", document, doc_n, False, None),
            ]
            for name, make, count, stream, target in scenarios:
                added, added_first = await measure(session, direct, proxied, make, count, stream)
                samples = added_first if stream else added
                p50, p99 = percentile(samples, 50), percentile(samples, 99)
                ok = target is None or p50 <= target
                if target is not None:
                    checks.append(ok)
                rows.append(
                    [name, count, f"{p50:.1f}", f"{p99:.1f}",
                     "–" if target is None else f"p50 ≤ {target:.0f}", "" if target is None else verdict(ok)]
                )
    finally:
        guard.close()
        await vendor.stop()
    print()
    print(table(["added latency (ms)", "requests", "p50", "p99", "target", ""], rows))
    return 0


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=60, help="requests per scenario")
    ap.add_argument("--doc-n", type=int, default=4, help="500 KB requests")
    args = ap.parse_args(argv)
    return asyncio.run(run(args.n, args.doc_n))


if __name__ == "__main__":
    sys.exit(main())
