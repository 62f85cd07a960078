"""Placeholders in the answer go back to their values: whole texts, streams, chat bodies, SSE."""

from __future__ import annotations

import itertools
import json
from typing import Any

import pytest

from guard.restore import ChatStreamRestorer, Restorer, TextStreamRestorer, restore_completion

TRICKY = 'Zoë "Q" O\'Brien \\ 张伟 😀'
MAPPING = {
    "<PERSON_1>": TRICKY,
    "<PERSON_12>": "Twelve",
    "<EMAIL_ADDRESS_2>": "zoe@example.com",
    "<PHONE_NUMBER_1>": "+1 555 0100",
}


# ---------------------------------------------------------------------------------------------
# Helpers, shared with test_restore_properties


def sse(events: list[dict[str, Any] | str], eol: str = "\n") -> bytes:
    """An SSE stream as a vendor writes it; strings are sent as the data verbatim."""
    out = []
    for e in events:
        data = e if isinstance(e, str) else json.dumps(e, ensure_ascii=False)
        out.append(f"data: {data}{eol}{eol}")
    return "".join(out).encode()


def chunk(
    delta: dict[str, Any], index: int = 0, finish: str | None = None, **extra: Any
) -> dict[str, Any]:
    return {
        "id": "chatcmpl-1",
        "object": "chat.completion.chunk",
        "created": 1700000000,
        "model": "qwen-plus",
        "choices": [{"index": index, "delta": delta, "finish_reason": finish, **extra}],
    }


def run_stream(mapping: dict[str, str], data: bytes, cuts: list[int] | None = None) -> bytes:
    """Feed `data` cut at `cuts` (every byte when None) and close."""
    r = ChatStreamRestorer(mapping)
    bounds = list(range(len(data) + 1)) if cuts is None else [0, *sorted(cuts), len(data)]
    out = [r.feed(data[a:b]) for a, b in itertools.pairwise(bounds)]
    out.append(r.close())
    return b"".join(out)


def parse_sse(data: bytes) -> list[Any]:
    """The data of each event: parsed JSON, or the raw string ([DONE], non-JSON)."""
    events: list[Any] = []
    for block in data.decode().replace("\r\n", "\n").split("\n\n"):
        lines = [ln[5:].removeprefix(" ") for ln in block.split("\n") if ln.startswith("data:")]
        if not lines:
            continue
        payload = "\n".join(lines)
        try:
            events.append(json.loads(payload))
        except ValueError:
            events.append(payload)
    return events


def collect(events: list[Any], index: int = 0) -> dict[str, Any]:
    """Concatenate what a client accumulates for one choice: text fields and tool arguments."""
    acc: dict[str, Any] = {"content": "", "reasoning_content": "", "refusal": "", "tools": {}}
    for e in events:
        if not isinstance(e, dict):
            continue
        for ch in e.get("choices", []):
            if ch.get("index", 0) != index:
                continue
            d = ch.get("delta") or {}
            for f in ("content", "reasoning_content", "refusal"):
                acc[f] += d.get(f) or ""
            for pos, tc in enumerate(d.get("tool_calls") or []):
                key = tc.get("index", tc.get("id", pos))
                fn = tc.get("function") or {}
                acc["tools"][key] = acc["tools"].get(key, "") + (fn.get("arguments") or "")
    return acc


