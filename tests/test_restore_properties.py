"""Property tests: however the answer is cut, the streamed restoration equals the whole one."""

from __future__ import annotations

import itertools
import json
import re
from typing import Any, TypeVar

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from guard.restore import ChatStreamRestorer, Restorer
from tests.test_restore import chunk, collect, parse_sse

T = TypeVar("T", str, bytes)

POOL = ["<PERSON_1>", "<PERSON_2>", "<PERSON_12>", "<EMAIL_ADDRESS_1>", "<PHONE_NUMBER_1>"]
ALPHABET = ['"', "\\", "张", "伟", "😀", "a", "Z", " ", "\n", "<", ">", "'", "é", "\t", "/"]

values = st.text(alphabet=ALPHABET, min_size=1, max_size=8)
mappings = st.dictionaries(st.sampled_from(POOL), values, min_size=1, max_size=len(POOL))


def variants(ph: str) -> list[str]:
    name = ph[1:-1]
    return [
        ph,
        ph.lower(),
        f"< {name} >",
        f"<{name} >",
        f"＜{name}＞",
        f"\\<{name}\\>",
        name,
        f"<{name}",
        f"{name}>",
        f"MY_{name}",
        f"{name}2",
        f"{name}X",
    ]


segment = st.one_of(
    st.sampled_from([*POOL, "<PERSON_9>", "<EMAIL_ADDRESS_3>"]).flatmap(
        lambda ph: st.sampled_from(variants(ph))
    ),
    st.text(alphabet=[*ALPHABET, "P", "E", "_", "1", "2", "＜", "＞", "."], max_size=6),
)
answers = st.lists(segment, max_size=12).map("".join)


def cut(text: T, points: list[int]) -> list[T]:
    bounds = sorted({0, len(text), *(p % (len(text) + 1) for p in points)})
    return [text[a:b] for a, b in itertools.pairwise(bounds)]


cuts = st.lists(st.integers(min_value=0, max_value=10_000), max_size=20)
fast = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
slow = settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@fast
@given(mapping=mappings, text=answers, points=cuts, json_string=st.booleans())
def test_text_stream_equals_whole_text(
    mapping: dict[str, str], text: str, points: list[int], json_string: bool
) -> None:
    r = Restorer(mapping)
    s = r.stream(json_string=json_string)
    out = "".join(s.feed(c) for c in cut(text, points)) + s.flush()
    assert out == r.restore_text(text, json_string=json_string)


@slow
@given(mapping=mappings, text=answers)
def test_text_stream_at_every_boundary(mapping: dict[str, str], text: str) -> None:
    r = Restorer(mapping)
    whole = r.restore_text(text)
    for i in range(len(text) + 1):
        s = r.stream()
        assert s.feed(text[:i]) + s.feed(text[i:]) + s.flush() == whole
    s = r.stream()
    assert "".join(s.feed(c) for c in text) + s.flush() == whole


@fast
@given(mapping=mappings, text=answers)
def test_emitted_text_is_never_held_longer_than_a_placeholder(
    mapping: dict[str, str], text: str
) -> None:
    r = Restorer(mapping)
    s = r.stream()
    s.feed(text)
    # The longest form is the markdown one with spaces: `\\< PERSON_1 \\>`.
    assert len(s.pending) < max(len(k) for k in mapping) + 4


def restore_obj(r: Restorer, obj: Any) -> Any:
    if isinstance(obj, str):
        return r.restore_text(obj)
    if isinstance(obj, list):
        return [restore_obj(r, v) for v in obj]
    if isinstance(obj, dict):
        return {restore_obj(r, k): restore_obj(r, v) for k, v in obj.items()}
    return obj


# A literal backslash escape in the decoded text right before a name is the one documented place
# where matching the JSON source differs from matching the decoded strings.
_LITERAL_ESCAPE = re.compile(r"\\(?:[nrtbf]|u[0-9a-fA-F]{4})")

arg_objects = st.fixed_dictionaries(
    {"to": answers, "cc": st.lists(answers, max_size=2), "n": st.integers(0, 9)},
    optional={"note": answers, "flag": st.booleans()},
)


@fast
@given(mapping=mappings, obj=arg_objects, points=cuts, ascii_only=st.booleans())
def test_json_stream_gives_valid_arguments_with_values_restored(
    mapping: dict[str, str], obj: dict[str, Any], points: list[int], ascii_only: bool
) -> None:
    strings = [obj["to"], *obj["cc"], obj.get("note", "")]
    assert not any(_LITERAL_ESCAPE.search(s) for s in strings)  # the generator never makes one
    r = Restorer(mapping)
    args = json.dumps(obj, ensure_ascii=ascii_only)
    s = r.stream(json_string=True)
    out = "".join(s.feed(c) for c in cut(args, points)) + s.flush()
    assert out == r.restore_text(args, json_string=True)
    assert json.loads(out) == restore_obj(r, obj)


# ---------------------------------------------------------------------------------------------
# Through ChatStreamRestorer, over SSE bytes cut anywhere


