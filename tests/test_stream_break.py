"""An upstream that breaks off mid-stream: what was held back is restored or dropped, never
sent as half a placeholder, and the client then gets the error event."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import openai
import pytest

from guard.detect import Detector
from guard.restore import ChatStreamRestorer, Restorer
from tests.harness import FakeUpstream, GuardServer

MAPPING = {"<PERSON_1>": "Maria Gonzalez", "<PERSON_12>": "Ann Lee"}


def _event(delta: dict[str, Any], finish: str | None = None) -> bytes:
    doc = {
        "id": "c",
        "object": "chat.completion.chunk",
        "choices": [{"index": 0, "delta": delta, "finish_reason": finish}],
    }
    return f"data: {json.dumps(doc)}\n\n".encode()


def _contents(sse: bytes) -> tuple[str, str]:
    """The content and the tool-call arguments a client would assemble from `sse`."""
    content = args = ""
    for block in sse.decode().split("\n\n"):
        if not block.startswith("data: ") or block == "data: [DONE]":
            continue
        doc = json.loads(block[6:])  # every event must parse
        for ch in doc.get("choices", []):
            delta = ch.get("delta", {})
            content += delta.get("content") or ""
            for tc in delta.get("tool_calls") or []:
                args += tc.get("function", {}).get("arguments") or ""
    return content, args


def _broken(events: list[bytes], cut_tail: bytes = b"") -> bytes:
    r = ChatStreamRestorer(MAPPING)
    out = b"".join(r.feed(e) for e in events)
    if cut_tail:
        out += r.feed(cut_tail)
    return out + r.abort()


def test_half_a_placeholder_is_dropped() -> None:
    out = _broken([_event({"content": "Dear "}), _event({"content": "<PE"})])
    assert _contents(out) == ("Dear ", "")
    assert b"<PE" not in out


@pytest.mark.parametrize("held", ["<PERSON_1", "PERSON_1", "＜PERSON_1", "<person_1"])
def test_a_whole_placeholder_that_might_have_continued_is_restored(held: str) -> None:
    # `PERSON_1` could still have become `PERSON_12` or `<PERSON_1>`: held back, then cut.
    out = _broken([_event({"content": "Dear "}), _event({"content": held})])
    content, _ = _contents(out)
    if held == "<person_1":
        # A lower-case bare name is not restored (it reads like code), and it is the start of
        # `<person_1>`: dropped.
        assert content == "Dear "
    else:
        assert content == "Dear Maria Gonzalez"


def test_text_after_a_placeholder_is_kept_and_an_event_cut_short_is_dropped() -> None:
    out = _broken(
        [_event({"content": "Hi <PERSON_1>, see"}), _event({"content": " you <"})],
        cut_tail=b'data: {"choices":[{"index":0,"delta":{"content":"PERSON_12> tom',
    )
    assert _contents(out) == ("Hi Maria Gonzalez, see you ", "")
    assert out.endswith(b"\n\n")  # the caller's error event starts on its own


def test_tool_call_arguments_cut_inside_a_placeholder() -> None:
    start = {
        "tool_calls": [
            {"index": 0, "id": "t", "type": "function", "function": {"name": "f", "arguments": ""}}
        ]
    }
    out = _broken(
        [
            _event(start),
            _event(
                {
                    "tool_calls": [
                        {"index": 0, "function": {"arguments": '{"to": "<PERSON_1>", "cc": "\\u003cPER'}}
                    ]
                }
            ),
        ]
    )
    _, args = _contents(out)
    assert args == '{"to": "Maria Gonzalez", "cc": "'
    assert "PER" not in args


def test_a_normal_end_still_flushes_what_was_held() -> None:
    r = ChatStreamRestorer(MAPPING)
    out = r.feed(_event({"content": "a < b, <PE"})) + r.close()
    assert _contents(out) == ("a < b, <PE", "")  # the text really ended so: it is text
    assert Restorer(MAPPING).restore_text("<PE") == "<PE"


# --- through the proxy, with the OpenAI SDK ----------------------------------------------


@pytest.fixture
def guard(tmp_path: Path, detector: Detector, fake_upstream: FakeUpstream) -> Iterator[GuardServer]:
    server = GuardServer(tmp_path, fake_upstream.base_url, detector)
    yield server
    server.close()


def _read_until_error(guard: GuardServer, vendor: str, text: str) -> tuple[str, openai.APIError]:
    c = openai.OpenAI(base_url=guard.base_url(vendor), api_key="sk-test", max_retries=0)
    got = ""
    with pytest.raises(openai.APIError) as info:
        for ch in c.chat.completions.create(
            model="m", stream=True, messages=[{"role": "user", "content": text}]
        ):
            if ch.choices:
                got += ch.choices[0].delta.content or ""
    return got, info.value


@pytest.mark.parametrize("vendor", ["kimi", "qwen"])
def test_a_cut_stream_sends_no_half_placeholder_before_the_error(
    guard: GuardServer, fake_upstream: FakeUpstream, vendor: str
) -> None:
    # The vendor echoes "Write to <PERSON_1> now." in 3-character pieces and breaks off after
    # "Wri", "te ", "to ", "<PE", with half of the next event on the wire.
    fake_upstream.chunk_size = 3
    fake_upstream.cut_after = 4
    fake_upstream.cut_tail = b'data: {"choices":[{"index":0,"delta":{"content":"RSO'
    got, err = _read_until_error(guard, vendor, "Write to Maria Gonzalez now.")
    assert "<PERSON_1>" in fake_upstream.received[0].json["messages"][0]["content"]
    assert got == "Write to "
    assert "broke off the stream" in str(err) and err.code == "upstream_error"


def test_a_cut_stream_without_placeholders_drops_the_half_event(
    guard: GuardServer, fake_upstream: FakeUpstream
) -> None:
    fake_upstream.chunk_size = 4
    fake_upstream.cut_after = 2
    fake_upstream.cut_tail = b'data: {"choices":[{"index":0,"delta":{"content":"xy'
    got, err = _read_until_error(guard, "kimi", "plain words only")
    assert got == "plain wo"
    assert err.code == "upstream_error"
