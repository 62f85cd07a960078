"""Produce the README's sample `guard audit` output: a real `guard serve`, a fake vendor on a
loopback port (tests/harness.py), a few requests with the OpenAI SDK, then `guard audit`.

    .venv/bin/python scripts/sample_audit.py

Nothing leaves the machine; the audit trail is written to a temporary folder.
"""

from __future__ import annotations

import contextlib
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import openai

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.harness import FakeUpstream, closed_port  # noqa: E402
from tests.test_serve_cli import _wait_healthy  # noqa: E402


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp, FakeUpstream() as vendor:
        env = {
            **os.environ,
            "GUARD_DATA_DIR": tmp,
            "GUARD_UPSTREAM_KIMI": vendor.base_url,
            "GUARD_UPSTREAM_QWEN": vendor.base_url,
        }
        port = closed_port()
        server = subprocess.Popen(
            [sys.executable, "-m", "guard", "serve", "--port", str(port)],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        try:
            _wait_healthy(f"http://127.0.0.1:{port}/healthz", server)
            kimi = openai.OpenAI(base_url=f"http://127.0.0.1:{port}/kimi/v1", api_key="sk-x", max_retries=0)
            qwen = openai.OpenAI(base_url=f"http://127.0.0.1:{port}/qwen/v1", api_key="sk-x", max_retries=0)
            vendor.reply = "Done."
            kimi.chat.completions.create(
                model="kimi-k2-0905-preview",
                messages=[
                    {
                        "role": "user",
                        "content": "Write to Maria Gonzalez (maria.gonzalez@example.com): her card "
                        "4111 1111 1111 1111 was charged twice.",
                    }
                ],
            )
            list(
                qwen.chat.completions.create(
                    model="qwen-plus",
                    stream=True,
                    messages=[
                        {
                            "role": "user",
                            "content": "Call Maria Gonzalez on +1 415-555-0132 about her diabetes "
                            "check-up.",
                        }
                    ],
                )
            )
            qwen.embeddings.create(
                model="text-embedding-v4", input=["Maria Gonzalez signed the lease in March."]
            )
            key = "sk-proj-abcdefghijklmnopqrstuvwxyz0123456789ABCD"
            for messages in (
                [{"role": "user", "content": f"Deploy with {key} please"}],
                [
                    {"role": "user", "content": "Deploy it"},
                    {
                        "role": "assistant",
                        "content": None,
                        "tool_calls": [
                            {
                                "id": "c1",
                                "type": "function",
                                "function": {"name": "deploy", "arguments": json.dumps({"token": key})},
                            }
                        ],
                    },
                ],
            ):
                with contextlib.suppress(openai.BadRequestError):  # blocked, as intended
                    kimi.chat.completions.create(model="kimi-k2-0905-preview", messages=messages)  # type: ignore[arg-type]
            with contextlib.suppress(openai.NotFoundError):  # refused, as intended
                kimi.files.list()
        finally:
            server.terminate()
            server.wait(30)
        for args in (["audit"], ["audit", "--jsonl"]):
            done = subprocess.run(
                [sys.executable, "-m", "guard", *args], env=env, capture_output=True, text=True, check=True
            )
            print(f"$ guard {' '.join(args)}")
            if args[-1] == "--jsonl":
                # The first blocked request: its finding has the same shape as any other.
                rows = [json.loads(line) for line in done.stdout.splitlines()]
                print(json.dumps(next(r for r in rows if r["decision"] == "blocked"), indent=2))
            else:
                print(done.stdout)


if __name__ == "__main__":
    main()