# ---------------------------------------------------------------------------------------------
# Whole texts


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Hi <PERSON_1>!", f"Hi {TRICKY}!"),
        ("<PERSON_1><PERSON_1>", TRICKY * 2),
        (
            "Mail <EMAIL_ADDRESS_2>, call <PHONE_NUMBER_1>.",
            "Mail zoe@example.com, call +1 555 0100.",
        ),
        # Letter case, spaces inside the brackets, full-width and mixed brackets.
        ("<person_1>", TRICKY),
        ("<Person_12>", "Twelve"),
        ("< PERSON_1 >", TRICKY),
        ("<PERSON_1 >", TRICKY),
        ("＜PERSON_1＞", TRICKY),
        ("＜PERSON_1>", TRICKY),
        ("**<PERSON_1>**", f"**{TRICKY}**"),
        # Markdown-escaped, both brackets; a lone backslash before `<` is part of the text.
        ("\\<PERSON_1\\>", TRICKY),
        ("C:\\Users\\<PERSON_1>\\Documents", f"C:\\Users\\{TRICKY}\\Documents"),
        # The bare name, where it stands alone.
        ("Dear PERSON_1,", f"Dear {TRICKY},"),
        ("PERSON_1", TRICKY),
        ("联系PERSON_1。", f"联系{TRICKY}。"),
        ("(PERSON_12)", "(Twelve)"),
        ("[PERSON_1]", f"[{TRICKY}]"),
        ("&lt;PERSON_1&gt;", f"&lt;{TRICKY}&gt;"),
        ("<PERSON_1 is late", f"{TRICKY} is late"),
        ("PERSON_1> said", f"{TRICKY} said"),
        # Not placeholders of this request, or not standing alone: as written.
        ("<PERSON_9>", "<PERSON_9>"),
        ("PERSON_9", "PERSON_9"),
        ("<PERSON_123>", "<PERSON_123>"),
        ("PERSON_123", "PERSON_123"),
        ("MY_PERSON_12", "MY_PERSON_12"),
        ("PERSON_1X", "PERSON_1X"),
        ("XPERSON_1", "XPERSON_1"),
        ("person_1 = 3", "person_1 = 3"),
        ("<b>bold</b> <i>", "<b>bold</b> <i>"),
        ("<PERSON_1_2>", "<PERSON_1_2>"),
        ("<  PERSON_1>", f"<  {TRICKY}"),  # two spaces: only the bare name with its `>`
        ("<PERSON 1>", "<PERSON 1>"),
        ("<PHONE_NUMBER_12>", "<PHONE_NUMBER_12>"),
        ("", ""),
    ],
)
def test_restore_text(text: str, expected: str) -> None:
    assert Restorer(MAPPING).restore_text(text) == expected


def test_only_issued_placeholders_are_restored() -> None:
    assert Restorer({}).restore_text("<PERSON_1> and PERSON_1") == "<PERSON_1> and PERSON_1"
    assert not Restorer({})
    # Keys not in placeholder form are never issued, and ignored.
    r = Restorer({"[[secret]]": "v", "PERSON_1": "v"})
    assert not r and r.restore_text("a [[secret]] PERSON_1") == "a [[secret]] PERSON_1"


def test_value_looking_like_a_placeholder_is_not_restored_again() -> None:
    r = Restorer({"<PERSON_1>": "<PERSON_2>", "<PERSON_2>": "Bob"})
    assert r.restore_text("<PERSON_1>") == "<PERSON_2>"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('{"to": "<PERSON_1>"}', {"to": TRICKY}),
        ('{"to": "<person_1> and PERSON_12"}', {"to": f"{TRICKY} and Twelve"}),
        ('{"to": "Hi\\nPERSON_1\\tPERSON_12"}', {"to": f"Hi\n{TRICKY}\tTwelve"}),
        ('{"to": "\\u4e2dPERSON_1"}', {"to": f"中{TRICKY}"}),
        ('{"to": "\\u003cPERSON_1\\u003E"}', {"to": TRICKY}),
        ('{"to": "\\\\<PERSON_1>"}', {"to": f"\\{TRICKY}"}),
        ('{"to": "MY_PERSON_1", "n": 1}', {"to": "MY_PERSON_1", "n": 1}),
        ('{"<PERSON_1>": ["<EMAIL_ADDRESS_2>"]}', {TRICKY: ["zoe@example.com"]}),
    ],
)
def test_restore_json_text(text: str, expected: Any) -> None:
    assert json.loads(Restorer(MAPPING).restore_text(text, json_string=True)) == expected


def test_json_mode_escapes_lone_surrogates() -> None:
    r = Restorer({"<PERSON_1>": "a\ud800b"})
    out = r.restore_text('"<PERSON_1>"', json_string=True)
    assert out == '"a\\ud800b"' and json.loads(out) == "a\ud800b"


# ---------------------------------------------------------------------------------------------
# Text streams


