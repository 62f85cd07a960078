"""Detection in a pool of worker processes, so analysis never holds the proxy's GIL.

Each worker builds its own Detector once (spaCy and the lexicons, a few seconds) and then
analyses batches of (text, language) pairs; only texts go in and findings come out, so the
workers hold no request state. The proxy process keeps the cache and sends only misses.

A long document arrives as many pieces, sent in tasks of about `TASK_CHARS`. Tasks wait in one
queue ordered by the size of the request they belong to, and a worker that frees up takes the
smallest request's next task: a short prompt waits for at most the pieces already running, never
for the rest of a document, and a document still gets every worker when nothing else waits.

While short requests (one task) keep arriving, a long one leaves the last free worker to them: a
chat message then never waits for a document's piece, and the document has every worker again
once the chat has been quiet for `QUIET_SECONDS`.

A request that makes one task, arriving while two workers are idle, is split in two instead:
spaCy's NER in one worker and every other recognizer in the other (Detector's "ner" and "rules"
parts), so a fresh chat message waits for the longer half rather than for both.
"""

from __future__ import annotations

import functools
import gc
import heapq
import logging
import multiprocessing
import os
import signal
import sys
import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool

from guard.detect import Detector, Finding, Part, detector_version
from guard.language import detect_language

log = logging.getLogger("guard")

TASK_CHARS = 8_000
QUIET_SECONDS = 1.0

_DETECTOR: Detector | None = None


def _init_worker(spacy_model: str) -> None:
    global _DETECTOR
    # Ctrl-C reaches the whole process group; the parent decides when workers stop.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    # Analysis is batch work; the server's event loop relays streams and must get the CPU
    # first when the two compete.
    os.nice(5)
    _DETECTOR = Detector(spacy_model)
    # The detector's objects live as long as the worker; full collections need not walk them.
    gc.freeze()


def _analyze(items: Sequence[tuple[str, str]], part: Part = "all") -> list[list[Finding]]:
    assert _DETECTOR is not None
    return _DETECTOR.analyze_batch(items, part)


def _ready() -> int:
    time.sleep(0.05)  # long enough that each worker takes one of the warm-up calls
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


class _Job:
    """One analyze_batch call: its items, its tasks, and the findings as they come back."""

    def __init__(self, items: Sequence[tuple[str, str]], seq: int) -> None:
        self.items = items
        self.seq = seq
        self.size = sum(len(t) for t, _ in items)
        self.groups: list[tuple[list[int], Part]] = []
        self.out: list[list[Finding]] = [[] for _ in items]
        self.pending = 0
        self.error: BaseException | None = None
        self.done = threading.Event()
        self.long = False

    def fail(self, exc: BaseException) -> None:
        if self.error is None:
            self.error = exc
        self.done.set()


