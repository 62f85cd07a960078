"""64 streaming clients keep flowing while another client sends a 500 KB document.

    .venv/bin/python bench/concurrency.py [--clients 64]

The fake vendor streams 50 chunks 20 ms apart. Each client streams one chat after another (each
with a fresh short prompt) until the document's request has been answered; the gaps between the
chunks each client receives are recorded. The same run is made against the vendor directly,
then through `guard serve` (a subprocess), whose peak memory (VmHWM, from /proc) is read for its
server process and for its detector workers.
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
from bench._util import long_document, percentile, table, verdict
from bench.latency import short_prompt

CHUNK_GAP = 0.02
SLOW: list[tuple[float, float]] = []  # (when, gap) of gaps over 100 ms, to place them in time


async def _stream(
    session: aiohttp.ClientSession, url: str, prompt: str, gaps: list[float], firsts: list[float]
) -> None:
    body: dict[str, Any] = {
        "model": "kimi-k2",
        "stream": True,
        "messages": [{"role": "user", "content": prompt}],
    }
    t0 = time.perf_counter()
    async with session.post(url + "/chat/completions", json=body) as resp:
        assert resp.status == 200, resp.status
        last = 0.0
        async for line in resp.content:
            if not line.startswith(b"data:"):
                continue
            now = time.perf_counter()
            if last:
                gaps.append(now - last)
                if now - last > 0.1:
                    SLOW.append((now, now - last))
            else:
                firsts.append(now - t0)
            last = now


async def phase(url: str, clients: int, doc: str) -> dict[str, Any]:
    rng = random.Random(5)
    gaps: list[float] = []
    firsts: list[float] = []
    stop = asyncio.Event()
    conn = aiohttp.TCPConnector(limit=clients + 8)
    async with aiohttp.ClientSession(
        connector=conn, timeout=aiohttp.ClientTimeout(total=900)
    ) as session:

        async def client() -> None:
            while not stop.is_set():
                await _stream(session, url, short_prompt(rng), gaps, firsts)

        tasks = [asyncio.create_task(client()) for _ in range(clients)]
        await asyncio.sleep(2.0)  # streams are flowing
        gaps.clear()
        firsts.clear()
        t0 = time.perf_counter()
        body = {"model": "kimi-k2", "messages": [{"role": "user", "content": doc}]}
        async with session.post(url + "/chat/completions", json=body) as resp:
            assert resp.status == 200, (resp.status, await resp.text())
            await resp.read()
        doc_seconds = time.perf_counter() - t0
        slow = [(when - t0, gap) for when, gap in SLOW if when >= t0]
        if slow:
            print(
                f"  {len(slow)} gaps over 100 ms, between {slow[0][0]:.1f} s and {slow[-1][0]:.1f} s"
                f" (the document was answered at {doc_seconds:.1f} s)"
            )
        SLOW.clear()
        # Streams are measured for at least 5 s, however fast the document went through.
        await asyncio.sleep(max(0.0, 5.0 - doc_seconds))
        stop.set()
        await asyncio.gather(*tasks)
    return {"gaps": gaps, "firsts": firsts, "doc": doc_seconds}


async def run(clients: int) -> int:
    vendor = FakeVendor(chunks=50, gap=CHUNK_GAP)
    await vendor.start()
    doc = "Please review this document.\n\n" + long_document(500_000)
    results = {}
    try:
        print(f"direct: {clients} streams + one {len(doc) // 1000} KB request...", flush=True)
        results["direct"] = await phase(vendor.base_url, clients, doc)
        guard = GuardProcess(vendor.base_url)
        try:
            base = sum(guard.memory_kb("VmRSS").values())
            print(f"through guard (pids {guard.tree_pids()})...", flush=True)
            results["guard"] = await phase(guard.base_url, clients, doc)
            peaks = guard.memory_kb("VmHWM")
            main_peak = peaks.get(guard.proc.pid, 0)
        finally:
            guard.close()
    finally:
        await vendor.stop()

    rows = []
    for name, r in results.items():
        g = [x * 1000 for x in r["gaps"]]
        f = [x * 1000 for x in r["firsts"]]
        rows.append(
            [
                name,
                len(g),
                f"{percentile(g, 50):.0f}",
                f"{percentile(g, 99):.0f}",
                f"{max(g):.0f}",
                f"{percentile(f, 50):.0f}",
                f"{percentile(f, 99):.0f}",
                f"{r['doc']:.1f}",
            ]
        )
    print()
    print(
        table(
            [
                f"{clients} streams + 500 KB",
                "chunks",
                "gap p50 ms",
                "gap p99 ms",
                "worst gap ms",
                "first chunk p50 ms",
                "first chunk p99 ms",
                "500 KB request s",
            ],
            rows,
        )
    )
    worst_direct = max(results["direct"]["gaps"]) * 1000
    worst_guard = max(results["guard"]["gaps"]) * 1000
    limit = max(100.0, 2 * worst_direct)
    print()
    print(
        table(
            ["memory (guard)", "MB"],
            [
                ["server process, at start (all processes)", f"{base / 1024:.0f}"],
                ["server process, peak", f"{main_peak / 1024:.0f}"],
                ["all processes, sum of peaks", f"{sum(peaks.values()) / 1024:.0f}"],
            ],
        )
    )
    print()
    print(
        f"streams keep flowing (worst gap through guard ≤ max(100 ms, 2 × direct = "
        f"{2 * worst_direct:.0f} ms)): {verdict(worst_guard <= limit)} ({worst_guard:.0f} ms)"
    )
    return 0


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--clients", type=int, default=64)
    args = ap.parse_args(argv)
    return asyncio.run(run(args.clients))


if __name__ == "__main__":
    sys.exit(main())