@pytest.mark.parametrize(
    "chunk_text",
    [
        "Hello world. ",
        "plain text, lower case only",
        "中文，没有占位符。",
        "a < b and c > d ",
        "<b>bold</b> ",
        "ALLCAPS WORD ",
        "MY_PERSON_1 ",
        "x" * 200,
        "😀 emoji ",
        "PERSON_9 ",
    ],
)
def test_text_that_cannot_start_a_placeholder_is_emitted_at_once(chunk_text: str) -> None:
    s = TextStreamRestorer(MAPPING)
    assert s.feed(chunk_text) == chunk_text
    assert s.pending == "" and s.flush() == ""


@pytest.mark.parametrize(
    ("chunks", "emitted", "held"),
    [
        (["Hello <PERS"], "Hello ", "<PERS"),
        (["Hello <"], "Hello ", "<"),
        (["Hello ＜"], "Hello ", "＜"),
        (["Hi P"], "Hi ", "P"),
        (["Hi PERSON_1"], "Hi ", "PERSON_1"),  # may still become PERSON_12, or PERSON_1X
        (["Hi <PERSON_1"], "Hi ", "<PERSON_1"),  # may still get its `>`
        (["Hi < PERSON_1 "], "Hi ", "< PERSON_1 "),
        (["path\\"], "path", "\\"),  # may become \<PERSON_1\>
        (["XP"], "XP", ""),  # inside a word: no bare name can start here
        (["MY_", "PERSON_1"], "MY_PERSON_1", ""),
        (["Hi <PERSON_1>"], f"Hi {TRICKY}", ""),  # complete: nothing can change it
        (["<PERSON_1> and <P", "ERSON_12", ">!"], f"{TRICKY} and Twelve!", ""),
        (["Hi ", "<", "PER", "SON", "_", "1", ">", " bye"], f"Hi {TRICKY} bye", ""),
        (["<PERSON_9", "> x"], "<PERSON_9> x", ""),
        (["PERSON_1", "2 and"], "Twelve and", ""),
        (["PERSON_1", "23"], "PERSON_123", ""),
    ],
)
def test_stream_holds_back_only_a_possible_placeholder(
    chunks: list[str], emitted: str, held: str
) -> None:
    s = TextStreamRestorer(MAPPING)
    assert "".join(s.feed(c) for c in chunks) == emitted
    assert s.pending == held


def test_flush_emits_the_held_tail() -> None:
    s = TextStreamRestorer(MAPPING)
    assert s.feed("Ask <PERS") == "Ask "
    assert s.flush() == "<PERS"
    assert s.pending == ""
    s = TextStreamRestorer(MAPPING)
    assert s.feed("Ask PERSON_1") == "Ask "
    assert s.flush() == TRICKY  # at the end of the text the bare name stands alone


def test_empty_mapping_streams_through() -> None:
    s = TextStreamRestorer({})
    assert s.feed("<PERSON_1> <PERS") == "<PERSON_1> <PERS"
    assert s.flush() == ""


TEXTS = [
    "Hi <PERSON_1>, mail <EMAIL_ADDRESS_2> or call PHONE_NUMBER_1. <PERSON_9> stays.",
    "<person_12><PERSON_1>PERSON_12 MY_PERSON_1 ＜ PERSON_1 ＞ \\<PERSON_1\\> C:\\<PERSON_1>\\",
    "PERSON_1PERSON_1 PERSON_1_ <<PERSON_1>> <PERSON_12 < PERSON_1 PERSON_1> P",
    "联系PERSON_1。😀<PHONE_NUMBER_1>😀 <EMAIL_ADDRESS_2",
]


@pytest.mark.parametrize("text", TEXTS)
@pytest.mark.parametrize("json_string", [False, True])
def test_stream_equals_whole_text_at_every_split(text: str, json_string: bool) -> None:
    r = Restorer(MAPPING)
    whole = r.restore_text(text, json_string=json_string)
    for i in range(len(text) + 1):
        for j in range(i, len(text) + 1, 7):
            s = r.stream(json_string=json_string)
            got = s.feed(text[:i]) + s.feed(text[i:j]) + s.feed(text[j:]) + s.flush()
            assert got == whole, (i, j)
    s = r.stream(json_string=json_string)
    assert "".join(s.feed(c) for c in text) + s.flush() == whole


