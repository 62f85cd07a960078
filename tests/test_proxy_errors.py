"""Every error the proxy answers itself: status, the vendor's error shape, an actionable message."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import openai
import pytest

from guard.config import GuardConfig
from guard.detect import Detector
from tests.harness import FakeUpstream, GuardServer, closed_port

KEY = "sk-secret-key-never-logged-42"


def post(
    url: str, body: bytes, headers: dict[str, str] | None = None, method: str = "POST"
) -> tuple[int, dict[str, Any]]:
    req = urllib.request.Request(
        url,
        data=body,
        method=method,
        headers={
            "Content-Type": "application/json",
            "Authorization": f"Bearer {KEY}",
            **(headers or {}),
        },
    )
    try:
        with urllib.request.urlopen(req, timeout=30) as resp:
            return resp.status, json.loads(resp.read())
    except urllib.error.HTTPError as err:
        return err.code, json.loads(err.read())


@pytest.fixture
def guard(tmp_path: Path, detector: Detector, fake_upstream: FakeUpstream) -> Iterator[GuardServer]:
    def small_limit(cfg: GuardConfig) -> None:
        cfg.max_body_bytes = 64 * 1024

    server = GuardServer(tmp_path, fake_upstream.base_url, detector, small_limit)
    yield server
    server.close()


def test_malformed_json_is_400_in_moonshot_shape(guard: GuardServer, fake_upstream: FakeUpstream) -> None:
    status, body = post(guard.base_url("kimi") + "/chat/completions", b'{"model": "m", "messages": [')
    assert status == 400
    assert set(body) == {"error"} and set(body["error"]) == {"type", "message", "code"}
    assert body["error"]["type"] == "invalid_request_error"
    assert body["error"]["code"] == "guard_invalid_json"
    assert "not valid JSON" in body["error"]["message"] and "line 1" in body["error"]["message"]
    assert fake_upstream.received == []


def test_malformed_json_is_400_in_dashscope_shape(guard: GuardServer) -> None:
    status, body = post(guard.base_url("qwen") + "/chat/completions", b"[1, 2]")
    assert status == 400
    assert body["error"]["code"] == "guard_invalid_json"
    assert body["request_id"].startswith("guard-")
    assert "must be a JSON object" in body["error"]["message"]


def test_unknown_vendor_is_404_and_lists_vendors(guard: GuardServer) -> None:
    status, body = post(guard.root + "/deepseek/v1/chat/completions", b"{}")
    assert status == 404
    assert body["error"]["code"] == "guard_unknown_vendor"
    assert "kimi" in body["error"]["message"] and "qwen" in body["error"]["message"]


def test_unknown_endpoint_is_refused_and_nothing_forwarded(
    guard: GuardServer, fake_upstream: FakeUpstream
) -> None:
    status, body = post(guard.base_url("kimi") + "/files", b'{"purpose": "file-extract"}')
    assert status == 404
    assert "not inspected" in body["error"]["message"]
    status, body = post(guard.base_url("kimi") + "/chat/completions", b"", method="GET")
    assert status == 405
    assert fake_upstream.received == []


def test_oversize_body_is_413(guard: GuardServer, fake_upstream: FakeUpstream) -> None:
    big = json.dumps({"model": "m", "messages": [{"role": "user", "content": "a" * 70_000}]})
    status, body = post(guard.base_url("qwen") + "/chat/completions", big.encode())
    assert status == 413
    assert body["error"]["code"] == "guard_request_too_large"
    assert "65536" in body["error"]["message"] and "max_body_bytes" in body["error"]["message"]
    assert fake_upstream.received == []


def test_large_body_under_the_limit_is_accepted(
    tmp_path: Path, detector: Detector, fake_upstream: FakeUpstream
) -> None:
    server = GuardServer(tmp_path, fake_upstream.base_url, detector)
    try:
        # Several MB: a base64 image (passed through) and a long text part (inspected).
        image = "data:image/png;base64," + "iVBORw0KGgo" * 400_000
        text = "The quarterly report lists revenue by region and by quarter. " * 3_000
        fake_upstream.reply = "ok"
        c = openai.OpenAI(base_url=server.base_url("kimi"), api_key=KEY, max_retries=0, timeout=120)
        resp = c.chat.completions.create(
            model="m",
            messages=[
                {
                    "role": "user",
                    "content": [
                        {"type": "text", "text": text},
                        {"type": "image_url", "image_url": {"url": image}},
                    ],
                }
            ],
        )
        assert resp.choices[0].message.content == "ok"
        assert len(fake_upstream.received[0].body) > 4_000_000
    finally:
        server.close()


def test_upstream_unreachable_is_502(tmp_path: Path, detector: Detector) -> None:
    server = GuardServer(tmp_path, f"http://127.0.0.1:{closed_port()}/v1", detector)
    try:
        c = openai.OpenAI(base_url=server.base_url("kimi"), api_key=KEY, max_retries=0)
        with pytest.raises(openai.APIStatusError) as info:
            c.chat.completions.create(model="m", messages=[{"role": "user", "content": "hi"}])
        assert info.value.status_code == 502
        assert "cannot connect to the kimi upstream" in str(info.value)
        assert KEY not in str(info.value)
    finally:
        server.close()


def test_upstream_timeout_is_504(tmp_path: Path, detector: Detector, fake_upstream: FakeUpstream) -> None:
    def quick(cfg: GuardConfig) -> None:
        cfg.vendors["qwen"].timeout_seconds = 0.5

    server = GuardServer(tmp_path, fake_upstream.base_url, detector, quick)
    fake_upstream.mode = "hang"
    try:
        c = openai.OpenAI(base_url=server.base_url("qwen"), api_key=KEY, max_retries=0)
        with pytest.raises(openai.APIStatusError) as info:
            c.chat.completions.create(model="m", messages=[{"role": "user", "content": "hi"}])
        assert info.value.status_code == 504
        assert "did not answer in time" in str(info.value)
    finally:
        server.close()


def test_upstream_dropping_the_connection_is_502(guard: GuardServer, fake_upstream: FakeUpstream) -> None:
    fake_upstream.mode = "drop"
    status, body = post(
        guard.base_url("kimi") + "/chat/completions",
        b'{"model": "m", "messages": [{"role": "user", "content": "hi"}]}',
    )
    assert status == 502
    assert body["error"]["type"] == "upstream_error"


def test_detector_failure_fails_closed(
    guard: GuardServer, fake_upstream: FakeUpstream, monkeypatch: pytest.MonkeyPatch
) -> None:
    secret_text = "Call Maria Gonzalez"

    def broken(items: list[tuple[str, str]], part: str = "all") -> list[object]:
        raise RuntimeError(f"model crashed on {items[0][0]}")

    monkeypatch.setattr(guard.state.detector, "analyze_batch", broken)
    status, body = post(
        guard.base_url("kimi") + "/chat/completions",
        json.dumps({"model": "m", "messages": [{"role": "user", "content": secret_text}]}).encode(),
    )
    assert status == 500
    assert body["error"]["type"] == "server_error"
    assert "nothing was sent" in body["error"]["message"]
    assert secret_text not in json.dumps(body)
    assert fake_upstream.received == []


def test_token_array_embeddings_are_refused(guard: GuardServer, fake_upstream: FakeUpstream) -> None:
    status, body = post(guard.base_url("qwen") + "/embeddings", b'{"model": "e", "input": [[1, 2, 3]]}')
    assert status == 400
    assert "cannot be inspected" in body["error"]["message"]
    assert fake_upstream.received == []


def test_healthz(guard: GuardServer) -> None:
    with urllib.request.urlopen(guard.root + "/healthz", timeout=10) as resp:
        body = json.loads(resp.read())
    assert body["status"] == "ok" and body["vendors"] == ["kimi", "qwen"]


def test_internal_error_is_500_and_logs_no_request_text(
    guard: GuardServer,
    fake_upstream: FakeUpstream,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    from guard.adapters import openai as adapter

    def broken(endpoint: str, body: dict[str, Any]) -> list[object]:
        raise ValueError(f"cannot handle {body}")

    monkeypatch.setattr(adapter, "extract", broken)
    text = "Call Maria Gonzalez on +1 415-555-0132"
    status, body = post(
        guard.base_url("kimi") + "/chat/completions",
        json.dumps({"model": "m", "messages": [{"role": "user", "content": text}]}).encode(),
    )
    assert status == 500
    assert body["error"]["type"] == "server_error"
    assert "Maria" not in json.dumps(body) and "Maria" not in caplog.text
    assert "internal error: ValueError" in caplog.text
    assert fake_upstream.received == []


# --- errors name what is wrong, never the request or the server's layout (issue 9) --------

PRIVATE_PATH = "/users/john.miller@example.com/4111111111111111"


def _raw(port: int, data: bytes) -> bytes:
    import socket

    with socket.create_connection(("127.0.0.1", port), timeout=10) as s:
        s.sendall(data)
        out = b""
        while chunk := s.recv(65536):
            out += chunk
    return out


def test_404s_do_not_quote_the_path(
    guard: GuardServer, fake_upstream: FakeUpstream, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level("DEBUG")
    for url in (
        guard.base_url("kimi") + PRIVATE_PATH,  # a vendor's path that is not inspected
        guard.root + PRIVATE_PATH,  # no vendor at all
        guard.root + "/john.miller@example.com/v1/chat/completions",  # unknown vendor
    ):
        for method in ("GET", "POST"):
            status, body = post(url, b"{}", method=method)
            assert status == 404, url
            text = json.dumps(body)
            assert "john.miller" not in text and "4111" not in text and "users" not in text
            assert body["error"]["code"] in {
                "guard_endpoint_not_inspected",
                "guard_not_found",
                "guard_unknown_vendor",
            }
    assert "john.miller" not in caplog.text and "4111" not in caplog.text
    assert fake_upstream.received == []


def test_requests_aiohttp_cannot_parse_are_not_quoted(
    guard: GuardServer, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level("DEBUG")
    for raw in (
        b"GET /kimi/v1/a john.miller@example.com HTTP/1.1\r\nHost: x\r\n\r\n",
        b"POST /kimi/v1/chat/completions HTTP/1.1\r\nHost: x\r\n"
        b"Authorization: Bearer " + KEY.encode() + b"\x01\r\nContent-Length: 2\r\n\r\n{}",
    ):
        answer = _raw(guard.port, raw)
        assert answer.startswith(b"HTTP/1.") and b" 400 " in answer.split(b"\r\n")[0]
        assert b"not valid HTTP" in answer
        assert b"john.miller" not in answer and KEY.encode() not in answer
    assert "john.miller" not in caplog.text and KEY not in caplog.text
    assert "Error handling request" in caplog.text  # logged, by exception type only


def test_a_blocked_request_names_the_policy_file_not_its_path(
    guard: GuardServer, fake_upstream: FakeUpstream
) -> None:
    c = openai.OpenAI(base_url=guard.base_url("kimi"), api_key=KEY, max_retries=0)
    with pytest.raises(openai.BadRequestError) as info:
        c.chat.completions.create(
            model="m", messages=[{"role": "user", "content": "My SSN is 536-22-8410."}]
        )
    message = str(info.value)
    assert "(policy kimi.yaml)" in message
    assert str(Path(__file__).resolve().parent.parent) not in message and "/policies/" not in message
    assert fake_upstream.received == []


def test_a_block_in_tool_arguments_names_the_field_not_the_keys(
    guard: GuardServer, fake_upstream: FakeUpstream
) -> None:
    c = openai.OpenAI(base_url=guard.base_url("kimi"), api_key=KEY, max_retries=0)
    with pytest.raises(openai.BadRequestError) as info:
        c.chat.completions.create(
            model="m",
            messages=[
                {"role": "user", "content": "hi"},
                {
                    "role": "assistant",
                    "content": None,
                    "tool_calls": [
                        {
                            "id": "c1",
                            "type": "function",
                            "function": {
                                "name": "f",
                                "arguments": json.dumps({"john.miller@example.com": "536-22-8410"}),
                            },
                        }
                    ],
                },
            ],
        )
    message = str(info.value)
    assert "messages[1].tool_calls[0].function.arguments" in message
    assert "john.miller" not in message and "536-22" not in message


@pytest.mark.parametrize("vendor", ["kimi", "qwen"])
def test_upstream_errors_name_the_vendor_not_the_host(
    tmp_path: Path, detector: Detector, vendor: str
) -> None:
    port = closed_port()
    server = GuardServer(tmp_path, f"http://127.0.0.1:{port}/v1", detector)
    try:
        c = openai.OpenAI(base_url=server.base_url(vendor), api_key=KEY, max_retries=0)
        with pytest.raises(openai.APIStatusError) as info:
            c.chat.completions.create(model="m", messages=[{"role": "user", "content": "hi"}])
        message = str(info.value)
        assert info.value.status_code == 502
        assert f"cannot connect to the {vendor} upstream (connection refused)" in message
        assert "127.0.0.1" not in message and str(port) not in message
        assert info.value.code == "upstream_unreachable"
    finally:
        server.close()


def test_moonshot_shaped_errors_carry_the_guard_code(
    guard: GuardServer, fake_upstream: FakeUpstream
) -> None:
    # What a Kimi user of the OpenAI SDK sees: `e.code` names the refusal.
    c = openai.OpenAI(base_url=guard.base_url("kimi"), api_key=KEY, max_retries=0)
    with pytest.raises(openai.BadRequestError) as info:
        c.chat.completions.create(
            model="m", messages=[{"role": "user", "content": "My SSN is 536-22-8410."}]
        )
    assert info.value.code == "guard_policy_blocked"
    assert isinstance(info.value.body, dict) and info.value.body["type"] == "invalid_request_error"
    with pytest.raises(openai.BadRequestError) as info:
        c.embeddings.create(model="e", input=[[1, 2, 3]])
    assert info.value.code == "guard_uninspectable_input"
    with pytest.raises(openai.NotFoundError) as nf:
        c.files.list()
    assert nf.value.code == "guard_endpoint_not_inspected"
