"""Detection in a pool of worker processes, so analysis never holds the proxy's GIL.

Each worker builds its own Detector once (spaCy and the lexicons, a few seconds) and then
analyses batches of (text, language) pairs; only texts go in and findings come out, so the
workers hold no request state. The proxy process keeps the cache and sends only misses.

Each worker has a pipe of its own: a task is written to it by the thread that schedules it, and a
reader thread per worker takes the answer. (concurrent.futures' process pool passes every task
through two more threads of the server, which wait for the GIL behind whatever else the server
is doing: 0.4-0.7 ms a task against 0.1-0.15 ms on a plain pipe, measured here.) A worker that
dies fails only the task it held, which is tried once more, and is replaced.

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

import contextlib
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
from multiprocessing.connection import Connection
from typing import Any

from guard.detect import Detector, Finding, Part, detector_version
from guard.errors import ConfigError
from guard.language import detect_language

log = logging.getLogger("guard")

TASK_CHARS = 8_000
QUIET_SECONDS = 1.0
START_TIMEOUT_SECONDS = 300.0


class WorkerDied(RuntimeError):
    """A detector worker ended while it held a task."""


class WorkerFailed(RuntimeError):
    """A detector worker raised while analysing; the message names the exception type only
    (its text may quote the request)."""


def _worker_main(conn: Connection, spacy_model: str) -> None:
    # Ctrl-C reaches the whole process group; the parent decides when workers stop.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    # Analysis is batch work; the server's event loop relays streams and must get the CPU
    # first when the two compete.
    os.nice(5)
    try:
        detector = Detector(spacy_model)
    except ConfigError as exc:
        conn.send(("failed", str(exc)))  # our own message: names settings, never a request
        return
    # The detector's objects live as long as the worker; full collections need not walk them.
    gc.freeze()
    conn.send(("ready", os.getpid()))
    while True:
        try:
            message = conn.recv()
        except (EOFError, OSError):
            return
        if message is None:
            return
        items, part = message
        try:
            findings = detector.analyze_batch(items, part)
        except Exception as exc:
            conn.send(("error", type(exc).__name__))
        else:
            conn.send(("ok", findings))


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


class _Worker:
    """One worker process, its end of the pipe and the task it holds."""

    def __init__(self, index: int, process: Any, conn: Connection | None) -> None:
        self.index = index
        self.process = process
        self.conn = conn
        self.task: tuple[_Job, list[int]] | None = None
        self.ready = threading.Event()
        self.startup_error: str | None = None


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
        self._cv = threading.RLock()
        self._queue: list[tuple[int, int, int, _Job]] = []
        self._seq = 0
        self._last_short = -QUIET_SECONDS
        self._timer: threading.Timer | None = None
        self._closed = False
        self.restarts = 0  # workers replaced after they ended: for the metrics
        # forkserver: workers never inherit the proxy's threads or sockets, and the heavy
        # imports are done once in the fork server and shared by every worker it forks.
        self._ctx = multiprocessing.get_context("forkserver")
        self._ctx.set_forkserver_preload(["guard.detect"])
        with self._cv:
            self._workers = [self._spawn(i) for i in range(self.processes)]

    def _spawn(self, index: int) -> _Worker:
        parent, child = self._ctx.Pipe()
        process = self._ctx.Process(
            target=_worker_main, args=(child, self.spacy_model), name=f"guard-detector-{index}", daemon=True
        )
        process.start()
        child.close()
        worker = _Worker(index, process, parent)
        reader = threading.Thread(
            target=self._read, args=(worker,), name=f"guard-detector-reader-{index}", daemon=True
        )
        reader.start()
        return worker

    def warm_up(self, timeout: float = START_TIMEOUT_SECONDS) -> None:
        """Wait until every worker has built its detector; a worker that cannot is an error."""
        deadline = time.monotonic() + timeout
        for worker in list(self._workers):
            if not worker.ready.wait(max(0.0, deadline - time.monotonic())):
                raise RuntimeError(f"detector worker {worker.index} did not start in {timeout:.0f} s")
            if worker.startup_error is not None:
                raise ConfigError(worker.startup_error)

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
            except WorkerDied:
                # Killed (out of memory, by hand) while it held one of our tasks: its
                # replacement is starting; try once more.
                return self._wait(self._submit(items))

        return wait

    def _submit(self, items: Sequence[tuple[str, str]]) -> _Job:
        with self._cv:
            if self._closed:
                raise RuntimeError("the detector pool is closed")
            job = _Job(items, self._seq)
            self._seq += 1
            job.groups = [(group, "all") for group in tasks(items)]
            job.long = len(job.groups) > 1
            if not job.long:
                self._last_short = time.monotonic()
            if len(job.groups) == 1 and not self._queue and len(self._idle()) >= 2:
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

    def _idle(self) -> list[_Worker]:
        # A worker still building its detector (a replacement) gets nothing yet: a task sent
        # now would wait seconds in its pipe while another worker may be free sooner.
        return [
            w for w in self._workers if w.task is None and w.ready.is_set() and w.startup_error is None
        ]

    def _pump(self) -> None:
        """Start queued tasks while workers are free, smallest request first (lock held)."""
        if all(w.startup_error is not None for w in self._workers):
            # No worker left to do the work: fail what waits rather than leave it hanging.
            for _, _, _, job in self._queue:
                job.fail(WorkerFailed("no detector worker is running"))
            self._queue.clear()
            return
        while self._queue:
            idle = self._idle()
            if not idle:
                return
            if self._queue[0][3].long and len(idle) == 1 and self.processes > 1:
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
            worker = idle[0]
            worker.task = (job, group)
            try:
                self._send(worker, [job.items[i] for i in group], part)
            except (OSError, ValueError):
                # Its pipe is closed: the worker is gone, and its reader is replacing it.
                worker.task = None
                job.fail(WorkerDied("a detector worker is gone"))

    def _send(self, worker: _Worker, items: list[tuple[str, str]], part: Part) -> None:
        assert worker.conn is not None
        worker.conn.send((items, part))

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

    def _read(self, worker: _Worker) -> None:
        """The reader thread of one worker: its start, its answers, its end."""
        assert worker.conn is not None
        while True:
            try:
                message = worker.conn.recv()
            except (EOFError, OSError):
                self._ended(worker)
                return
            kind = message[0]
            if kind == "ready":
                with self._cv:
                    worker.ready.set()
                    self._pump()
            elif kind == "failed":
                worker.startup_error = message[1]
                worker.ready.set()
            else:
                self._finished(worker, message)

    def _finished(self, worker: _Worker, message: tuple[str, Any]) -> None:
        with self._cv:
            if worker.task is None:
                return
            job, group = worker.task
            worker.task = None
            kind, payload = message
            if kind == "ok":
                for i, findings in zip(group, payload, strict=True):
                    # Both halves of a split task add to the same lists.
                    job.out[i].extend(findings)
                job.pending -= 1
                if job.pending == 0:
                    job.done.set()
            else:
                job.fail(WorkerFailed(f"the detector raised {payload}"))
            self._pump()

    def _ended(self, worker: _Worker) -> None:
        with self._cv:
            if worker.task is not None:
                job, _ = worker.task
                worker.task = None
                job.fail(WorkerDied("a detector worker died"))
            if self._closed or worker.startup_error is not None:
                return
            code = worker.process.exitcode if worker.process is not None else None
            log.error("detector worker %d ended (exit code %s); starting another", worker.index, code)
            try:
                self._workers[worker.index] = self._spawn(worker.index)
                self.restarts += 1
            except Exception as exc:  # the fork server itself is gone, or the machine is out of memory
                log.error("detector worker %d could not be started: %s", worker.index, type(exc).__name__)
                worker.startup_error = "could not be restarted"
            self._pump()

    def stats(self) -> dict[str, int]:
        """Workers by state, and how many were replaced: for the metrics."""
        with self._cv:
            failed = sum(w.startup_error is not None for w in self._workers)
            ready = sum(w.ready.is_set() and w.startup_error is None for w in self._workers)
            return {
                "restarts": self.restarts,
                "ready": ready,
                "starting": len(self._workers) - ready - failed,
                "failed": failed,
            }

    def close(self, wait: bool = False) -> None:
        with self._cv:
            self._closed = True
            if self._timer is not None:
                self._timer.cancel()
            for _, _, _, job in self._queue:
                job.fail(RuntimeError("the detector pool is closed"))
            self._queue.clear()
            workers = list(self._workers)
        for worker in workers:
            if worker.conn is not None:
                with contextlib.suppress(OSError, ValueError):
                    worker.conn.send(None)
        if wait:
            for worker in workers:
                if worker.process is not None:
                    worker.process.join(10)
                    if worker.process.is_alive():
                        worker.process.terminate()