def test_json_stream_keeps_arguments_valid() -> None:
    args = json.dumps({"to": "<EMAIL_ADDRESS_2>", "who": "Dear PERSON_1,\n<PERSON_12>"})
    s = TextStreamRestorer(MAPPING, json_string=True)
    out = "".join(s.feed(args[i : i + 3]) for i in range(0, len(args), 3)) + s.flush()
    assert json.loads(out) == {"to": "zoe@example.com", "who": f"Dear {TRICKY},\nTwelve"}


# ---------------------------------------------------------------------------------------------
# Non-streamed completions


def test_restore_completion_every_field() -> None:
    body = {
        "id": "c1",
        "object": "chat.completion",
        "usage": {"prompt_tokens": 3},
        "choices": [
            {
                "index": 0,
                "finish_reason": "tool_calls",
                "message": {
                    "role": "assistant",
                    "content": "Hello <PERSON_1>",
                    "reasoning_content": "the user is PERSON_1",
                    "refusal": "not for <PERSON_12>",
                    "tool_calls": [
                        {
                            "id": "t1",
                            "type": "function",
                            "function": {"name": "mail", "arguments": '{"to": "<PERSON_1>"}'},
                        },
                    ],
                    "function_call": {"name": "f", "arguments": '["<PERSON_12>"]'},
                    "extra": "<PERSON_1>",
                },
                "usage": {"total_tokens": 9},  # Kimi puts usage inside the choice
            },
            {
                "index": 1,
                "message": {
                    "role": "assistant",
                    "content": [
                        {"type": "text", "text": "<PERSON_12> <PERSON_9>"},
                        {"type": "image_url"},
                    ],
                },
            },
        ],
    }
    before = json.dumps(body)
    out = restore_completion(body, Restorer(MAPPING))
    assert json.dumps(body) == before, "the input must not change"
    msg = out["choices"][0]["message"]
    assert msg["content"] == f"Hello {TRICKY}"
    assert msg["reasoning_content"] == f"the user is {TRICKY}"
    assert msg["refusal"] == "not for Twelve"
    assert json.loads(msg["tool_calls"][0]["function"]["arguments"]) == {"to": TRICKY}
    assert msg["tool_calls"][0]["function"]["name"] == "mail"
    assert json.loads(msg["function_call"]["arguments"]) == ["Twelve"]
    assert msg["extra"] == "<PERSON_1>"  # unknown fields pass unchanged
    assert out["choices"][0]["usage"] == {"total_tokens": 9} and out["usage"] == body["usage"]
    parts = out["choices"][1]["message"]["content"]
    assert parts == [{"type": "text", "text": "Twelve <PERSON_9>"}, {"type": "image_url"}]


def test_restore_completion_dashscope_native_and_odd_shapes() -> None:
    body = {
        "output": {"choices": [{"message": {"content": "<PERSON_1>"}}], "text": "PERSON_12"},
        "request_id": "r",
    }
    out = restore_completion(body, MAPPING)
    assert out["output"]["choices"][0]["message"]["content"] == TRICKY
    assert out["output"]["text"] == "Twelve"
    odd = {"choices": [None, {"message": None}, {"message": {"content": None, "tool_calls": [1]}}]}
    assert restore_completion(odd, MAPPING) == odd
    assert restore_completion({"error": {"message": "<PERSON_1>"}}, MAPPING) == {
        "error": {"message": "<PERSON_1>"}
    }


# ---------------------------------------------------------------------------------------------
# SSE streams


def test_empty_mapping_passes_bytes_untouched() -> None:
    data = sse([chunk({"content": "<PERS"}), chunk({"content": "ON_1>"})])
    r = ChatStreamRestorer({})
    assert r.feed(data[:7]) == data[:7] and r.feed(data[7:]) == data[7:] and r.close() == b""


@pytest.mark.parametrize("eol", ["\n", "\r\n"])
def test_events_without_placeholders_pass_byte_for_byte(eol: str) -> None:
    hello = json.dumps(chunk({"content": "Hello there"}))
    data = (
        f": ping{eol}{eol}"
        f"event: message{eol}id: 7{eol}data: {hello}{eol}{eol}"
        f"data: not json <PERSON_1>{eol}{eol}"
        f"data: {json.dumps({'error': {'message': '<PERSON_1>'}})}{eol}{eol}"
        f"data: [DONE]{eol}{eol}"
    ).encode()
    assert run_stream(MAPPING, data) == data
    assert run_stream(MAPPING, data, cuts=[3, 50, 51]) == data