class PooledDetector:
    """The TextAnalyzer interface of Detector, backed by worker processes."""

    def __init__(self, spacy_model: str, processes: int) -> None:
        # What is left in the server process after detection (planning and rewriting a long
        # document) is Python holding the GIL in an inspection thread; the event loop waits for
        # the GIL after every socket call, 5 ms by default, which starves busy streams. A
        # shorter interval keeps them flowing at a small cost to that thread.
        sys.setswitchinterval(0.0005)
        self.spacy_model = spacy_model
        self.processes = max(1, processes)
        self.version = detector_version(spacy_model)
        # Re-entrant: a future that is already done runs its callback in the submitting thread.
        self._cv = threading.RLock()
        self._generation = 0
        self._queue: list[tuple[int, int, int, _Job]] = []
        self._busy = 0
        self._seq = 0
        self._last_short = -QUIET_SECONDS
        self._timer: threading.Timer | None = None
        self._executor: ProcessPoolExecutor | None = self._start()

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
        assert self._executor is not None
        barrier = [self._executor.submit(_ready) for _ in range(self.processes * 2)]
        for f in barrier:
            f.result()
        self._executor.submit(_analyze, [("warm up", "en")]).result()

    def language_of(self, text: str) -> str:
        return detect_language(text)

    def analyze(self, text: str, language: str = "en") -> list[Finding]:
        return self.analyze_batch([(text, language)])[0]

    def analyze_batch(self, items: Sequence[tuple[str, str]]) -> list[list[Finding]]:
        return self.start_batch(items)()

    def start_batch(
        self, items: Sequence[tuple[str, str]]
    ) -> Callable[[], list[list[Finding]]]:
        """Queue the batch and return at once; calling the result waits for the findings.

        The caller can do other work (transforming slots already analysed) meanwhile.
        """
        if not items:
            return list
        job = self._submit(items)

        def wait() -> list[list[Finding]]:
            try:
                return self._wait(job)
            except BrokenProcessPool:
                return self._retry(items)

        return wait

    def _retry(self, items: Sequence[tuple[str, str]]) -> list[list[Finding]]:
        # A worker died (out of memory, killed): start a fresh pool and try once more.
        with self._cv:
            # Every caller waiting on the broken pool gets here; one restarts it.
            if getattr(self._executor, "_broken", False):
                log.error("detector pool broken; restarting it")
                assert self._executor is not None
                self._executor.shutdown(wait=False, cancel_futures=True)
                self._executor = self._start()
                self._generation += 1
                self._busy = 0
        return self._run(items)

    def _run(self, items: Sequence[tuple[str, str]]) -> list[list[Finding]]:
        if not items:
            return []
        return self._wait(self._submit(items))

    def _submit(self, items: Sequence[tuple[str, str]]) -> _Job:
        with self._cv:
            job = _Job(items, self._seq)
            self._seq += 1
            job.groups = [(group, "all") for group in tasks(items)]
            job.long = len(job.groups) > 1
            if not job.long:
                self._last_short = time.monotonic()
            if len(job.groups) == 1 and not self._queue and self.processes - self._busy >= 2:
                group = job.groups[0][0]
                job.groups = [(group, "ner"), (group, "rules")]
            job.pending = len(job.groups)
            for index in range(len(job.groups)):
                heapq.heappush(self._queue, (job.size, job.seq, index, job))
            self._pump()
        return job

    @staticmethod
    def _wait(job: _Job) -> list[list[Finding]]:
        job.done.wait()
        if job.error is not None:
            raise job.error
        return job.out

    def _pump(self) -> None:
        """Start queued tasks while workers are free, smallest request first (lock held)."""
        while self._queue and self._busy < self.processes:
            if self._queue[0][3].long and self.processes - self._busy == 1:
                # The smallest waiting request is long (so are all the others): the last free
                # worker is kept for short ones while they keep coming.
                quiet = self._last_short + QUIET_SECONDS - time.monotonic()
                if quiet > 0:
                    self._wake_after(quiet)
                    return
            _, _, index, job = heapq.heappop(self._queue)
            if job.error is not None:
                continue
            group, part = job.groups[index]
            self._busy += 1
            assert self._executor is not None
            try:
                future = self._executor.submit(_analyze, [job.items[i] for i in group], part)
            except BaseException as exc:  # a broken pool refuses submissions
                self._busy -= 1
                job.fail(exc)
                continue
            future.add_done_callback(functools.partial(self._finished, self._generation, job, group))

    def _wake_after(self, seconds: float) -> None:
        """Look at the queue again when the chat has been quiet long enough (lock held)."""
        if self._timer is not None and self._timer.is_alive():
            return
        self._timer = threading.Timer(seconds + 0.001, self._wake)
        self._timer.daemon = True
        self._timer.start()

    def _wake(self) -> None:
        with self._cv:
            self._timer = None
            self._pump()

    def _finished(
        self, generation: int, job: _Job, group: list[int], future: Future[list[list[Finding]]]
    ) -> None:
        with self._cv:
            if generation == self._generation:
                self._busy -= 1
            try:
                for i, findings in zip(group, future.result(), strict=True):
                    # Both halves of a split task add to the same lists.
                    job.out[i].extend(findings)
                job.pending -= 1
                if job.pending == 0:
                    job.done.set()
            except BaseException as exc:
                job.fail(exc)
            self._pump()

    def close(self, wait: bool = False) -> None:
        with self._cv:
            if self._timer is not None:
                self._timer.cancel()
        if self._executor is not None:
            self._executor.shutdown(wait=wait, cancel_futures=True)
