"""End to end: the real OpenAI SDK -> the proxy -> a fake vendor on a loopback port.

Test values are placed in every place of a request the vendor would see; none may arrive.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import openai
import pytest

from guard.detect import Detector
from tests.harness import FakeUpstream, GuardServer

NAME = "Maria Gonzalez"
EMAIL = "maria.gonzalez@example.com"
PHONE = "+1 415-555-0132"
CARD = "4111 1111 1111 1111"
IBAN = "DE89 3704 0044 0532 0130 00"
SSN = "536-22-8410"
API_KEY = "sk-test-guard-0123456789abcdef"

SENTENCE = (
    f"Please write to {NAME} at {EMAIL} or call her mobile phone {PHONE}. "
    f"Her card is {CARD} and her IBAN is {IBAN}."
)
VALUES = [NAME, EMAIL, PHONE, CARD, IBAN]


def _leaks(text: str, values: list[str]) -> list[str]:
    """Values (or their digit runs) visible in text: digits compared without separators."""
    digits = "".join(c for c in text if c.isdigit())
    found = []
    for v in values:
        v_digits = "".join(c for c in v if c.isdigit())
        if v in text or (len(v_digits) >= 8 and v_digits in digits):
            found.append(v)
    for part in NAME.split():
        if part in text:
            found.append(part)
    return found


def every_place_messages(text: str) -> list[dict[str, object]]:
    """A conversation with `text` in every field the vendor reads."""
    return [
        {"role": "system", "content": f"You help {text}"},
        {
            "role": "user",
            "name": text,
            "content": [
                {"type": "text", "text": text},
                {"type": "image_url", "image_url": {"url": "data:image/png;base64,iVBORw0KGgo="}},
            ],
        },
        {
            "role": "assistant",
            "content": text,
            "reasoning_content": f"Thinking about {text}",
            "tool_calls": [
                {
                    "id": "call_1",
                    "type": "function",
                    "function": {
                        "name": "send_mail",
                        "arguments": json.dumps({"to": text, "note": {"body": [text]}}),
                    },
                }
            ],
        },
        {"role": "tool", "tool_call_id": "call_1", "content": text},
        {"role": "user", "content": text},
    ]


@pytest.fixture
def guard(tmp_path: Path, detector: Detector, fake_upstream: FakeUpstream) -> Iterator[GuardServer]:
    server = GuardServer(tmp_path, fake_upstream.base_url, detector)
    yield server
    server.close()


def client(guard: GuardServer, vendor: str, **kw: object) -> openai.OpenAI:
    return openai.OpenAI(base_url=guard.base_url(vendor), api_key=API_KEY, max_retries=0, **kw)  # type: ignore[arg-type]


@pytest.mark.parametrize("vendor", ["kimi", "qwen"])
@pytest.mark.parametrize("stream", [False, True])
def test_no_value_reaches_the_vendor_from_any_place(
    guard: GuardServer, fake_upstream: FakeUpstream, vendor: str, stream: bool
) -> None:
    fake_upstream.reply = "Noted."
    c = client(guard, vendor)
    messages = every_place_messages(SENTENCE)
    if stream:
        chunks = list(c.chat.completions.create(model="m", messages=messages, stream=True))  # type: ignore[arg-type]
        answer = "".join(ch.choices[0].delta.content or "" for ch in chunks if ch.choices)
    else:
        resp = c.chat.completions.create(model="m", messages=messages)  # type: ignore[arg-type]
        answer = resp.choices[0].message.content or ""
    assert answer == "Noted."
    assert len(fake_upstream.received) == 1
    sent = fake_upstream.received[0]
    assert _leaks(sent.body.decode(), VALUES) == []
    doc = sent.json
    # The structure survives: the image, the tool call with valid JSON arguments, every role.
    assert [m["role"] for m in doc["messages"]] == ["system", "user", "assistant", "tool", "user"]
    assert doc["messages"][1]["content"][1]["type"] == "image_url"
    args = json.loads(doc["messages"][2]["tool_calls"][0]["function"]["arguments"])
    assert set(args) == {"to", "note"} and isinstance(args["note"]["body"], list)
    # The client's key reaches the vendor untouched.
    assert sent.headers["Authorization"] == f"Bearer {API_KEY}"


def test_embeddings_input_is_inspected(guard: GuardServer, fake_upstream: FakeUpstream) -> None:
    c = client(guard, "qwen")
    r1 = c.embeddings.create(model="text-embedding-v4", input=SENTENCE)
    r2 = c.embeddings.create(model="text-embedding-v4", input=[SENTENCE, "plain text"])
    assert len(r1.data) == 1 and len(r2.data) == 2
    for sent in fake_upstream.received:
        assert _leaks(sent.body.decode(), VALUES) == []
    assert fake_upstream.received[1].json["input"][1] == "plain text"


@pytest.mark.parametrize("vendor", ["kimi", "qwen"])
@pytest.mark.parametrize("place", ["system", "user", "tool_arguments", "tool_result", "embeddings"])
def test_ssn_blocks_the_request_and_nothing_is_sent(
    guard: GuardServer, fake_upstream: FakeUpstream, vendor: str, place: str
) -> None:
    c = client(guard, vendor)
    text = f"Her social security number is {SSN}."
    with pytest.raises(openai.BadRequestError) as info:
        if place == "embeddings":
            c.embeddings.create(model="e", input=[text])
        else:
            msgs: list[dict[str, object]] = [{"role": "user", "content": "hello"}]
            if place == "system":
                msgs.insert(0, {"role": "system", "content": text})
            elif place == "user":
                msgs.append({"role": "user", "content": text})
            elif place == "tool_arguments":
                msgs.append(
                    {
                        "role": "assistant",
                        "content": None,
                        "tool_calls": [
                            {
                                "id": "c1",
                                "type": "function",
                                "function": {"name": "f", "arguments": json.dumps({"ssn": SSN})},
                            }
                        ],
                    }
                )
            else:
                msgs.append({"role": "tool", "tool_call_id": "c1", "content": text})
            c.chat.completions.create(model="m", messages=msgs)  # type: ignore[arg-type]
    assert info.value.status_code == 400
    message = str(info.value)
    assert "US_SSN" in message and "financial" in message and SSN not in message
    assert fake_upstream.received == []


def test_pseudonyms_are_restored_in_the_answer(
    guard: GuardServer, fake_upstream: FakeUpstream
) -> None:
    # The fake vendor echoes the user's text: the placeholders it saw come back, and the client
    # reads its own values again.
    c = client(guard, "kimi")
    text = f"Draft a note to {NAME} ({EMAIL})."
    resp = c.chat.completions.create(model="m", messages=[{"role": "user", "content": text}])
    sent = fake_upstream.received[0].json["messages"][0]["content"]
    assert NAME not in sent and EMAIL not in sent and "<PERSON_1>" in sent
    assert resp.choices[0].message.content == text


def test_stream_delivers_first_chunk_before_upstream_sends_last(
    guard: GuardServer, fake_upstream: FakeUpstream
) -> None:
    fake_upstream.reply = "A fairly long answer that arrives in many small pieces."
    fake_upstream.gate = threading.Event()
    c = client(guard, "qwen")
    stream = c.chat.completions.create(
        model="m", stream=True, messages=[{"role": "user", "content": "hi"}]
    )
    it = iter(stream)
    first = next(it)  # would block forever if the proxy buffered the stream
    assert first.choices[0].delta.role == "assistant"
    second = next(it)
    assert second.choices[0].delta.content
    # The upstream is still holding its last chunk at this point.
    assert not fake_upstream.gate.is_set()
    fake_upstream.gate.set()
    rest = "".join(ch.choices[0].delta.content or "" for ch in it if ch.choices)
    assert (second.choices[0].delta.content or "") + rest == fake_upstream.reply


def test_response_headers_and_status_pass_through(
    guard: GuardServer, fake_upstream: FakeUpstream
) -> None:
    c = client(guard, "kimi")
    raw = c.chat.completions.with_raw_response.create(
        model="m", messages=[{"role": "user", "content": "hi"}]
    )
    assert raw.headers["x-ratelimit-remaining-requests"] == "99"
    assert raw.headers["x-request-id"] == "up-req-123"
    assert raw.headers["x-guard-request-id"].startswith("guard-")
    models = c.models.list()
    assert [m.id for m in models.data] == ["kimi-k2"]
    fake_upstream.mode = "status"
    with pytest.raises(openai.RateLimitError) as info:
        c.chat.completions.create(model="m", messages=[{"role": "user", "content": "hi"}])
    assert "Rate limit reached" in str(info.value)


def test_tool_call_answer_is_restored_as_valid_json(
    guard: GuardServer, fake_upstream: FakeUpstream
) -> None:
    c = client(guard, "kimi")
    prompt = f"Email {NAME} at {EMAIL} please."
    c.chat.completions.create(model="m", messages=[{"role": "user", "content": prompt}])
    seen = fake_upstream.received[0].json["messages"][0]["content"]
    ph_email = next(tok.strip(".") for tok in seen.split() if tok.startswith("<EMAIL_ADDRESS_"))
    fake_upstream.tool_reply = ("send_mail", json.dumps({"to": ph_email, "subject": "Hi"}))
    for stream in (False, True):
        if stream:
            chunks = list(
                c.chat.completions.create(
                    model="m", stream=True, messages=[{"role": "user", "content": prompt}]
                )
            )
            args = "".join(
                (tc.function.arguments or "")
                for ch in chunks
                if ch.choices
                for tc in (ch.choices[0].delta.tool_calls or [])
                if tc.function
            )
        else:
            resp = c.chat.completions.create(
                model="m", messages=[{"role": "user", "content": prompt}]
            )
            calls = resp.choices[0].message.tool_calls or []
            args = calls[0].function.arguments  # type: ignore[union-attr]
        assert json.loads(args) == {"to": EMAIL, "subject": "Hi"}


def test_streamed_answer_restores_placeholders(
    guard: GuardServer, fake_upstream: FakeUpstream
) -> None:
    c = client(guard, "qwen")
    text = f"Remind {NAME} that {EMAIL} is her login."
    fake_upstream.chunk_size = 3  # placeholders split across many chunks
    chunks = list(
        c.chat.completions.create(
            model="m", stream=True, messages=[{"role": "user", "content": text}]
        )
    )
    answer = "".join(ch.choices[0].delta.content or "" for ch in chunks if ch.choices)
    assert answer == text


def test_slow_stream_chunks_arrive_as_sent(guard: GuardServer, fake_upstream: FakeUpstream) -> None:
    fake_upstream.reply = "x" * 50
    c = client(guard, "kimi")
    start = time.perf_counter()
    n = sum(
        1
        for _ in c.chat.completions.create(
            model="m", stream=True, messages=[{"role": "user", "content": "go"}]
        )
    )
    assert n >= 8
    assert time.perf_counter() - start < 10