@pytest.mark.parametrize("eol", ["\n", "\r\n"])
def test_placeholder_split_across_events(eol: str) -> None:
    data = sse(
        [
            chunk({"role": "assistant", "content": ""}),
            chunk({"content": "Hi <PER"}),
            chunk({"content": "SON_1>, bye"}),
            chunk({}, finish="stop"),
            "[DONE]",
        ],
        eol,
    )
    out = run_stream(MAPPING, data)
    events = parse_sse(out)
    assert [e["choices"][0]["delta"].get("content") for e in events[:-1]] == [
        "",
        "Hi ",
        f"{TRICKY}, bye",
        None,
    ]
    assert events[-1] == "[DONE]"
    assert out.count(eol.encode() * 2) == 5
    # Re-serialized events are compact, UTF-8, and keep every other field.
    line = out.split(eol.encode())[4]
    assert line.startswith(b"data: {") and "张伟 😀".encode() in line and b'":' in line
    assert events[2]["id"] == "chatcmpl-1" and events[2]["created"] == 1700000000


def test_held_tail_is_flushed_into_the_finishing_event() -> None:
    data = sse(
        [
            chunk({"content": "Ask PERSON_1"}),
            chunk({}, finish="stop", usage={"total_tokens": 5}),
            "[DONE]",
        ]
    )
    events = parse_sse(run_stream(MAPPING, data))
    assert events[0]["choices"][0]["delta"]["content"] == "Ask "
    fin = events[1]["choices"][0]
    assert fin["delta"]["content"] == TRICKY and fin["finish_reason"] == "stop"
    assert fin["usage"] == {"total_tokens": 5}
    assert len(events) == 3


def test_held_tail_is_flushed_before_done_as_an_extra_event() -> None:
    data = sse([chunk({"content": "Ask <PERS"}), "[DONE]"])
    events = parse_sse(run_stream(MAPPING, data))
    assert len(events) == 3 and events[-1] == "[DONE]"
    extra = events[1]
    assert extra["choices"] == [{"index": 0, "delta": {"content": "<PERS"}, "finish_reason": None}]
    assert {k: extra[k] for k in ("id", "object", "created", "model")} == {
        "id": "chatcmpl-1",
        "object": "chat.completion.chunk",
        "created": 1700000000,
        "model": "qwen-plus",
    }


def test_close_flushes_without_done_and_terminates_a_cut_event() -> None:
    data = sse([chunk({"content": "Ask <PERS"})])
    events = parse_sse(run_stream(MAPPING, data))
    assert collect(events)["content"] == "Ask <PERS" and len(events) == 2
    # The upstream broke off in the middle of an event: it is passed on, then the tail.
    cut = data + b'data: {"choices":[{"index":0,"delta":{"content":"ON_1> x"}}]}'
    out = run_stream(MAPPING, cut)
    assert collect(parse_sse(out))["content"] == f"Ask {TRICKY} x"
    cut = data + b": ping"
    out = run_stream(MAPPING, cut)
    assert b": ping\n\ndata: {" in out  # terminated, else the extra event would merge into it
    assert collect(parse_sse(out))["content"] == "Ask <PERS"


def test_utf8_split_inside_characters_and_events() -> None:
    data = sse(
        [
            chunk({"content": "张伟 <PERSON_1"}),
            chunk({"content": ">😀"}),
            chunk({}, finish="stop"),
            "[DONE]",
        ]
    )
    want = f"张伟 {TRICKY}😀"
    for cuts in ([i] for i in range(len(data))):
        assert collect(parse_sse(run_stream(MAPPING, data, cuts)))["content"] == want
    assert collect(parse_sse(run_stream(MAPPING, data)))["content"] == want


def test_reasoning_tail_is_flushed_when_content_starts() -> None:
    data = sse(
        [
            chunk({"reasoning_content": "the user is PERSON_1"}),
            chunk({"reasoning_content": None, "content": "Hello <PERSON_1>"}),
            chunk({"content": " bye"}, finish="stop"),
            "[DONE]",
        ]
    )
    events = parse_sse(run_stream(MAPPING, data))
    second = events[1]["choices"][0]["delta"]
    assert second == {"reasoning_content": TRICKY, "content": f"Hello {TRICKY}"}
    acc = collect(events)
    assert acc["reasoning_content"] == f"the user is {TRICKY}"


