"""Conversations through the proxy: stable placeholders across turns, isolation between clients,
and a mixed Chinese/English/German conversation that leaks none of its labelled values."""

from __future__ import annotations

import asyncio
import re
from collections.abc import Iterator
from pathlib import Path

import openai
import pytest
from stdnum import luhn

from guard.detect import Detector
from tests.harness import FakeUpstream, GuardServer

PLACEHOLDER = re.compile(r"<[A-Z][A-Z0-9_]*_\d+>")


@pytest.fixture
def guard(tmp_path: Path, detector: Detector, fake_upstream: FakeUpstream) -> Iterator[GuardServer]:
    server = GuardServer(tmp_path, fake_upstream.base_url, detector)
    yield server
    server.close()


def test_second_turn_shows_the_vendor_the_same_placeholders(
    guard: GuardServer, fake_upstream: FakeUpstream
) -> None:
    client = openai.OpenAI(base_url=guard.base_url("kimi"), api_key="sk-x", max_retries=0)
    turn1 = "Please draft a letter to Maria Gonzalez at maria.gonzalez@example.com."
    history: list[dict[str, str]] = [{"role": "user", "content": turn1}]
    # The fake vendor answers with the placeholders it saw, as a model would.
    fake_upstream.reply = None
    answer1 = client.chat.completions.create(model="kimi-k2", messages=history)  # type: ignore[arg-type]
    seen1 = fake_upstream.received[0].json["messages"][0]["content"]
    assert "Maria" not in seen1 and "maria.gonzalez" not in seen1
    placeholders1 = PLACEHOLDER.findall(seen1)
    assert placeholders1 == ["<PERSON_1>", "<EMAIL_ADDRESS_1>"]
    # The user reads the real values again.
    assert answer1.choices[0].message.content == turn1

    history.append({"role": "assistant", "content": answer1.choices[0].message.content or ""})
    history.append({"role": "user", "content": "Also copy John Carter, john.carter@example.org, and Maria."})
    client.chat.completions.create(model="kimi-k2", messages=history)  # type: ignore[arg-type]
    msgs2 = fake_upstream.received[1].json["messages"]
    # Turn one's values keep their placeholders in the resent history and in the answer...
    assert PLACEHOLDER.findall(msgs2[0]["content"]) == placeholders1
    assert PLACEHOLDER.findall(msgs2[1]["content"]) == placeholders1
    # ...and the new values get new ones; "Maria" alone is a variant of the same person only if
    # the detector says so, and it must never collide with John's number.
    new = PLACEHOLDER.findall(msgs2[2]["content"])
    assert "<PERSON_2>" in new and "<EMAIL_ADDRESS_2>" in new
    assert "John" not in fake_upstream.all_received_text()


def _card(i: int) -> str:
    body = f"4{i:014d}"
    return body + luhn.calc_check_digit(body)


def test_fifty_concurrent_streams_each_get_only_their_own_values(
    guard: GuardServer, fake_upstream: FakeUpstream
) -> None:
    fake_upstream.chunk_size = 4  # placeholders split across chunks everywhere
    texts = [
        f"Customer {i}: email client{i}.name@example.net, card {_card(i)}, please confirm."
        for i in range(50)
    ]

    async def one(client: openai.AsyncOpenAI, text: str) -> str:
        stream = await client.chat.completions.create(
            model="qwen-plus", stream=True, messages=[{"role": "user", "content": text}]
        )
        parts = []
        async for chunk in stream:
            if chunk.choices:
                parts.append(chunk.choices[0].delta.content or "")
        return "".join(parts)

    async def all_of_them() -> list[str]:
        client = openai.AsyncOpenAI(base_url=guard.base_url("qwen"), api_key="sk-x", max_retries=0)
        try:
            return await asyncio.gather(*(one(client, t) for t in texts))
        finally:
            await client.close()

    answers = asyncio.run(all_of_them())
    assert answers == texts
    # The vendor saw none of the values, in any of the 50 requests.
    seen = fake_upstream.all_received_text()
    assert len(fake_upstream.received) == 50
    for i in range(50):
        assert f"client{i}.name" not in seen and _card(i) not in seen


MIXED = [
    # (language, text, labelled values that must not reach the vendor)
    ("zh", "你好，我叫王小明，手机号码是138-0013-8000，身份证号11010519491231002X。",
     ["王小明", "13800138000", "138-0013-8000", "11010519491231002X"]),
    ("en", "My colleague Sarah Johnson (sarah.johnson@example.com) has type 2 diabetes and takes metformin.",
     ["Sarah Johnson", "sarah.johnson@example.com", "metformin"]),
    ("de", "Ich heiße Jürgen Müller, Telefon +49 30 12345678, meine IBAN ist DE89 3704 0044 0532 0130 00.",
     ["Jürgen Müller", "+49 30 12345678", "DE89 3704 0044 0532 0130 00", "DE89370400440532013000"]),
    ("zh", "请把报告发给欧阳娜娜，邮箱ouyang.nana@example.cn，她患有高血压。",
     ["欧阳娜娜", "ouyang.nana@example.cn", "高血压"]),
]


def test_mixed_language_conversation_leaks_no_labelled_value(
    guard: GuardServer, fake_upstream: FakeUpstream
) -> None:
    client = openai.OpenAI(base_url=guard.base_url("kimi"), api_key="sk-x", max_retries=0)
    fake_upstream.reply = "好的 / OK / Alles klar."
    messages: list[dict[str, str]] = []
    for _, text, _ in MIXED:
        messages.append({"role": "user", "content": text})
        client.chat.completions.create(model="kimi-k2", messages=messages)  # type: ignore[arg-type]
        messages.append({"role": "assistant", "content": "好的 / OK / Alles klar."})
    seen = fake_upstream.all_received_text()
    import json

    # Compare against the decoded JSON too, so escaped forms cannot hide a value.
    decoded = "\n".join(json.dumps(r.json, ensure_ascii=False) for r in fake_upstream.received)
    for _, _, values in MIXED:
        for value in values:
            assert value not in seen and value not in decoded, value
