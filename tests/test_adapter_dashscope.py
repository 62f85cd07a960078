"""The DashScope native adapter on its own: what it reads, refuses, writes back and restores."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest

from guard.adapters.base import UninspectableInput
from guard.adapters.dashscope import ADAPTER, ENDPOINTS, NativeStreamRestorer, error_body
from guard.restore import Restorer
from tests.format_requests import DASHSCOPE_PLACES, dashscope_every_place, dashscope_multimodal
from tests.sse_events import native_frame

TEXT_GEN = ENDPOINTS["services/aigc/text-generation/generation"]
MULTI = ENDPOINTS["services/aigc/multimodal-generation/generation"]
MAPPING = {"<PERSON_1>": 'Zoë "Q" 张伟', "<EMAIL_ADDRESS_1>": "zoe@example.com"}
NAME = MAPPING["<PERSON_1>"]


def wire(params: dict[str, Any]) -> dict[str, Any]:
    """The body the dashscope SDK sends for these `Generation.call` arguments."""
    p = dict(params)
    return {"model": p.pop("model"), "input": {"messages": p.pop("messages")}, "parameters": p}


def test_every_place_is_a_slot() -> None:
    body = wire(dashscope_every_place("MARK"))
    slots = ADAPTER.extract(TEXT_GEN, body)
    assert sorted(s.location for s in slots if "MARK" in s.text) == sorted(DASHSCOPE_PLACES)
    assert all("MARK" in s.text for s in slots)
    by_loc = {s.location: s for s in slots}
    msg = by_loc["input.messages[2].tool_calls[0].function.arguments.to"]
    assert msg.message_index == 2 and msg.field == "tool_calls[0].function.arguments.to"
    assert slots[0].location.startswith("parameters.tools")  # read first, as the model reads it


def test_rewrite_changes_only_the_slots() -> None:
    body = wire(dashscope_every_place("MARK"))
    original = copy.deepcopy(body)
    slots = ADAPTER.extract(TEXT_GEN, body)
    ADAPTER.rewrite(body, [(s, s.text.replace("MARK", "<PERSON_1>")) for s in slots])
    assert "MARK" not in json.dumps(body)
    args = json.loads(body["input"]["messages"][2]["tool_calls"][0]["function"]["arguments"])
    assert args == {"to": "<PERSON_1>", "note": {"body": ["<PERSON_1>"]}}
    restored = json.loads(json.dumps(body, ensure_ascii=False).replace("<PERSON_1>", "MARK"))
    restored["input"]["messages"][2]["tool_calls"][0]["function"]["arguments"] = original["input"][
        "messages"
    ][2]["tool_calls"][0]["function"]["arguments"]
    assert restored == original


def test_prompt_history_multimodal_schema_and_stop() -> None:
    body = {
        "model": "qwen-vl-plus",
        "input": {
            "prompt": "Tell Ann",
            "history": [{"user": "I am Ann", "bot": "Hi Ann"}],
            "messages": dashscope_multimodal("Ann"),
        },
        "parameters": {
            "response_format": {
                "type": "json_schema",
                "json_schema": {
                    "name": "person",
                    "description": "about Ann",
                    "schema": {"type": "object", "properties": {"who": {"type": "string", "enum": ["Ann"]}}},
                },
            },
            "stop": ["Bye Ann", [101, 102]],
        },
    }
    locs = [s.location for s in ADAPTER.extract(MULTI, body)]
    assert locs == [
        "parameters.response_format.json_schema.description",
        "parameters.response_format.json_schema.schema.properties.who.enum[0]",
        "input.history[0].user",
        "input.history[0].bot",
        "input.messages[0].content[0].text",
        "input.messages[1].content[1].text",
        "input.prompt",
        "parameters.stop[0]",
    ]
    # Keys the client chose (property names) are left out of the place an error names.
    slot = next(s for s in ADAPTER.extract(MULTI, body) if s.location.endswith("enum[0]"))
    assert slot.place == "parameters.response_format.json_schema.schema"


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"model": "m"}, "no 'input'"),
        ({"input": "hi"}, "'input' must be an object"),
        ({"input": {"messages": "hi"}}, "'messages' must be a list"),
        ({"input": {"prompt": ["a"]}}, "input.prompt must be a string"),
        ({"input": {"messages": [{"role": "user", "content": 5}]}}, "messages[0].content"),
        ({"input": {"prompt": "x"}, "parameters": []}, "'parameters' must be an object"),
        ({"input": {"history": ["x"]}}, "input.history[0]"),
    ],
)
def test_what_cannot_be_inspected_is_refused(body: dict[str, Any], message: str) -> None:
    with pytest.raises(UninspectableInput) as err:
        ADAPTER.extract(TEXT_GEN, body)
    assert message in str(err.value)


def test_restore_body_message_text_and_tools() -> None:
    doc = {
        "output": {
            "choices": [
                {
                    "finish_reason": "tool_calls",
                    "message": {
                        "role": "assistant",
                        "content": [{"text": "Hi <PERSON_1>"}],
                        "reasoning_content": "PERSON_1 asked",
                        "tool_calls": [{"function": {"name": "f", "arguments": '{"to": "<PERSON_1>"}'}}],
                    },
                }
            ],
            "text": "Hi <EMAIL_ADDRESS_1>",
        },
        "usage": {"total_tokens": 3},
        "request_id": "r",
    }
    out = ADAPTER.restore_body(TEXT_GEN, doc, Restorer(MAPPING))
    msg = out["output"]["choices"][0]["message"]
    assert msg["content"] == [{"text": f"Hi {NAME}"}]
    assert msg["reasoning_content"] == f"{NAME} asked"
    assert json.loads(msg["tool_calls"][0]["function"]["arguments"]) == {"to": NAME}
    assert out["output"]["text"] == "Hi zoe@example.com"
    assert out["usage"] == doc["usage"]


def test_error_body_is_flat() -> None:
    assert error_body("blocked", "guard_policy_blocked", "guard-1") == {
        "code": "guard_policy_blocked",
        "message": "guard: blocked",
        "request_id": "guard-1",
    }
    event = ADAPTER.stream_error("dashscope", "cut", "upstream_error", "guard-2")
    assert b"event:error" in event and b"status:502" in event and event.endswith(b"\n\n")


def frame(i: int, output: dict[str, Any]) -> bytes:
    return native_frame(i, {"output": output, "usage": {"total_tokens": i}, "request_id": "req-1"})


def outputs(data: bytes) -> list[dict[str, Any]]:
    out = []
    for block in data.decode().split("\n\n"):
        for line in block.split("\n"):
            if line.startswith("data:"):
                out.append(json.loads(line[5:])["output"])
    return out


def test_frames_without_placeholders_pass_byte_for_byte() -> None:
    data = frame(1, {"choices": [{"message": {"content": "Hello"}, "finish_reason": "null"}]})
    data += frame(2, {"choices": [{"message": {"content": " there"}, "finish_reason": "stop"}]})
    for incremental in (True, False):
        r = NativeStreamRestorer(Restorer(MAPPING), incremental=incremental)
        assert r.feed(data) + r.close() == data


def test_multimodal_items_incremental() -> None:
    data = frame(1, {"choices": [{"message": {"content": [{"text": "Hi <PERS"}]}, "finish_reason": "null"}]})
    data += frame(
        2, {"choices": [{"message": {"content": [{"text": "ON_1>, <EMAIL"}]}, "finish_reason": "null"}]}
    )
    data += frame(3, {"choices": [{"message": {"content": []}, "finish_reason": "stop"}]})
    r = NativeStreamRestorer(Restorer(MAPPING), incremental=True)
    outs = outputs(r.feed(data) + r.close())
    texts = ["".join(i["text"] for i in o["choices"][0]["message"]["content"]) for o in outs]
    assert texts == ["Hi ", f"{NAME}, ", "<EMAIL"]


def test_cumulative_tool_call_and_text_format_at_close() -> None:
    # Cumulative, cut before the finishing frame: the last frame of the proxy repeats everything.
    args = '{"to": "<PERSON_1>"}'
    data = frame(
        1,
        {
            "choices": [
                {
                    "message": {
                        "content": "To PERSON_1",
                        "tool_calls": [
                            {
                                "index": 0,
                                "id": "call_9",
                                "type": "function",
                                "function": {"name": "mail", "arguments": args[:12]},
                            }
                        ],
                    },
                    "finish_reason": "null",
                }
            ]
        },
    )
    r = NativeStreamRestorer(Restorer(MAPPING), incremental=False)
    outs = outputs(r.feed(data) + r.close())
    assert outs[0]["choices"][0]["message"]["content"] == "To "
    last = outs[-1]["choices"][0]["message"]
    assert last["content"] == f"To {NAME}"
    call = last["tool_calls"][0]
    assert call["id"] == "call_9" and call["function"]["name"] == "mail"
    assert call["function"]["arguments"] == args[:12]  # cut: the JSON is cut too

    data = frame(1, {"text": "Dear <PERSON_1", "finish_reason": "null"})
    data += frame(2, {"text": "Dear <PERSON_1>!", "finish_reason": "stop"})
    r = NativeStreamRestorer(Restorer(MAPPING), incremental=False)
    assert [o["text"] for o in outputs(r.feed(data) + r.close())] == ["Dear ", f"Dear {NAME}!"]


def test_increments_when_the_request_asked_for_snapshots() -> None:
    # A model that streams increments whatever the request says: the restorer notices that the
    # second frame does not repeat the first and restores increments from there, losing nothing.
    pieces = ["Dear <PERS", "ON_1>, your ", "mail is <EMAIL_ADDRESS", "_1>."]
    data = b"".join(
        frame(i, {"choices": [{"message": {"content": p}, "finish_reason": "stop" if i == 3 else "null"}]})
        for i, p in enumerate(pieces)
    )
    r = NativeStreamRestorer(Restorer(MAPPING), incremental=False)
    got = [o["choices"][0]["message"]["content"] for o in outputs(r.feed(data) + r.close())]
    assert "".join(got) == f"Dear {NAME}, your mail is zoe@example.com."


def test_error_frames_pass_through() -> None:
    data = b'id:1\nevent:error\n:HTTP_STATUS/400\ndata:{"code":"InvalidParameter","message":"<PERSON_1>"}\n\n'
    r = NativeStreamRestorer(Restorer(MAPPING), incremental=True)
    assert r.feed(data) + r.close() == data


def test_abort_drops_half_a_placeholder() -> None:
    for incremental in (True, False):
        data = frame(
            1, {"choices": [{"message": {"content": "Hi PERSON_1, mail <EMAIL_"}, "finish_reason": "null"}]}
        )
        r = NativeStreamRestorer(Restorer(MAPPING), incremental=incremental)
        out = r.feed(data + b'id:2\nevent:result\ndata:{"output":{"choi') + r.abort()
        got = [o["choices"][0]["message"]["content"] for o in outputs(out)]
        if incremental:
            assert "".join(got) == f"Hi {NAME}, mail "
        else:
            assert got[-1] == f"Hi {NAME}, mail "
        assert out.endswith(b"\n\n") and b"id:2" not in out  # the half frame is gone


# Ported from tests/test_restore.py, where they drove ChatStreamRestorer's former DashScope path.
TWO_NAMES = {"<PERSON_1>": NAME, "<PERSON_12>": "Twelve"}


def choice_frames(texts: list[str], last_finish: str = "null") -> bytes:
    """One frame for each text, as the one choice's message content; the last one finishes."""
    return b"".join(
        frame(
            i,
            {
                "choices": [
                    {
                        "message": {"role": "assistant", "content": t},
                        "finish_reason": last_finish if i == len(texts) - 1 else "null",
                    }
                ]
            },
        )
        for i, t in enumerate(texts)
    )


