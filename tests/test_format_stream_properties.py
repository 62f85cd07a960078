"""Property tests for the Anthropic and DashScope stream restorers: however the vendor splits the
answer into events, and however the bytes of those events are cut on the way, the client gets
exactly the restored answer, in events that are still well formed."""

from __future__ import annotations

import itertools
import json
from typing import Any

from hypothesis import given
from hypothesis import strategies as st
from jiter import from_json

from guard.adapters.anthropic import MessageStreamRestorer
from guard.adapters.dashscope import NativeStreamRestorer
from guard.restore import Restorer
from tests.sse_events import anthropic_event, native_frame, read_events
from tests.test_restore_properties import (
    answers,
    arg_objects,
    cut,
    cuts,
    fast,
    mappings,
    restore_obj,
    slow,
)

# ---------------------------------------------------------------------------------------------
# Anthropic Messages


_FIELD = {"text": "text", "thinking": "thinking", "tool_use": "partial_json"}
_DELTA = {"text": "text_delta", "thinking": "thinking_delta", "tool_use": "input_json_delta"}


@st.composite
def messages(draw: st.DrawFn) -> tuple[list[tuple[str, dict[str, Any]] | str], dict[int, Any]]:
    """A streamed Message: its events (a string is a comment), and each block's full source."""
    out: list[tuple[str, dict[str, Any]] | str] = [
        (
            "message_start",
            {
                "type": "message_start",
                "message": {
                    "id": "msg_1",
                    "type": "message",
                    "role": "assistant",
                    "content": [],
                    "model": "k",
                },
            },
        )
    ]
    truth: dict[int, Any] = {}
    kinds = draw(st.lists(st.sampled_from(["text", "thinking", "tool_use"]), min_size=1, max_size=3))
    ended = True
    for idx, kind in enumerate(kinds):
        if kind == "tool_use":
            obj = draw(arg_objects)
            source = json.dumps(obj, ensure_ascii=draw(st.booleans()))
            truth[idx] = (kind, source, obj)
            block: dict[str, Any] = {"type": "tool_use", "id": f"toolu_{idx}", "name": "f", "input": {}}
            parts = cut(source, draw(cuts))
        else:
            source = draw(answers)
            truth[idx] = (kind, source, None)
            parts = cut(source, draw(cuts))
            block = {"type": kind, kind: ""}
            if kind == "text" and parts and draw(st.booleans()):
                block["text"] = parts.pop(0)  # a block may start with text
            if kind == "thinking":
                block["signature"] = ""
        out.append(
            ("content_block_start", {"type": "content_block_start", "index": idx, "content_block": block})
        )
        for p in parts:
            out.append(
                (
                    "content_block_delta",
                    {
                        "type": "content_block_delta",
                        "index": idx,
                        "delta": {"type": _DELTA[kind], _FIELD[kind]: p},
                    },
                )
            )
            if draw(st.integers(0, 5)) == 0:
                out.append(("ping", {"type": "ping"}))
            if draw(st.integers(0, 8)) == 0:
                out.append(": keep-alive")
        if kind == "thinking":
            out.append(
                (
                    "content_block_delta",
                    {
                        "type": "content_block_delta",
                        "index": idx,
                        "delta": {"type": "signature_delta", "signature": "s"},
                    },
                )
            )
        if draw(st.integers(0, 6)) == 0:
            ended = False  # the stream is cut inside this block
            break
        out.append(("content_block_stop", {"type": "content_block_stop", "index": idx}))
    if ended:
        out.append(
            (
                "message_delta",
                {
                    "type": "message_delta",
                    "delta": {"stop_reason": "end_turn"},
                    "usage": {"output_tokens": 3},
                },
            )
        )
        out.append(("message_stop", {"type": "message_stop"}))
    return out, truth


def _anthropic_bytes(evs: list[tuple[str, dict[str, Any]] | str], eol: str) -> bytes:
    # A string is a comment line.
    return b"".join((e + eol + eol).encode() if isinstance(e, str) else anthropic_event(*e, eol) for e in evs)


