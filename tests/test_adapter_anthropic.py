"""The Anthropic Messages adapter on its own: what it reads, refuses, writes back and restores."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest
from jiter import from_json

from guard.adapters.anthropic import ADAPTER, ENDPOINTS, MessageStreamRestorer, error_body
from guard.adapters.base import UninspectableInput
from guard.restore import Restorer
from tests.format_requests import ANTHROPIC_PLACES, anthropic_every_place
from tests.sse_events import anthropic_event, read_events

MESSAGES = ENDPOINTS["v1/messages"]
MAPPING = {
    "<PERSON_1>": 'Zoë "Q" O\'Brien \\ 张伟',
    "<EMAIL_ADDRESS_1>": "zoe@example.com",
}


def test_every_place_is_a_slot_and_nothing_else() -> None:
    body = anthropic_every_place("MARK")
    slots = ADAPTER.extract(MESSAGES, body)
    marked = [s.location for s in slots if "MARK" in s.text]
    assert sorted(marked) == sorted(ANTHROPIC_PLACES)
    # Nothing without the mark but an enum value and the number in the tool input.
    assert [s.location for s in slots if "MARK" not in s.text] == [
        "tools[0].input_schema.properties.kind.enum[0]",
        "messages[1].content[2].input.n",
    ]
    # Tools and system come first, as the model reads them.
    assert slots[0].location.startswith("tools[0]")
    by_loc = {s.location: s for s in slots}
    assert by_loc["messages[1].content[2].input.to"].message_index == 1
    assert by_loc["messages[1].content[2].input.to"].field == "content[2].input.to"
    assert by_loc["system[0].text"].message_index is None
    # An error names the place without the keys the client chose (parameter, property names).
    assert by_loc["messages[1].content[2].input.note.body[0]"].place == "messages[1].content[2].input"
    assert by_loc["tools[0].input_schema.properties.to.description"].place == "tools[0].input_schema"
    assert by_loc["messages[0].content"].place == "messages[0].content"


def test_rewrite_changes_only_the_slots() -> None:
    body = anthropic_every_place("MARK")
    original = copy.deepcopy(body)
    slots = ADAPTER.extract(MESSAGES, body)
    ADAPTER.rewrite(body, [(s, s.text.replace("MARK", "<PERSON_1>")) for s in slots if "MARK" in s.text])
    text = json.dumps(body)
    assert "MARK" not in text
    assert text.count("<PERSON_1>") == len(ANTHROPIC_PLACES)
    # Everything else is as it was: the shape, images, ids, names, cache_control, the number.
    assert json.loads(text.replace("<PERSON_1>", "MARK")) == original
    assert body["messages"][1]["content"][2]["input"]["n"] == 3


def test_a_changed_number_in_tool_input_becomes_a_string() -> None:
    body = {
        "messages": [
            {
                "role": "assistant",
                "content": [
                    {"type": "tool_use", "id": "t", "name": "f", "input": {"card": 4111111111111111, "n": 2}}
                ],
            }
        ]
    }
    slots = ADAPTER.extract(MESSAGES, body)
    card = next(s for s in slots if s.location.endswith("card"))
    n = next(s for s in slots if s.location.endswith(".n"))
    assert card.json_number and card.text == "4111111111111111"
    ADAPTER.rewrite(body, [(card, "<CREDIT_CARD_1>"), (n, "2")])
    assert body["messages"][0]["content"][0]["input"] == {"card": "<CREDIT_CARD_1>", "n": 2}


def test_system_as_a_string_and_count_tokens() -> None:
    body = {"system": "You help Ann", "messages": [{"role": "user", "content": "hi"}]}
    slots = ADAPTER.extract(ENDPOINTS["v1/messages/count_tokens"], body)
    assert [s.location for s in slots] == ["system", "messages[0].content"]


@pytest.mark.parametrize(
    ("body", "where"),
    [
        (
            {"messages": [{"role": "user", "content": [{"type": "web_fetch_tool_result", "x": "a"}]}]},
            "messages[0].content[0]",
        ),
        ({"messages": [{"role": "user", "content": [{"text": "no type"}]}]}, "messages[0].content[0]"),
        (
            {
                "messages": [
                    {
                        "role": "user",
                        "content": [
                            {
                                "type": "tool_result",
                                "tool_use_id": "t",
                                "content": [{"type": "tool_use", "input": {}}],
                            }
                        ],
                    }
                ]
            },
            "messages[0].content[0].content[0]",
        ),
        ({"system": [{"type": "image", "source": {}}]}, "system[0]"),
        ({"messages": [{"role": "user", "content": 5}]}, "messages[0].content"),
        ({"messages": "hi"}, "'messages'"),
        (
            {"messages": [{"role": "user", "content": [{"type": "text", "text": 5}]}]},
            "messages[0].content[0].text",
        ),
    ],
)
def test_what_cannot_be_inspected_is_refused(body: dict[str, Any], where: str) -> None:
    with pytest.raises(UninspectableInput) as err:
        ADAPTER.extract(MESSAGES, body)
    assert where in str(err.value)


def test_an_unknown_type_name_is_quoted_only_when_it_is_a_name() -> None:
    body = {"messages": [{"role": "user", "content": [{"type": "maria@example.com says hi"}]}]}
    with pytest.raises(UninspectableInput) as err:
        ADAPTER.extract(MESSAGES, body)
    assert "maria" not in str(err.value) and "an unrecognised type" in str(err.value)
    body = {"messages": [{"role": "user", "content": [{"type": "container_upload", "file_id": "f"}]}]}
    with pytest.raises(UninspectableInput, match="'container_upload'"):
        ADAPTER.extract(MESSAGES, body)


def test_documents_and_search_results() -> None:
    body = {
        "messages": [
            {
                "role": "user",
                "content": [
                    {
                        "type": "document",
                        "source": {"type": "base64", "media_type": "application/pdf", "data": "JVBE"},
                    },
                    {"type": "document", "source": {"type": "url", "url": "https://example.com/a.pdf"}},
                    {
                        "type": "document",
                        "context": "about Ann",
                        "source": {
                            "type": "content",
                            "content": [
                                {"type": "text", "text": "Ann's notes"},
                                {"type": "image", "source": {}},
                            ],
                        },
                    },
                    {
                        "type": "search_result",
                        "title": "Ann",
                        "source": "https://x",
                        "content": [{"type": "text", "text": "Ann lives here"}],
                    },
                    {"type": "redacted_thinking", "data": "opaque"},
                ],
            }
        ]
    }
    locs = [s.location for s in ADAPTER.extract(MESSAGES, body)]
    assert locs == [
        "messages[0].content[2].context",
        "messages[0].content[2].source.content[0].text",
        "messages[0].content[3].title",
        "messages[0].content[3].source",
        "messages[0].content[3].content[0].text",
    ]


def test_vendor_defined_tools_keep_type_and_name() -> None:
    body = {
        "tools": [
            {
                "type": "web_search_20250305",
                "name": "web_search",
                "max_uses": 3,
                "user_location": {"type": "approximate", "city": "Springfield"},
            }
        ],
        "messages": [],
    }
    locs = [s.location for s in ADAPTER.extract(MESSAGES, body)]
    assert locs == ["tools[0].user_location.type", "tools[0].user_location.city"]


# ---------------------------------------------------------------------------------------------
# Answers


def test_restore_message() -> None:
    doc = {
        "id": "msg_1",
        "type": "message",
        "role": "assistant",
        "content": [
            {"type": "thinking", "thinking": "about <PERSON_1>", "signature": "s"},
            {"type": "text", "text": "Dear <PERSON_1>, PERSON_1"},
            {"type": "tool_use", "id": "t", "name": "f", "input": {"to": ["<EMAIL_ADDRESS_1>"], "n": 1}},
            {"type": "redacted_thinking", "data": "<PERSON_1>"},
        ],
        "stop_reason": "tool_use",
    }
    out = ADAPTER.restore_body(MESSAGES, doc, Restorer(MAPPING))
    name = MAPPING["<PERSON_1>"]
    assert out["content"][0]["thinking"] == f"about {name}"
    assert out["content"][1]["text"] == f"Dear {name}, {name}"
    assert out["content"][2]["input"] == {"to": ["zoe@example.com"], "n": 1}
    assert out["content"][3] == doc["content"][3]  # opaque
    assert doc["content"][1]["text"] == "Dear <PERSON_1>, PERSON_1"  # the input is not changed
    tokens = {"input_tokens": 12}
    assert ADAPTER.restore_body(ENDPOINTS["v1/messages/count_tokens"], tokens, Restorer(MAPPING)) == tokens


def start(index: int, block: dict[str, Any]) -> bytes:
    doc = {"type": "content_block_start", "index": index, "content_block": block}
    return anthropic_event("content_block_start", doc)


def delta(index: int, kind: str, value: str) -> bytes:
    field = {"text_delta": "text", "thinking_delta": "thinking", "input_json_delta": "partial_json"}[kind]
    return anthropic_event(
        "content_block_delta",
        {"type": "content_block_delta", "index": index, "delta": {"type": kind, field: value}},
    )


def stop(index: int) -> bytes:
    return anthropic_event("content_block_stop", {"type": "content_block_stop", "index": index})


MESSAGE_START = anthropic_event(
    "message_start",
    {
        "type": "message_start",
        "message": {
            "id": "msg_1",
            "type": "message",
            "role": "assistant",
            "content": [],
            "model": "k",
            "stop_reason": None,
            "usage": {"input_tokens": 5, "output_tokens": 1},
        },
    },
)
MESSAGE_END = anthropic_event(
    "message_delta",
    {"type": "message_delta", "delta": {"stop_reason": "end_turn"}, "usage": {"output_tokens": 9}},
) + anthropic_event("message_stop", {"type": "message_stop"})


def test_events_without_placeholders_pass_byte_for_byte() -> None:
    data = MESSAGE_START + start(0, {"type": "text", "text": ""}) + delta(0, "text_delta", "Hello") + stop(0)
    data += b": keep-alive\n\n" + anthropic_event("ping", {"type": "ping"}) + MESSAGE_END
    r = MessageStreamRestorer(Restorer(MAPPING))
    assert r.feed(data) + r.close() == data
    empty = MessageStreamRestorer(Restorer({}))
    assert empty.feed(b"event: x\ndata: <PERSON_1>") == b"event: x\ndata: <PERSON_1>"


def test_placeholder_split_across_deltas_and_held_tail_before_stop() -> None:
    data = MESSAGE_START + start(0, {"type": "text", "text": ""})
    data += delta(0, "text_delta", "Dear <PERS") + delta(0, "text_delta", "ON_1>, write to <EMAIL_ADD")
    data += stop(0) + MESSAGE_END
    r = MessageStreamRestorer(Restorer(MAPPING))
    out = read_events(r.feed(data) + r.close())
    texts = [d["delta"]["text"] for n, d in out if n == "content_block_delta"]
    name = MAPPING["<PERSON_1>"]
    assert texts == ["Dear ", f"{name}, write to ", "<EMAIL_ADD"]
    kinds = [n for n, _ in out]
    # The held tail goes out as one more delta, just before the block stops.
    assert kinds.index("content_block_stop") == kinds.index("content_block_delta") + 3


def test_tool_input_fragments_stay_json_while_values_are_restored() -> None:
    args = json.dumps({"to": "<PERSON_1>", "cc": ["<EMAIL_ADDRESS_1>"], "n": 1})
    data = MESSAGE_START + start(1, {"type": "tool_use", "id": "toolu_1", "name": "f", "input": {}})
    for i in range(0, len(args), 4):
        data += delta(1, "input_json_delta", args[i : i + 4])
    data += stop(1) + MESSAGE_END
    r = MessageStreamRestorer(Restorer(MAPPING))
    out = read_events(r.feed(data) + r.close())
    parts = [d["delta"]["partial_json"] for n, d in out if n == "content_block_delta"]
    joined = ""
    for p in parts:
        joined += p
        from_json(joined.encode(), partial_mode=True)  # every prefix parses, as the SDK does it
    assert json.loads(joined) == {"to": MAPPING["<PERSON_1>"], "cc": ["zoe@example.com"], "n": 1}


def test_thinking_and_text_blocks_and_a_block_starting_with_text() -> None:
    data = MESSAGE_START + start(0, {"type": "thinking", "thinking": ""})
    data += delta(0, "thinking_delta", "user <PERSON_") + delta(0, "thinking_delta", "1> asks")
    data += anthropic_event(
        "content_block_delta",
        {"type": "content_block_delta", "index": 0, "delta": {"type": "signature_delta", "signature": "abc"}},
    )
    data += stop(0) + start(1, {"type": "text", "text": "Hi <PERSON_1"}) + delta(1, "text_delta", ">!")
    data += stop(1) + MESSAGE_END
    r = MessageStreamRestorer(Restorer(MAPPING))
    out = read_events(r.feed(data) + r.close())
    name = MAPPING["<PERSON_1>"]
    thinking = "".join(d["delta"].get("thinking", "") for n, d in out if n == "content_block_delta")
    assert thinking == f"user {name} asks"
    text_start = next(d for n, d in out if n == "content_block_start" and d["index"] == 1)
    text = text_start["content_block"]["text"] + "".join(
        d["delta"].get("text", "") for n, d in out if n == "content_block_delta" and d["index"] == 1
    )
    assert text == f"Hi {name}!"
    assert any(d["delta"].get("signature") == "abc" for n, d in out if n == "content_block_delta")


def test_a_cut_stream_is_flushed_at_close_as_a_separate_event() -> None:
    data = MESSAGE_START + start(0, {"type": "text", "text": ""}) + delta(0, "text_delta", "Dear PERSON_1")
    r = MessageStreamRestorer(Restorer(MAPPING))
    half = b'event: message_delta\ndata: {"type":"message_delta","delta":{"stop_'
    out = r.feed(data + half) + r.close()
    at = out.rindex(half)
    parsed = read_events(out[:at] + out[at + len(half) :])
    texts = [d["delta"]["text"] for n, d in parsed if n == "content_block_delta"]
    assert "".join(texts) == f"Dear {MAPPING['<PERSON_1>']}"
    assert out.endswith(b"\n\n") and half + b"\n\n" in out


def test_message_start_content_is_restored() -> None:
    start_ev = anthropic_event(
        "message_start",
        {
            "type": "message_start",
            "message": {"id": "m", "content": [{"type": "text", "text": "<PERSON_1>"}]},
        },
    )
    r = MessageStreamRestorer(Restorer(MAPPING))
    ((_, doc),) = read_events(r.feed(start_ev))
    assert doc["message"]["content"][0]["text"] == MAPPING["<PERSON_1>"]


def test_error_body_shape() -> None:
    body = error_body(400, "blocked by policy", "guard_policy_blocked", "guard-1")
    assert body == {
        "type": "error",
        "error": {
            "type": "invalid_request_error",
            "message": "guard: blocked by policy",
            "code": "guard_policy_blocked",
        },
        "request_id": "guard-1",
    }
    assert error_body(413, "x", "c", "r")["error"]["type"] == "request_too_large"
    assert error_body(502, "x", "c", "r")["error"]["type"] == "api_error"
    assert error_body(404, "x", "c", "r")["error"]["type"] == "not_found_error"


def test_mcp_servers_and_tool_examples_are_read() -> None:
    body = {
        "tools": [
            {
                "name": "f",
                "input_schema": {"type": "object"},
                "input_examples": [{"to": "Ann", "type": "mail"}],
            }
        ],
        "mcp_servers": [
            {
                "type": "url",
                "name": "crm",
                "url": "https://mcp.example.com/sse",
                "authorization_token": "tok-1",
            }
        ],
        "messages": [],
    }
    locs = [s.location for s in ADAPTER.extract(MESSAGES, body)]
    assert locs == [
        "tools[0].input_examples[0].to",
        "tools[0].input_examples[0].type",
        "mcp_servers[0].url",
        "mcp_servers[0].authorization_token",
    ]
    assert ADAPTER.endpoint("v1/models") is not None and not ADAPTER.endpoint("v1/models").inspected  # type: ignore[union-attr]


def test_abort_drops_half_a_placeholder_and_half_an_event() -> None:
    data = (
        MESSAGE_START
        + start(0, {"type": "text", "text": ""})
        + delta(0, "text_delta", "Dear PERSON_1, mail <EMAIL_")
    )
    half = b'event: content_block_delta\ndata: {"type":"content_block_delta","index":0,"delta":{"ty'
    r = MessageStreamRestorer(Restorer(MAPPING))
    out = r.feed(data + half) + r.abort()
    assert out.endswith(b"\n\n") and out.count(b"event: ") == 3  # the half event is gone
    texts = "".join(d["delta"]["text"] for n, d in read_events(out) if n == "content_block_delta")
    assert texts == f"Dear {MAPPING['<PERSON_1>']}, mail "
    # An event cut just before its blank line is whole: it goes out, then the held tail.
    whole = b'event: ping\ndata: {"type": "ping"}\n'
    r = MessageStreamRestorer(Restorer(MAPPING))
    out = r.feed(data + whole) + r.abort()
    assert [n for n, _ in read_events(out)][-2:] == ["content_block_delta", "ping"]