def test_choices_are_restored_independently() -> None:
    data = sse(
        [
            chunk({"content": "A <PERS"}, index=0),
            chunk({"content": "B <PHONE_"}, index=1),
            chunk({"content": "ON_12>"}, index=0),
            chunk({"content": "NUMBER_1>"}, index=1),
            chunk({}, index=0, finish="stop"),
            chunk({}, index=1, finish="stop"),
            "[DONE]",
        ]
    )
    events = parse_sse(run_stream(MAPPING, data))
    assert collect(events, 0)["content"] == "A Twelve"
    assert collect(events, 1)["content"] == "B +1 555 0100"


def test_tool_call_arguments_with_index() -> None:
    a0 = json.dumps({"to": "<EMAIL_ADDRESS_2>", "name": "<PERSON_1>"})
    a1 = json.dumps({"who": "PERSON_12"})
    tc = [
        {"index": 0, "id": "c0", "type": "function", "function": {"name": "mail", "arguments": ""}}
    ]
    events = [chunk({"tool_calls": tc})]
    events += [
        chunk({"tool_calls": [{"index": 0, "function": {"arguments": a0[i : i + 4]}}]})
        for i in range(0, len(a0), 4)
    ]
    events.append(
        chunk(
            {
                "tool_calls": [
                    {
                        "index": 1,
                        "id": "c1",
                        "type": "function",
                        "function": {"name": "x", "arguments": ""},
                    }
                ]
            }
        )
    )
    events += [
        chunk({"tool_calls": [{"index": 1, "function": {"arguments": a1[i : i + 5]}}]})
        for i in range(0, len(a1), 5)
    ]
    events += [chunk({}, finish="tool_calls"), "[DONE]"]
    out = parse_sse(run_stream(MAPPING, sse(events)))
    tools = collect(out)["tools"]
    assert json.loads(tools[0]) == {"to": "zoe@example.com", "name": TRICKY}
    assert json.loads(tools[1]) == {"who": "Twelve"}
    assert out[0]["choices"][0]["delta"]["tool_calls"][0]["function"]["name"] == "mail"


def test_tool_call_deltas_without_index() -> None:
    # Kimi may leave out `index`: ids start calls, id-less deltas continue the last one.
    events = [
        chunk({"content": "Mailing <PERS"}),
        chunk(
            {
                "tool_calls": [
                    {
                        "id": "c0",
                        "type": "function",
                        "function": {"name": "mail", "arguments": '{"to": "<EMAIL_'},
                    }
                ]
            }
        ),
        chunk({"tool_calls": [{"function": {"arguments": 'ADDRESS_2>"}'}}]}),
        chunk(
            {
                "tool_calls": [
                    {
                        "id": "c1",
                        "type": "function",
                        "function": {"name": "sms", "arguments": '{"to": "PHONE_NUMBER'},
                    }
                ]
            }
        ),
        chunk({"tool_calls": [{"function": {"arguments": '_1"}'}}]}),
        chunk({}, finish="tool_calls"),
        "[DONE]",
    ]
    out = parse_sse(run_stream(MAPPING, sse(events)))
    # The content tail was flushed when the tool calls began.
    assert out[1]["choices"][0]["delta"]["content"] == "<PERS"
    args: dict[str, str] = {}
    last = ""
    for e in out:
        for tc in (e["choices"][0]["delta"].get("tool_calls") or []) if isinstance(e, dict) else []:
            last = tc.get("id", last)
            args[last] = args.get(last, "") + tc["function"]["arguments"]
    assert {k: json.loads(v) for k, v in args.items()} == {
        "c0": {"to": "zoe@example.com"},
        "c1": {"to": "+1 555 0100"},
    }


def test_tool_tail_is_flushed_into_finish_event_entry() -> None:
    events = [
        chunk({"tool_calls": [{"index": 0, "id": "c", "function": {"arguments": '["<PERS'}}]}),
        chunk(
            {"tool_calls": [{"index": 0, "function": {"arguments": "ON_1"}}]}, finish="tool_calls"
        ),
        "[DONE]",
    ]
    out = parse_sse(run_stream(MAPPING, sse(events)))
    assert collect(out)["tools"][0] == '["' + json.dumps(TRICKY, ensure_ascii=False)[1:-1]
    fin = out[1]["choices"][0]["delta"]["tool_calls"]
    assert len(fin) == 1 and fin[0]["index"] == 0


