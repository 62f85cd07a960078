"""End to end: the real Anthropic SDK (sync and async, create and stream) -> the proxy's
Anthropic Messages endpoint -> a fake vendor speaking that format on a loopback port."""

from __future__ import annotations

import asyncio
import json
import sqlite3
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import anthropic
import pytest

from guard.adapters.anthropic import ADAPTER, ENDPOINTS
from guard.config import GuardConfig
from guard.detect import Detector
from tests.fake_formats import FakeFormats
from tests.format_requests import ANTHROPIC_PLACES, anthropic_every_place
from tests.harness import GuardServer
from tests.test_proxy_e2e import API_KEY, EMAIL, NAME, SENTENCE, VALUES, _leaks

SECRET = "ghp_9aB3cD4eF5gH6iJ7kL8mN9oP0qR1sT2uV3wX"


@pytest.fixture
def fake() -> Iterator[FakeFormats]:
    with FakeFormats() as f:
        yield f


def point_at(fake: FakeFormats) -> Any:
    def configure(cfg: GuardConfig) -> None:
        for vendor in cfg.vendors.values():
            vendor.anthropic_upstream = fake.anthropic_url
            vendor.native_upstream = fake.native_url

    return configure


@pytest.fixture
def guard(tmp_path: Path, detector: Detector, fake: FakeFormats) -> Iterator[GuardServer]:
    server = GuardServer(tmp_path, fake.native_url, detector, configure=point_at(fake))
    yield server
    server.close()


def base(guard: GuardServer, vendor: str) -> str:
    return f"{guard.root}/{vendor}/anthropic"


def client(guard: GuardServer, vendor: str) -> anthropic.Anthropic:
    return anthropic.Anthropic(base_url=base(guard, vendor), api_key=API_KEY, max_retries=0)


def async_client(guard: GuardServer, vendor: str) -> anthropic.AsyncAnthropic:
    return anthropic.AsyncAnthropic(base_url=base(guard, vendor), api_key=API_KEY, max_retries=0)


# What the fake vendor echoes for `anthropic_every_place(text)`: the last user turn's texts.
def echo(text: str) -> str:
    return f"sent to {text} {text}"


def expected_input(text: str) -> dict[str, Any]:
    return {"to": echo(text), "note": {"body": [echo(text), 7]}}


def check_sent(fake: FakeFormats) -> dict[str, Any]:
    assert len(fake.received) == 1
    sent = fake.received[0]
    assert _leaks(sent.body.decode(), VALUES) == []
    doc: dict[str, Any] = sent.json
    # The structure survives: blocks, images, ids, names, cache_control, thinking signatures.
    original = anthropic_every_place(SENTENCE)
    assert [m["role"] for m in doc["messages"]] == [m["role"] for m in original["messages"]]
    assert [b["type"] for b in doc["messages"][2]["content"]] == [
        b["type"] for b in original["messages"][2]["content"]
    ]
    assert doc["messages"][2]["content"][2] == original["messages"][2]["content"][2]  # the image
    assert doc["system"][0]["cache_control"] == {"type": "ephemeral"}
    assert doc["messages"][1]["content"][0]["signature"] == "sig-1"
    assert doc["tools"][0]["name"] == "send_mail"
    assert doc["tools"][0]["input_schema"]["required"] == ["to"]
    assert doc["messages"][1]["content"][2]["input"]["n"] == 3
    # The key and the version header reach the vendor untouched.
    headers = {k.lower(): v for k, v in sent.headers.items()}
    assert headers["authorization"] == f"Bearer {API_KEY}"  # this SDK sends its key as a bearer
    assert (
        headers["anthropic-version"] == anthropic.Anthropic(api_key="x").default_headers["anthropic-version"]
    )
    return doc


@pytest.mark.parametrize("vendor", ["kimi", "qwen"])
def test_create_sync_with_tools_and_tool_result(guard: GuardServer, fake: FakeFormats, vendor: str) -> None:
    fake.tool = fake.thinking = True
    msg = client(guard, vendor).messages.create(**anthropic_every_place(SENTENCE))
    check_sent(fake)
    kinds = [b.type for b in msg.content]
    assert kinds == ["thinking", "text", "tool_use"]
    assert msg.content[0].thinking == f"They said: {echo(SENTENCE)}"  # type: ignore[union-attr]
    assert msg.content[1].text == echo(SENTENCE)  # type: ignore[union-attr]
    assert msg.content[2].input == expected_input(SENTENCE)  # type: ignore[union-attr]