def deltas(text: str, points: list[int]) -> list[str]:
    parts = cut(text, points)
    return parts or [""]


@st.composite
def completions(draw: st.DrawFn) -> tuple[list[dict[str, Any] | str], dict[int, dict[str, Any]]]:
    """Chunk events for one or two choices, and what each choice says in full."""
    n_choices = draw(st.integers(1, 2))
    per_choice: list[list[dict[str, Any]]] = []
    truth: dict[int, dict[str, Any]] = {}
    for idx in range(n_choices):
        reasoning = draw(answers)
        content = draw(answers)
        tools = draw(st.lists(arg_objects, max_size=2))
        events = [chunk({"role": "assistant", "content": ""}, index=idx)]
        events += (
            [
                chunk({"reasoning_content": d, "content": None}, index=idx)
                for d in deltas(reasoning, draw(cuts))
            ]
            if reasoning
            else []
        )
        events += [chunk({"content": d}, index=idx) for d in deltas(content, draw(cuts))]
        args = []
        for k, obj in enumerate(tools):
            a = json.dumps(obj, ensure_ascii=draw(st.booleans()))
            args.append(a)
            events.append(
                chunk(
                    {
                        "tool_calls": [
                            {
                                "index": k,
                                "id": f"call_{k}",
                                "type": "function",
                                "function": {"name": "f", "arguments": ""},
                            }
                        ]
                    },
                    index=idx,
                )
            )
            events += [
                chunk({"tool_calls": [{"index": k, "function": {"arguments": d}}]}, index=idx)
                for d in deltas(a, draw(cuts))
            ]
        finish = chunk({}, index=idx, finish="stop", usage={"total_tokens": 1})
        if draw(st.booleans()):
            per_choice.append([*events, finish])
        else:
            per_choice.append(events)  # the stream ends without a finish_reason for it
        truth[idx] = {
            "reasoning_content": reasoning,
            "content": content,
            "tools": tools,
            "args": args,
        }
    # Interleave the choices' events, keeping each choice's own order.
    merged: list[dict[str, Any] | str] = []
    while any(per_choice):
        live = [c for c in per_choice if c]
        merged.append(live[draw(st.integers(0, len(live) - 1))].pop(0))
    if draw(st.booleans()):
        merged.append(": keep-alive")
    if draw(st.booleans()):
        merged.append("[DONE]")
    return merged, truth


def to_bytes(events: list[dict[str, Any] | str], eol: str) -> bytes:
    out = []
    for e in events:
        if isinstance(e, str) and e.startswith(":"):
            out.append(f"{e}{eol}{eol}")
        else:
            data = e if isinstance(e, str) else json.dumps(e, ensure_ascii=False)
            out.append(f"data: {data}{eol}{eol}")
    return "".join(out).encode()


@slow
@given(mapping=mappings, comp=completions(), points=cuts, eol=st.sampled_from(["\n", "\r\n"]))
def test_sse_stream_restores_every_field_exactly(
    mapping: dict[str, str],
    comp: tuple[list[dict[str, Any] | str], dict[int, dict[str, Any]]],
    points: list[int],
    eol: str,
) -> None:
    events, truth = comp
    data = to_bytes(events, eol)
    r = ChatStreamRestorer(mapping)
    out = b"".join(r.feed(p) for p in cut(data, points)) + r.close()

    parsed = parse_sse(out)
    # Every event is still well formed, and nothing but the restored text changed.
    assert all(isinstance(e, dict) or e == "[DONE]" for e in parsed)
    assert all(
        e["id"] == "chatcmpl-1" and e["model"] == "qwen-plus" for e in parsed if isinstance(e, dict)
    )
    assert (b"[DONE]" in out) == ("[DONE]" in events)
    if "[DONE]" in events:
        assert parsed[-1] == "[DONE]"

    restorer = Restorer(mapping)
    for idx, t in truth.items():
        got = collect(parsed, idx)
        assert got["content"] == restorer.restore_text(t["content"])
        assert got["reasoning_content"] == restorer.restore_text(t["reasoning_content"])
        assert len(got["tools"]) == len(t["tools"])
        for k, (obj, raw) in enumerate(zip(t["tools"], t["args"], strict=True)):
            assert got["tools"][k] == restorer.restore_text(raw, json_string=True)
            assert json.loads(got["tools"][k]) == restore_obj(restorer, obj)


@slow
@given(mapping=mappings, comp=completions())
def test_sse_every_byte_boundary_matches_one_piece(
    mapping: dict[str, str],
    comp: tuple[list[dict[str, Any] | str], dict[int, dict[str, Any]]],
) -> None:
    data = to_bytes(comp[0], "\n")[:600]  # a prefix: cut streams must behave too
    r = ChatStreamRestorer(mapping)
    whole = r.feed(data) + r.close()
    for i in range(0, len(data) + 1, 3):
        r = ChatStreamRestorer(mapping)
        assert r.feed(data[:i]) + r.feed(data[i:]) + r.close() == whole