def test_legacy_function_call_delta() -> None:
    events = [
        chunk({"function_call": {"name": "f", "arguments": '{"a": "<PERS'}}),
        chunk({"function_call": {"arguments": 'ON_12>"}'}}),
        chunk({}, finish="stop"),
    ]
    out = parse_sse(run_stream(MAPPING, sse(events)))
    args = "".join(
        e["choices"][0]["delta"].get("function_call", {}).get("arguments", "") for e in out
    )
    assert json.loads(args) == {"a": "Twelve"}


def test_multiline_data_and_prefix_without_space() -> None:
    doc = chunk({"content": "<PERSON_12>"})
    text = json.dumps(doc, indent=1)
    data = ("".join(f"data:{ln}\n" for ln in text.split("\n")) + "\n").encode()
    out = run_stream(MAPPING, data)
    assert out.startswith(b"data:{") and out.count(b"data:") == 1
    assert parse_sse(out)[0]["choices"][0]["delta"]["content"] == "Twelve"


def test_lone_surrogate_value_is_written_escaped() -> None:
    out = run_stream({"<PERSON_1>": "a\ud800"}, sse([chunk({"content": "<PERSON_1>"})]))
    assert b"\\ud800" in out
    assert json.loads(out.decode()[6:].strip())["choices"][0]["delta"]["content"] == "a\ud800"


def test_instances_share_no_state() -> None:
    a, b = ChatStreamRestorer(MAPPING), ChatStreamRestorer(MAPPING)
    assert a.feed(sse([chunk({"content": "x <PERS"})])) != b""
    out = b.feed(sse([chunk({"content": "ON_1>"})])) + b.close()
    assert collect(parse_sse(out))["content"] == "ON_1>"


def test_long_line_in_many_small_reads() -> None:
    text = "x" * 5000 + " <PERSON_12>"
    data = sse([chunk({"content": text}), "[DONE]"])
    r = ChatStreamRestorer(MAPPING)
    out = b"".join(r.feed(data[i : i + 7]) for i in range(0, len(data), 7)) + r.close()
    assert collect(parse_sse(out))["content"] == "x" * 5000 + " Twelve"


@pytest.mark.parametrize(
    ("chunks", "held"),
    [
        (['{"a": "\\u4e'], ""),  # an escape, not the start of a bracket
        (['{"a": "\\u00'], "\\u00"),  # may become \u003c
        (['{"a": "\\u003'], "\\u003"),
        (['{"a": "\\'], "\\"),
        (['{"a": "\\nPERS'], "PERS"),
        (['{"a": "\\\\'], "\\\\"),  # may become the escaped markdown bracket
        (['{"a": "nPERS'], ""),
    ],
)
def test_json_stream_holds_back_only_a_possible_placeholder(chunks: list[str], held: str) -> None:
    s = TextStreamRestorer(MAPPING, json_string=True)
    for c in chunks:
        s.feed(c)
    assert s.pending == held


def test_context_carries_across_events() -> None:
    # Whether a bare name stands alone depends on the text before it, in an earlier event.
    data = sse(
        [
            chunk({"content": "MY_"}),
            chunk({"content": "PERSON_1 and "}),
            chunk({"content": "x "}),
            chunk({"content": "PERSON_1"}),
            "[DONE]",
        ]
    )
    assert collect(parse_sse(run_stream(MAPPING, data)))["content"] == f"MY_PERSON_1 and x {TRICKY}"


@pytest.mark.parametrize("before", ["\\n", "\\u4e2d", "\\t", " "])
def test_json_escape_before_a_bare_name_in_an_earlier_chunk(before: str) -> None:
    s = TextStreamRestorer(MAPPING, json_string=True)
    out = s.feed('{"a": "x' + before) + s.feed('PERSON_12"}') + s.flush()
    assert json.loads(out) == {"a": "x" + json.loads(f'"{before}"') + "Twelve"}