@pytest.mark.parametrize("vendor", ["kimi", "qwen"])
def test_stream_sync_restores_split_placeholders(guard: GuardServer, fake: FakeFormats, vendor: str) -> None:
    fake.tool = fake.thinking = True
    fake.chunk_size = 3  # every placeholder split across several events
    with client(guard, vendor).messages.stream(**anthropic_every_place(SENTENCE)) as stream:
        pieces = list(stream.text_stream)
        final = stream.get_final_message()
    check_sent(fake)
    assert "".join(pieces) == echo(SENTENCE)
    assert final.content[0].thinking == f"They said: {echo(SENTENCE)}"  # type: ignore[union-attr]
    assert final.content[1].text == echo(SENTENCE)  # type: ignore[union-attr]
    assert final.content[2].input == expected_input(SENTENCE)  # type: ignore[union-attr]
    assert final.stop_reason == "tool_use"


@pytest.mark.parametrize("vendor", ["kimi", "qwen"])
def test_async_create_and_stream(guard: GuardServer, fake: FakeFormats, vendor: str) -> None:
    fake.tool = True
    fake.chunk_size = 4

    async def run() -> tuple[Any, Any, list[str]]:
        c = async_client(guard, vendor)
        created = await c.messages.create(**anthropic_every_place(SENTENCE))
        async with c.messages.stream(**anthropic_every_place(SENTENCE)) as stream:
            pieces = [t async for t in stream.text_stream]
            final = await stream.get_final_message()
        await c.close()
        return created, final, pieces

    created, final, pieces = asyncio.run(run())
    assert len(fake.received) == 2
    for sent in fake.received:
        assert _leaks(sent.body.decode(), VALUES) == []
    for msg in (created, final):
        assert msg.content[0].text == echo(SENTENCE)
        assert msg.content[1].input == expected_input(SENTENCE)
    assert "".join(pieces) == echo(SENTENCE)


def test_raw_create_stream_events(guard: GuardServer, fake: FakeFormats) -> None:
    """messages.create(stream=True): the raw events the SDK yields, tool input as JSON text."""
    fake.tool = True
    fake.chunk_size = 2
    events = list(client(guard, "kimi").messages.create(**anthropic_every_place(SENTENCE), stream=True))
    partial = "".join(
        e.delta.partial_json
        for e in events
        if e.type == "content_block_delta" and e.delta.type == "input_json_delta"
    )
    text = "".join(
        e.delta.text for e in events if e.type == "content_block_delta" and e.delta.type == "text_delta"
    )
    assert json.loads(partial) == expected_input(SENTENCE)
    assert text == echo(SENTENCE)
    assert next(e.type for e in events) == "message_start" and events[-1].type == "message_stop"


def test_count_tokens_is_inspected(guard: GuardServer, fake: FakeFormats) -> None:
    params = anthropic_every_place(SENTENCE)
    for key in ("max_tokens", "metadata", "stop_sequences"):
        params.pop(key)
    result = client(guard, "kimi").messages.count_tokens(**params)
    assert result.input_tokens > 0
    assert fake.received[0].path.startswith("/anthropic/v1/messages/count_tokens")
    assert _leaks(fake.received[0].body.decode(), VALUES) == []


def test_auth_token_and_beta_headers_pass_through(guard: GuardServer, fake: FakeFormats) -> None:
    c = anthropic.Anthropic(
        base_url=base(guard, "qwen"),
        auth_token=API_KEY,
        max_retries=0,
        default_headers={"anthropic-beta": "interleaved-thinking-2025-05-14"},
    )
    msg = c.beta.messages.create(
        model="qwen3-coder-plus", max_tokens=50, messages=[{"role": "user", "content": f"Hi, I am {NAME}"}]
    )
    assert msg.content[0].text == f"Hi, I am {NAME}"  # type: ignore[union-attr]
    sent = fake.received[0]
    headers = {k.lower(): v for k, v in sent.headers.items()}
    assert headers["authorization"] == f"Bearer {API_KEY}"
    assert headers["anthropic-beta"] == "interleaved-thinking-2025-05-14"
    assert sent.path.split("?")[0] == "/anthropic/v1/messages"
    assert NAME not in sent.body.decode()


# ---------------------------------------------------------------------------------------------
# Refusals and errors, in Anthropic's shape


def secret_in(place: str) -> dict[str, Any]:
    """The every-place request with harmless text everywhere and a secret in `place` only."""
    params = anthropic_every_place("MARK")
    slots = ADAPTER.extract(ENDPOINTS["v1/messages"], params)
    ADAPTER.rewrite(
        params,
        [
            (s, s.text.replace("MARK", SECRET if s.location == place else "hello"))
            for s in slots
            if "MARK" in s.text
        ],
    )
    return params


