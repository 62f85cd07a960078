"""Detection in a pool of worker processes, so analysis never holds the proxy's GIL.

Each worker builds its own Detector once (spaCy and the lexicons, a few seconds) and then
analyses batches of (text, language) pairs; only texts go in and findings come out, so the
workers hold no request state. The proxy process keeps the cache and sends only misses.

A long document arrives as many pieces. They are sent in tasks of about `TASK_CHARS`, and one
call keeps at most one task per worker in flight: other requests' tasks queue behind a few
pieces, not behind the whole document.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import signal
import threading
from collections.abc import Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool

from guard.detect import Detector, Finding, detector_version
from guard.language import detect_language

log = logging.getLogger("guard")

TASK_CHARS = 24_000

_DETECTOR: Detector | None = None


def _init_worker(spacy_model: str) -> None:
    global _DETECTOR
    # Ctrl-C reaches the whole process group; the parent decides when workers stop.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _DETECTOR = Detector(spacy_model)


def _analyze(items: Sequence[tuple[str, str]]) -> list[list[Finding]]:
    assert _DETECTOR is not None
    return _DETECTOR.analyze_batch(items)


def _ready() -> int:
    return os.getpid()


def default_processes(servers: int = 1) -> int:
    """Workers per server process: the machine's cores shared among the servers."""
    return max(1, (os.cpu_count() or 1) // max(1, servers))


def tasks(items: Sequence[tuple[str, str]], limit: int = TASK_CHARS) -> list[list[int]]:
    """Indices of `items` grouped into tasks of about `limit` characters, in order."""
    groups: list[list[int]] = []
    size = limit
    for i, (text, _) in enumerate(items):
        if size + len(text) > limit and (not groups or groups[-1]):
            groups.append([])
            size = 0
        groups[-1].append(i)
        size += len(text)
    return groups


class PooledDetector:
    """The TextAnalyzer interface of Detector, backed by worker processes."""

    def __init__(self, spacy_model: str, processes: int) -> None:
        self.spacy_model = spacy_model
        self.processes = max(1, processes)
        self.version = detector_version(spacy_model)
        self._lock = threading.Lock()
        self._executor = self._start()

    def _start(self) -> ProcessPoolExecutor:
        # forkserver: workers never inherit the proxy's threads or sockets, and the heavy
        # imports are done once in the server and shared by every worker it forks.
        ctx = multiprocessing.get_context("forkserver")
        ctx.set_forkserver_preload(["guard.detect"])
        return ProcessPoolExecutor(
            self.processes, mp_context=ctx, initializer=_init_worker, initargs=(self.spacy_model,)
        )

    def warm_up(self) -> None:
        """Start every worker and wait until each has built its detector."""
        barrier = [self._executor.submit(_ready) for _ in range(self.processes * 2)]
        for f in barrier:
            f.result()
        self._executor.submit(_analyze, [("warm up", "en")]).result()

    def language_of(self, text: str) -> str:
        return detect_language(text)

    def analyze(self, text: str, language: str = "en") -> list[Finding]:
        return self.analyze_batch([(text, language)])[0]

    def analyze_batch(self, items: Sequence[tuple[str, str]]) -> list[list[Finding]]:
        try:
            return self._run(items)
        except BrokenProcessPool:
            # A worker died (out of memory, killed): start a fresh pool and try once more.
            log.error("detector pool broken; restarting it")
            with self._lock:
                self._executor.shutdown(wait=False, cancel_futures=True)
                self._executor = self._start()
            return self._run(items)

    def _run(self, items: Sequence[tuple[str, str]]) -> list[list[Finding]]:
        out: list[list[Finding]] = [[] for _ in items]
        pending = tasks(items)
        pending.reverse()
        running: dict[Future[list[list[Finding]]], list[int]] = {}
        executor = self._executor
        while pending or running:
            while pending and len(running) < self.processes:
                group = pending.pop()
                running[executor.submit(_analyze, [items[i] for i in group])] = group
            done, _ = wait(running, return_when=FIRST_COMPLETED)
            for f in done:
                group = running.pop(f)
                for i, findings in zip(group, f.result(), strict=True):
                    out[i] = findings
        return out

    def close(self) -> None:
        self._executor.shutdown(wait=False, cancel_futures=True)
