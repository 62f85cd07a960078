"""`guard serve` as a process, the way `make run` and the container start it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import openai

from tests.harness import FakeUpstream, closed_port

ROOT = Path(__file__).resolve().parent.parent


def _wait_healthy(url: str, proc: subprocess.Popen[str], seconds: float = 60) -> dict[str, object]:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise AssertionError(f"guard exited: {proc.stderr.read() if proc.stderr else ''}")
        try:
            with urllib.request.urlopen(url, timeout=1) as resp:
                return json.loads(resp.read())  # type: ignore[no-any-return]
        except OSError:
            time.sleep(0.2)
    raise AssertionError("guard did not become healthy")


def test_container_config_serves_with_env_overrides(
    tmp_path: Path, fake_upstream: FakeUpstream
) -> None:
    # The container's own config, with its absolute paths moved into tmp (same content otherwise).
    text = (ROOT / "deploy/guard.yaml").read_text()
    text = text.replace("/var/lib/guard", str(tmp_path / "state"))
    text = text.replace("/etc/guard/policies", str(ROOT / "policies"))
    cfg = tmp_path / "guard.yaml"
    cfg.write_text(text)
    port = closed_port()
    env = {**os.environ, "GUARD_UPSTREAM_KIMI": fake_upstream.base_url}
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "guard",
            "serve",
            "--config",
            str(cfg),
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
        ],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        health = _wait_healthy(f"http://127.0.0.1:{port}/healthz", proc)
        assert "kimi-cn" in health["vendors"]  # type: ignore[operator]
        client = openai.OpenAI(
            base_url=f"http://127.0.0.1:{port}/kimi/v1", api_key="sk-x", max_retries=0
        )
        fake_upstream.reply = "hello"
        resp = client.chat.completions.create(
            model="kimi-k2", messages=[{"role": "user", "content": "Call Maria Gonzalez today"}]
        )
        assert resp.choices[0].message.content == "hello"
        assert "Maria" not in fake_upstream.received[0].body.decode()
        assert (tmp_path / "state" / "audit.db").exists()
        key = tmp_path / "state" / "audit.key"
        assert oct(key.stat().st_mode & 0o777) == "0o600"
    finally:
        proc.terminate()
        proc.wait(10)
