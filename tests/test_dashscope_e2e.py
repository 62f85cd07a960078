"""End to end: the real dashscope SDK (Generation and MultiModalConversation, streaming and not,
incremental and cumulative) -> the proxy's DashScope native endpoints -> a fake vendor."""

from __future__ import annotations

import asyncio
import itertools
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import dashscope
import pytest
from dashscope import AioGeneration, Generation, MultiModalConversation
from dashscope.api_entities.aio_session import close_shared_aio_session

from guard.detect import Detector
from tests.fake_formats import FakeFormats
from tests.format_requests import dashscope_every_place, dashscope_multimodal
from tests.harness import GuardServer
from tests.test_anthropic_e2e import SECRET, point_at
from tests.test_proxy_e2e import API_KEY, NAME, SENTENCE, VALUES, _leaks

# What the fake vendor echoes for `dashscope_every_place(text)`: the last user message.
ECHO = f"Thanks, {SENTENCE}"


@pytest.fixture
def fake() -> Iterator[FakeFormats]:
    with FakeFormats() as f:
        yield f


@pytest.fixture
def guard(
    tmp_path: Path, detector: Detector, fake: FakeFormats, monkeypatch: pytest.MonkeyPatch
) -> Iterator[GuardServer]:
    server = GuardServer(tmp_path, fake.native_url, detector, configure=point_at(fake))
    yield server
    server.close()


@pytest.fixture
def at(guard: GuardServer, monkeypatch: pytest.MonkeyPatch) -> Any:
    """Point the dashscope SDK at the proxy, for one vendor: its documented setting."""

    def point(vendor: str) -> None:
        monkeypatch.setattr(dashscope, "base_http_api_url", f"{guard.root}/{vendor}/api/v1")

    return point


def check_sent(fake: FakeFormats) -> None:
    assert fake.received
    for sent in fake.received:
        assert _leaks(sent.body.decode(), VALUES) == []
        assert sent.headers["Authorization"] == f"Bearer {API_KEY}"


def ok(response: Any) -> Any:
    assert response.status_code == 200, (response.code, response.message)
    return response


@pytest.mark.parametrize("vendor", ["qwen", "kimi"])
def test_generation_call_every_place(guard: GuardServer, fake: FakeFormats, at: Any, vendor: str) -> None:
    # Moonshot has no native API of this kind; the harness gives kimi one to run its policy.
    at(vendor)
    fake.tool = fake.thinking = True
    r = ok(Generation.call(api_key=API_KEY, **dashscope_every_place(SENTENCE)))
    check_sent(fake)
    doc = fake.received[0].json
    assert fake.received[0].path == "/api/v1/services/aigc/text-generation/generation"
    # The structure survives: roles, the tool definition's name and schema, valid arguments.
    assert [m["role"] for m in doc["input"]["messages"]] == ["system", "user", "assistant", "tool", "user"]
    assert doc["parameters"]["tools"][0]["function"]["name"] == "send_mail"
    json.loads(doc["input"]["messages"][2]["tool_calls"][0]["function"]["arguments"])
    msg = r.output.choices[0].message
    assert msg.content == ECHO
    assert msg.reasoning_content == f"They said: {ECHO}"
    assert json.loads(msg.tool_calls[0]["function"]["arguments"]) == {"to": ECHO, "note": {"body": [ECHO]}}


def test_stream_incremental(guard: GuardServer, fake: FakeFormats, at: Any) -> None:
    at("qwen")
    fake.tool = fake.thinking = True
    fake.chunk_size = 3
    content, reasoning, args = "", "", ""
    for r in Generation.call(
        api_key=API_KEY, stream=True, incremental_output=True, **dashscope_every_place(SENTENCE)
    ):
        msg = ok(r).output.choices[0].message
        content += msg.content or ""
        reasoning += msg.get("reasoning_content") or ""
        for tc in msg.get("tool_calls") or []:
            args += tc["function"].get("arguments", "")
    check_sent(fake)
    assert fake.received[0].json["parameters"]["incremental_output"] is True
    assert content == ECHO and reasoning == f"They said: {ECHO}"
    assert json.loads(args) == {"to": ECHO, "note": {"body": [ECHO]}}


def test_stream_cumulative_on_the_wire(guard: GuardServer, fake: FakeFormats, at: Any) -> None:
    # For an omni model the SDK sends incremental_output false as it is: the vendor then repeats
    # the whole answer in every frame, and so must the proxy, restored.
    at("qwen")
    fake.chunk_size = 3
    params = {**dashscope_every_place(SENTENCE), "model": "qwen-omni-turbo"}
    seen = [
        ok(r).output.choices[0].message.content
        for r in Generation.call(api_key=API_KEY, stream=True, incremental_output=False, **params)
    ]
    check_sent(fake)
    assert fake.received[0].json["parameters"]["incremental_output"] is False
    assert len(seen) > 10
    assert all(b.startswith(a) for a, b in itertools.pairwise(seen))
    assert seen[-1] == ECHO
    assert not any("<" in s for s in seen)  # never a placeholder, nor half of one


