"""Hand-off cost of one task to a worker process: concurrent.futures' process pool vs a plain
pipe per worker (what guard.pool uses), in one run.

    .venv/bin/python bench/ipc.py [--n 300]

The task is a short chat message and the worker sends it straight back, so only the hand-off
is timed; with a 5 ms pause before each task as well, since workers sit idle between chat
messages.
"""

from __future__ import annotations

import argparse
import multiprocessing
import statistics
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from multiprocessing.connection import Connection

PAYLOAD = [("Hi, I'm Maria Gonzalez (maria.1@example.com). Can you plan three days in Lisbon?", "en")]


def _echo(x: object) -> object:
    return x


def _serve(conn: Connection) -> None:
    while True:
        x = conn.recv()
        if x is None:
            return
        conn.send(x)


def _p50_ms(run: object, n: int, pause: float) -> float:
    times = []
    for _ in range(n):
        if pause:
            time.sleep(pause)
        t = time.perf_counter()
        run()  # type: ignore[operator]
        times.append((time.perf_counter() - t) * 1000)
    return statistics.median(times)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=300)
    args = ap.parse_args(argv)
    ctx = multiprocessing.get_context("forkserver")
    executor = ProcessPoolExecutor(1, mp_context=ctx)
    executor.submit(_echo, 1).result()
    parent, child = ctx.Pipe()
    worker = ctx.Process(target=_serve, args=(child,), daemon=True)
    worker.start()
    parent.send(1)
    parent.recv()

    def pipe() -> None:
        parent.send(PAYLOAD)
        parent.recv()

    def pool() -> None:
        executor.submit(_echo, PAYLOAD).result()

    print("| hand-off, p50 ms | back to back | after 5 ms idle |")
    print("|---|---|---|")
    for name, run in (("concurrent.futures process pool", pool), ("pipe per worker", pipe)):
        print(f"| {name} | {_p50_ms(run, args.n, 0):.3f} | {_p50_ms(run, args.n, 0.005):.3f} |")
    parent.send(None)
    worker.join()
    executor.shutdown()
    return 0


if __name__ == "__main__":
    sys.exit(main())