@slow
@given(mapping=mappings, msg=messages(), points=cuts, eol=st.sampled_from(["\n", "\r\n"]))
def test_anthropic_stream_restores_every_block_exactly(
    mapping: dict[str, str],
    msg: tuple[list[tuple[str, dict[str, Any]] | str], dict[int, Any]],
    points: list[int],
    eol: str,
) -> None:
    evs, truth = msg
    data = _anthropic_bytes(evs, eol)
    r = MessageStreamRestorer(Restorer(mapping))
    out = b"".join(r.feed(p) for p in cut(data, points)) + r.close()
    parsed = read_events(out)  # every event still parses
    assert all(name == doc["type"] for name, doc in parsed)

    # Everything but the block deltas (and the text a block starts with) is passed on
    # unchanged, in order.
    def shape(e: tuple[str, dict[str, Any]]) -> tuple[str, dict[str, Any]]:
        if e[0] == "content_block_start" and "text" in e[1]["content_block"]:
            return e[0], {**e[1], "content_block": {**e[1]["content_block"], "text": "-"}}
        return e

    others = [shape(e) for e in evs if not isinstance(e, str) and e[0] != "content_block_delta"]
    assert [shape(e) for e in parsed if e[0] != "content_block_delta"] == others

    restorer = Restorer(mapping)
    for idx, (kind, source, obj) in truth.items():
        got = ""
        stopped = False
        for name, doc in parsed:
            if doc.get("index") != idx:
                continue
            if name == "content_block_stop":
                stopped = True
            elif name == "content_block_start":
                got += doc["content_block"].get(_FIELD[kind], "") if kind == "text" else ""
            elif name == "content_block_delta":
                assert not stopped, "a delta after its block stopped"
                value = doc["delta"].get(_FIELD[kind])
                if value is None:
                    continue
                got += value
                if kind == "tool_use" and got:
                    from_json(got.encode(), partial_mode=True)  # as the SDK parses each prefix
        if kind == "tool_use":
            assert got == restorer.restore_text(source, json_string=True)
            assert json.loads(got) == restore_obj(restorer, obj)
        else:
            assert got == restorer.restore_text(source)


@fast
@given(mapping=mappings, msg=messages())
def test_anthropic_stream_at_every_byte_boundary(
    mapping: dict[str, str], msg: tuple[list[tuple[str, dict[str, Any]] | str], dict[int, Any]]
) -> None:
    data = _anthropic_bytes(msg[0], "\n")[:700]  # a prefix: cut streams must behave too
    r = MessageStreamRestorer(Restorer(mapping))
    whole = r.feed(data) + r.close()
    for i in range(0, len(data) + 1, 5):
        r = MessageStreamRestorer(Restorer(mapping))
        assert r.feed(data[:i]) + r.feed(data[i:]) + r.close() == whole


# ---------------------------------------------------------------------------------------------
# DashScope native