def test_incremental_frames_cut_at_every_byte() -> None:
    data = choice_frames(["Hi <PERS", "ON_1>", " and PERSON_1", "2"])
    r = NativeStreamRestorer(Restorer(TWO_NAMES), incremental=True)
    out = b"".join(r.feed(data[i : i + 1]) for i in range(len(data))) + r.close()
    assert b"\nevent:result\n" in out
    got = [o["choices"][0]["message"]["content"] for o in outputs(out)]
    assert "".join(got) == f"Hi {NAME} and Twelve"
    assert len(got) == 5  # the last tail came as an extra frame at close


def test_cumulative_frames_repeat_the_restored_text_so_far() -> None:
    snaps = ["Hi <PERS", "Hi <PERSON_1>", "Hi <PERSON_1> and PERSON_1", "Hi <PERSON_1> and PERSON_1"]
    r = NativeStreamRestorer(Restorer(TWO_NAMES), incremental=False)
    out = r.feed(choice_frames(snaps, "stop")) + r.close()
    got = [o["choices"][0]["message"]["content"] for o in outputs(out)]
    assert got == ["Hi ", f"Hi {NAME}", f"Hi {NAME} and ", f"Hi {NAME} and {NAME}"]


@pytest.mark.parametrize(
    ("snapshot", "shown"),
    [("Hi <PERSON_1> and <PERS", f"Hi {NAME} and "), ("Hi PERSON_1", "Hi "), ("Hi PERSON_1.", f"Hi {NAME}.")],
)
def test_a_cumulative_frame_leaves_out_a_possible_start(snapshot: str, shown: str) -> None:
    r = NativeStreamRestorer(Restorer(TWO_NAMES), incremental=False)
    assert outputs(r.feed(choice_frames([snapshot])))[0]["choices"][0]["message"]["content"] == shown