def test_stream_cumulative_merged_by_the_sdk(guard: GuardServer, fake: FakeFormats, at: Any) -> None:
    # For other models the SDK asks for increments and joins them itself.
    at("qwen")
    fake.chunk_size = 4
    seen = [
        ok(r).output.choices[0].message.content
        for r in Generation.call(
            api_key=API_KEY, stream=True, incremental_output=False, **dashscope_every_place(SENTENCE)
        )
    ]
    assert fake.received[0].json["parameters"]["incremental_output"] is True
    assert seen[-1] == ECHO


def test_prompt_and_text_format(guard: GuardServer, fake: FakeFormats, at: Any) -> None:
    at("qwen")
    prompt = f"Write to {NAME} please"
    r = ok(Generation.call(api_key=API_KEY, model="qwen-turbo", prompt=prompt, result_format="text"))
    assert r.output.text == prompt
    pieces = [
        ok(x).output.text
        for x in Generation.call(
            api_key=API_KEY,
            model="qwen-turbo",
            prompt=prompt,
            result_format="text",
            stream=True,
            incremental_output=True,
        )
    ]
    assert "".join(pieces) == prompt
    check_sent(fake)


@pytest.mark.parametrize("stream", [False, True])
def test_multimodal_conversation(guard: GuardServer, fake: FakeFormats, at: Any, stream: bool) -> None:
    at("qwen")
    fake.chunk_size = 3
    messages = dashscope_multimodal(SENTENCE)
    if stream:
        seen = [
            ok(r).output.choices[0].message.content
            for r in MultiModalConversation.call(
                api_key=API_KEY, model="qwen-vl-plus", messages=messages, stream=True
            )
        ]
        texts = ["".join(i.get("text", "") for i in c) for c in seen]
        # No incremental_output asked for: the vendor's frames are cumulative, and so are ours.
        assert all(b.startswith(a) for a, b in itertools.pairwise(texts))
        assert texts[-1] == SENTENCE
    else:
        r = ok(MultiModalConversation.call(api_key=API_KEY, model="qwen-vl-plus", messages=messages))
        assert r.output.choices[0].message.content == [{"text": SENTENCE}]
    sent = fake.received[0]
    assert sent.path == "/api/v1/services/aigc/multimodal-generation/generation"
    assert sent.json["input"]["messages"][1]["content"][0] == {"image": "https://example.com/cat.png"}
    check_sent(fake)


def test_async_generation(guard: GuardServer, fake: FakeFormats, at: Any) -> None:
    at("qwen")
    fake.chunk_size = 3

    async def run() -> tuple[str, str]:
        r = await AioGeneration.call(api_key=API_KEY, **dashscope_every_place(SENTENCE))
        whole = ok(r).output.choices[0].message.content
        text = ""
        stream = await AioGeneration.call(
            api_key=API_KEY, stream=True, incremental_output=True, **dashscope_every_place(SENTENCE)
        )
        async for x in stream:
            text += ok(x).output.choices[0].message.content or ""
        await close_shared_aio_session()
        return whole, text

    whole, text = asyncio.run(run())
    assert whole == ECHO and text == ECHO
    check_sent(fake)


def test_block_and_errors_in_dashscope_shape(guard: GuardServer, fake: FakeFormats, at: Any) -> None:
    at("qwen")
    r = Generation.call(
        api_key=API_KEY, model="qwen-plus", messages=[{"role": "user", "content": f"my token {SECRET}"}]
    )
    assert r.status_code == 400 and r.code == "guard_policy_blocked"
    assert r.message.startswith("guard: ") and SECRET not in r.message
    assert r.request_id.startswith("guard-")
    assert fake.received == []
    # Uninspectable input, and a vendor error passed through.
    r = Generation.call(api_key=API_KEY, model="qwen-plus", messages=[{"role": "user", "content": 5}])
    assert r.status_code == 400 and r.code == "guard_uninspectable_input"
    fake.mode = "status"
    r = Generation.call(api_key=API_KEY, model="qwen-plus", prompt="hi")
    assert r.status_code == 429 and r.code == "Throttling"


def test_stream_broken_by_the_vendor(guard: GuardServer, fake: FakeFormats, at: Any) -> None:
    at("qwen")
    fake.mode = "cut"
    responses = list(
        Generation.call(
            api_key=API_KEY,
            stream=True,
            incremental_output=True,
            model="qwen-plus",
            messages=[{"role": "user", "content": f"Say hi to {NAME} for me"}],
        )
    )
    last = responses[-1]
    assert last.status_code == 502 and last.code == "upstream_error"
    assert "broke off the stream" in last.message
    # Three frames of five characters ("Say h", "i to ", "<PERS"), then the cut: the start of
    # a placeholder held back is dropped, not sent half.
    text = "".join(r.output.choices[0].message.content or "" for r in responses[:-1])
    assert text == "Say hi to "