@st.composite
def native_streams(
    draw: st.DrawFn,
) -> tuple[bool, bool, list[dict[str, Any]], dict[Any, dict[str, str]], dict[Any, dict[int, Any]]]:
    """(incremental, text format, frames, full text per choice and field, tool objects)."""
    incremental = draw(st.booleans())
    text_format = draw(st.integers(0, 4)) == 0  # result_format "text": output.text
    n_choices = 1 if text_format else draw(st.integers(1, 2))
    steps: list[tuple[int, str, str]] = []  # (choice, field, piece) in the vendor's order
    truth: dict[Any, dict[str, str]] = {}
    objs: dict[Any, dict[int, Any]] = {}
    per_choice: list[list[tuple[int, str, str]]] = []
    for c in range(n_choices):
        fields = ["content"] if text_format else ["reasoning_content", "content", "tool"]
        mine: list[tuple[int, str, str]] = []
        truth[c] = {}
        for f in fields:
            if f == "tool":
                if not draw(st.booleans()):
                    continue
                obj = draw(arg_objects)
                text = json.dumps(obj, ensure_ascii=draw(st.booleans()))
                objs.setdefault(c, {})[0] = obj
            else:
                text = draw(answers)
            truth[c][f] = text
            mine += [(c, f, p) for p in cut(text, draw(cuts))]
        per_choice.append(mine)
    while any(per_choice):
        live = [p for p in per_choice if p]
        steps.append(live[draw(st.integers(0, len(live) - 1))].pop(0))
    finished = draw(st.booleans())

    so_far: dict[int, dict[str, str]] = {c: {} for c in range(n_choices)}

    def message(c: int, fields: dict[str, str]) -> dict[str, Any]:
        msg: dict[str, Any] = {"role": "assistant"}
        for f, v in fields.items():
            if f == "tool":
                msg["tool_calls"] = [
                    {
                        "index": 0,
                        "id": "call_0",
                        "type": "function",
                        "function": {"name": "f", "arguments": v},
                    }
                ]
            else:
                msg[f] = v
        return msg

    def frame(c: int, fields: dict[str, str], finish: str) -> dict[str, Any]:
        if text_format:
            return {
                "output": {"text": fields.get("content", ""), "finish_reason": finish},
                "usage": {"total_tokens": 1},
                "request_id": "req-1",
            }
        return {
            "output": {"choices": [{"index": c, "message": message(c, fields), "finish_reason": finish}]},
            "usage": {"total_tokens": 1},
            "request_id": "req-1",
        }

    frames = []
    for c, f, p in steps:
        so_far[c][f] = so_far[c].get(f, "") + p
        frames.append(frame(c, {f: p} if incremental else dict(so_far[c]), "null"))
    if finished:
        for c in range(n_choices):
            frames.append(frame(c, {} if incremental else dict(so_far[c]), "stop"))
    return incremental, text_format, frames, truth, objs


def _native_bytes(frames: list[dict[str, Any]], eol: str) -> bytes:
    return b"".join(native_frame(i + 1, doc, eol) for i, doc in enumerate(frames))


def _native_values(doc: dict[str, Any], text_format: bool) -> dict[tuple[Any, str], str]:
    out: dict[tuple[Any, str], str] = {}
    output = doc["output"]
    if text_format:
        if "text" in output:
            out[(0, "content")] = output["text"]
        return out
    for pos, ch in enumerate(output.get("choices", [])):
        msg = ch.get("message") or {}
        idx = ch.get("index", pos)
        for f in ("content", "reasoning_content"):
            if isinstance(msg.get(f), str):
                out[(idx, f)] = msg[f]
        for tc in msg.get("tool_calls") or []:
            out[(idx, "tool")] = tc["function"].get("arguments", "")
    return out


@slow
@given(mapping=mappings, stream=native_streams(), points=cuts, eol=st.sampled_from(["\n", "\r\n"]))
def test_dashscope_stream_restores_both_kinds_exactly(
    mapping: dict[str, str],
    stream: tuple[bool, bool, list[dict[str, Any]], dict[Any, dict[str, str]], dict[Any, dict[int, Any]]],
    points: list[int],
    eol: str,
) -> None:
    incremental, text_format, frames, truth, objs = stream
    data = _native_bytes(frames, eol)
    r = NativeStreamRestorer(Restorer(mapping), incremental=incremental)
    out = b"".join(r.feed(p) for p in cut(data, points)) + r.close()
    docs = []
    for block in out.decode().replace("\r\n", "\n").split("\n\n"):
        data_lines = [ln[5:] for ln in block.split("\n") if ln.startswith("data:")]
        if data_lines:
            docs.append(json.loads("".join(data_lines)))
    assert all(d.get("request_id") == "req-1" for d in docs)

    restorer = Restorer(mapping)
    seen: dict[tuple[Any, str], list[str]] = {}
    for d in docs:
        for key, value in _native_values(d, text_format).items():
            seen.setdefault(key, []).append(value)
    for c, fields in truth.items():
        for f, text in fields.items():
            values = seen.get((c, f), [])
            json_mode = f == "tool"
            expected = restorer.restore_text(text, json_string=json_mode)
            if incremental:
                got = "".join(values)
            else:
                # Each restored frame repeats the whole text so far: every one starts the next.
                for a, b in itertools.pairwise(values):
                    assert b.startswith(a)
                got = values[-1] if values else ""
            assert got == expected
            if json_mode:
                assert json.loads(got) == restore_obj(restorer, objs[c][0])