@pytest.mark.parametrize("place", ANTHROPIC_PLACES)
def test_a_secret_in_any_place_blocks_the_request(guard: GuardServer, fake: FakeFormats, place: str) -> None:
    with pytest.raises(anthropic.BadRequestError) as info:
        client(guard, "kimi").messages.create(**secret_in(place))
    err = info.value
    assert err.status_code == 400
    body = err.body
    assert isinstance(body, dict) and body["type"] == "error"
    assert body["error"]["type"] == "invalid_request_error"
    assert body["error"]["code"] == "guard_policy_blocked"
    assert "secret" in body["error"]["message"] and SECRET not in json.dumps(body)
    assert fake.received == []


def test_unknown_block_type_is_refused(guard: GuardServer, fake: FakeFormats) -> None:
    with pytest.raises(anthropic.BadRequestError) as info:
        client(guard, "kimi").messages.create(
            model="k",
            max_tokens=10,
            messages=[
                {
                    "role": "user",
                    "content": [
                        {
                            "type": "web_fetch_tool_result",
                            "tool_use_id": "x",
                            "content": {"type": "web_fetch_result", "url": "u"},
                        }
                    ],
                }
            ],
        )
    assert "'web_fetch_tool_result'" in info.value.body["error"]["message"]  # type: ignore[index]
    assert info.value.body["error"]["code"] == "guard_uninspectable_input"  # type: ignore[index]
    assert fake.received == []


def test_upstream_errors_pass_through_and_proxy_errors_are_anthropic_shaped(
    guard: GuardServer, fake: FakeFormats
) -> None:
    c = client(guard, "kimi")
    fake.mode = "status"
    with pytest.raises(anthropic.RateLimitError) as info:
        c.messages.create(model="k", max_tokens=5, messages=[{"role": "user", "content": "hi"}])
    assert info.value.body == {"type": "error", "error": {"type": "rate_limit_error", "message": "slow down"}}
    # An unknown endpoint of the format, bad JSON, an unknown vendor: answered by the proxy.
    for url, data in [
        (base(guard, "kimi") + "/v1/complete", b"{}"),
        (base(guard, "kimi") + "/v1/messages", b"{not json"),
        (f"{guard.root}/nosuch/anthropic/v1/messages", b"{}"),
    ]:
        with pytest.raises(urllib.error.HTTPError) as http:
            urllib.request.urlopen(urllib.request.Request(url, data=data, method="POST"), timeout=10)
        doc = json.loads(http.value.read())
        assert doc["type"] == "error" and doc["error"]["message"].startswith("guard: ")
        assert "/v1/complete" not in doc["error"]["message"]
    assert len(fake.received) == 1


def test_stream_broken_by_the_vendor_ends_with_an_error_event(guard: GuardServer, fake: FakeFormats) -> None:
    fake.mode = "cut"  # after three deltas: "Write", " to <", "EMAIL", then the connection closes
    pieces: list[str] = []
    with (
        pytest.raises(anthropic.APIStatusError) as info,
        client(guard, "kimi").messages.stream(
            model="k", max_tokens=50, messages=[{"role": "user", "content": f"Write to {EMAIL} today"}]
        ) as stream,
    ):
        for piece in stream.text_stream:
            pieces.append(piece)
    assert "broke off the stream" in str(info.value)
    # What the restorer held back could only begin a placeholder: it is dropped, not sent half.
    assert "".join(pieces) == "Write to "


def test_format_not_offered_by_a_vendor_is_refused(
    tmp_path: Path, detector: Detector, fake: FakeFormats
) -> None:
    def configure(cfg: GuardConfig) -> None:
        cfg.vendors["kimi"].anthropic_upstream = None

    server = GuardServer(tmp_path, fake.native_url, detector, configure=configure)
    try:
        with pytest.raises(anthropic.NotFoundError) as info:
            client(server, "kimi").messages.create(
                model="k", max_tokens=5, messages=[{"role": "user", "content": "hi"}]
            )
    finally:
        server.close()
    message = info.value.body["error"]["message"]  # type: ignore[index]
    assert "GUARD_UPSTREAM_KIMI_ANTHROPIC" in message and "anthropic_upstream" in message
    assert fake.received == []


def test_audit_rows_name_the_format(tmp_path: Path, detector: Detector, fake: FakeFormats) -> None:
    server = GuardServer(tmp_path, fake.native_url, detector, configure=point_at(fake))
    try:
        client(server, "kimi").messages.create(
            model="k", max_tokens=5, messages=[{"role": "user", "content": f"Hi, I am {NAME}"}]
        )
    finally:
        server.close()  # the audit row is written by then
    rows = (
        sqlite3.connect(tmp_path / "audit.db")
        .execute(
            "SELECT r.format, r.endpoint, r.decision, f.location"
            " FROM requests r JOIN findings f ON f.request = r.id"
        )
        .fetchall()
    )
    assert ("anthropic", "messages", "redacted", "messages[0].content") in rows
