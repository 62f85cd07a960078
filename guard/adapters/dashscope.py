"""DashScope's native API: what Qwen's own `dashscope` SDK speaks.

Requests: `POST /services/aigc/text-generation/generation` and
`POST /services/aigc/multimodal-generation/generation` under `https://dashscope-intl.aliyuncs.com/api/v1`
(the SDK's `base_http_api_url`). The body is `{"model", "input": {...}, "parameters": {...}}`.
Inspected: `input.messages` (OpenAI-style messages; content a string or a list of items such as
`{"text": ...}` and `{"image": ...}`), `input.prompt`, the deprecated `input.history`, and in
`parameters` the tool definitions, a response format's JSON schema and stop words.

Answers: `output.text`, `output.choices[].message` (content as a string or a list of
`{"text": ...}` items, `reasoning_content`, tool-call arguments). Streams (`X-DashScope-SSE:
enable`) come in two kinds, chosen by the request: with `incremental_output: true` each frame
carries what is new; otherwise each frame repeats the whole answer so far, and so does each
restored frame. Errors are flat: `{"code", "message", "request_id"}`.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from itertools import chain
from typing import Any

from aiohttp import web

from guard import sse, vendor_errors
from guard.adapters import openai
from guard.adapters.base import BaseAdapter, Endpoint, Slot, UninspectableInput
from guard.config import ErrorStyle
from guard.restore import Restorer, TextStreamRestorer, finishes, json_index, restore_completion

ENDPOINTS = {
    path: Endpoint(path, path, "POST")
    for path in (
        "services/aigc/text-generation/generation",
        "services/aigc/multimodal-generation/generation",
    )
}


class DashScopeAdapter(BaseAdapter):
    format = "dashscope"
    label = "DashScope native"
    upstream_setting = "native_upstream"
    paths = ENDPOINTS

    def served(self) -> str:
        return ", ".join(f"POST /api/v1/{p}" for p in ENDPOINTS)

    def extract(self, endpoint: Endpoint, body: dict[str, Any]) -> list[Slot]:
        return list(_request_slots(body))

    def restore_body(self, endpoint: Endpoint, doc: dict[str, Any], restorer: Restorer) -> dict[str, Any]:
        return restore_completion(doc, restorer) if restorer else doc

    def stream_restorer(
        self, endpoint: Endpoint, body: dict[str, Any], restorer: Restorer
    ) -> NativeStreamRestorer:
        params = body.get("parameters")
        incremental = isinstance(params, dict) and params.get("incremental_output") is True
        return NativeStreamRestorer(restorer, incremental=incremental)

    def error_response(
        self,
        style: ErrorStyle,
        status: int,
        message: str,
        *,
        type_: str,
        code: str,
        request_id: str,
    ) -> web.Response:
        return vendor_errors.json_error(status, error_body(message, code, request_id), request_id)

    def stream_error(self, style: ErrorStyle, message: str, code: str, request_id: str) -> bytes:
        # As DashScope ends a stream that fails: an `error` event; the SDK reads the status line.
        data = b"data:" + sse.dumps(error_body(message, code, request_id))
        return sse.event(b"\n", b"id:error", b"event:error", b":HTTP_STATUS/502", b"status:502", data)


ADAPTER = DashScopeAdapter()


def error_body(message: str, code: str, request_id: str) -> dict[str, Any]:
    return {"code": code, "message": f"guard: {message}", "request_id": request_id}


# ---------------------------------------------------------------------------------------------
# Requests


def _request_slots(body: dict[str, Any]) -> Iterator[Slot]:
    params = body.get("parameters")
    if params is not None and not isinstance(params, dict):
        raise UninspectableInput("'parameters' must be an object")
    params = params or {}
    # The messages and parameters are OpenAI's, one level down: the OpenAI adapter reads them.
    # Tool definitions and the response schema come first: the model reads them first.
    for slot in chain(openai.tool_slots(params), openai.response_format_slots(params)):
        yield _under("parameters", slot)
    inp = body.get("input")
    if inp is None:
        raise UninspectableInput("the request has no 'input'; send input.messages or input.prompt")
    if not isinstance(inp, dict):
        raise UninspectableInput("'input' must be an object with messages or a prompt")
    history = inp.get("history")
    if isinstance(history, list):
        for h, turn in enumerate(history):
            if not isinstance(turn, dict):
                raise UninspectableInput(f"input.history[{h}] must be an object")
            for key, value in turn.items():
                if isinstance(value, str):
                    yield Slot(("input", "history", h, key), value, None)
    elif history is not None:
        raise UninspectableInput("input.history must be a list")
    if inp.get("messages") is not None:
        for slot in openai.message_slots({"messages": inp["messages"]}):
            yield _under("input", slot)
    if isinstance(inp.get("prompt"), str):
        yield Slot(("input", "prompt"), inp["prompt"], None)
    elif inp.get("prompt") is not None:
        raise UninspectableInput("input.prompt must be a string")
    # Stop words, Qwen-MT's translation options and the like.
    for slot in openai.other_chat_slots(params):
        yield _under("parameters", slot)


def _under(key: str, slot: Slot) -> Slot:
    """An OpenAI slot moved one level down, under `key` of the native body."""
    keys = None if slot.keys_from is None else slot.keys_from + 1
    return replace(slot, path=(key, *slot.path), keys_from=keys)


# ---------------------------------------------------------------------------------------------
# Streamed answers


@dataclass(slots=True)
class _Text:
    """One text of the answer (a choice's content, its reasoning, one tool call's arguments)."""

    stream: TextStreamRestorer
    json: bool  # tool-call arguments: JSON source
    raw: str = ""  # cumulative: the last snapshot as the vendor sent it
    emitted: str = ""  # cumulative: the restored text sent so far


@dataclass(slots=True)
class _Call:
    id: Any = None
    type: Any = None
    name: Any = None


@dataclass(slots=True)
class _Choice:
    texts: dict[tuple[Any, ...], _Text] = field(default_factory=dict)
    calls: dict[int, _Call] = field(default_factory=dict)


class NativeStreamRestorer(sse.EventStreamRestorer):
    """Restores a DashScope native stream (reading, `close` and `abort`:
    guard.sse.EventStreamRestorer).

    Incremental frames (`incremental_output: true`) are restored like OpenAI deltas: a placeholder
    split across frames is written whole into the later one, and text that could still become one
    is held back until the choice finishes (or the stream closes). Cumulative frames repeat the
    whole answer so far; each restored frame repeats the whole restored text so far, so what a
    frame shows is always the start of what the next one shows. If a frame that should repeat the
    answer so far does not begin with it, the vendor is sending increments after all, and the
    rest of the stream is restored as increments.
    """

    def __init__(self, restorer: Restorer, *, incremental: bool) -> None:
        super().__init__(restorer)
        self._incremental = incremental
        self._choices: dict[Any, _Choice] = {}  # by choice index; "text" for output.text
        self._last: dict[str, Any] = {}  # request_id of the last frame, for a frame of our own

    # -- frames --------------------------------------------------------------------------------

    def _event(self, lines: list[bytes]) -> bytes:
        raw = b"".join(lines)
        parsed = sse.parse(lines)
        if parsed is None or not isinstance(parsed[1], dict):
            return raw
        name, doc = parsed
        output = doc.get("output")
        if name == "error" or not isinstance(output, dict):
            return raw
        self._eol = sse.eol_of(lines)
        if "request_id" in doc:
            self._last = {"request_id": doc["request_id"]}
        changed = False
        if isinstance(output.get("text"), str):
            holder = {"content": output["text"]}
            if self._message("text", holder, finishes(output.get("finish_reason"))):
                output["text"] = holder["content"]
                changed = True
        choices = output.get("choices")
        if isinstance(choices, list):
            for pos, ch in enumerate(choices):
                if not isinstance(ch, dict):
                    continue
                idx = json_index(ch, pos)
                msg = ch.get("message")
                finished = finishes(ch.get("finish_reason"))
                if not isinstance(msg, dict):
                    if not finished or not self._pending(idx):
                        continue
                    msg = ch["message"] = {}
                changed |= self._message(idx, msg, finished)
        return sse.with_data(lines, doc) if changed else raw

    def _message(self, idx: Any, msg: dict[str, Any], finished: bool) -> bool:
        """Restore one choice's message in place; True if it changed."""
        choice = self._choices.setdefault(idx, _Choice())
        changed = False
        fresh: set[tuple[Any, ...]] = set()  # texts that have something new in this frame
        for key, get, put in self._texts(choice, msg):
            value = get()
            st = choice.texts.get(key)
            if st is None:
                js = key[0] == "tool"
                st = choice.texts[key] = _Text(self._r.stream(json_string=js), js)
            if value:
                fresh.add(key)
            new = self._feed(st, value)
            if new != value:
                put(new)
                changed = True
        if finished:
            changed |= self._flush_into(choice, msg, set())
        elif self._incremental and fresh:
            # The answer moved on (reasoning to content, one call to the next): what the other
            # texts hold back goes out now, not after the text that follows it.
            changed |= self._flush_into(choice, msg, fresh)
        return changed

    def _feed(self, st: _Text, value: str) -> str:
        if self._incremental:
            return st.stream.feed(value)
        if not value:
            # An empty snapshot (a reasoning field left blank once the answer starts) is no
            # new start: what is held back still goes out when the choice finishes.
            return value
        if not value.startswith(st.raw):
            # Not the answer so far: the vendor streams increments after all (a model that only
            # streams that way, whatever the request said). From here on the frames are treated
            # as increments, continuing the same text, so nothing held back is lost.
            self._incremental = True
            return st.stream.feed(value)
        new, st.raw = value[len(st.raw) :], value
        st.emitted += st.stream.feed(new)
        return st.emitted

    def _texts(self, choice: _Choice, msg: dict[str, Any]) -> Iterator[tuple[tuple[Any, ...], Any, Any]]:
        """Each text in the message: its key, a getter and a setter."""
        for name in ("content", "reasoning_content"):
            value = msg.get(name)
            if isinstance(value, str):
                yield (name,), _getter(msg, name), _setter(msg, name)
            elif isinstance(value, list):  # multimodal: [{"text": ...}, {"image": ...}]
                for k, item in enumerate(value):
                    if isinstance(item, dict) and isinstance(item.get("text"), str):
                        yield (name, k), _getter(item, "text"), _setter(item, "text")
        calls = msg.get("tool_calls")
        if isinstance(calls, list):
            for pos, tc in enumerate(calls):
                if not isinstance(tc, dict):
                    continue
                key = json_index(tc, pos)
                info = choice.calls.setdefault(key, _Call())
                for attr in ("id", "type"):
                    if tc.get(attr):
                        setattr(info, attr, tc[attr])
                fn = tc.get("function")
                if isinstance(fn, dict):
                    if fn.get("name"):
                        info.name = fn["name"]
                    if isinstance(fn.get("arguments"), str):
                        yield ("tool", key), _getter(fn, "arguments"), _setter(fn, "arguments")

    def _pending(self, idx: Any) -> bool:
        choice = self._choices.get(idx)
        return choice is not None and any(st.stream.pending for st in choice.texts.values())

    def _flush_into(
        self,
        choice: _Choice,
        msg: dict[str, Any],
        exclude: set[tuple[Any, ...]],
        broken: bool = False,
    ) -> bool:
        """Write what the choice's texts (but `exclude`) hold back into `msg`. `broken`: the
        stream broke off (see `TextStreamRestorer.abort`)."""
        changed = False
        for key, st in sorted(choice.texts.items(), key=lambda kv: repr(kv[0])):
            if key in exclude or not st.stream.pending:
                continue
            tail = st.stream.abort() if broken else st.stream.flush()
            if broken and not tail and self._incremental:
                continue
            if self._incremental:
                _append(msg, key, tail, choice)
            else:
                st.emitted += tail
                _place(msg, key, st.emitted, choice)
            changed = True
        return changed

    def _flush_all(self, broken: bool = False) -> bytes:
        """At the end: everything still held back, as one more frame."""
        out: list[dict[str, Any]] = []
        text_msg: dict[str, Any] | None = None
        for idx, choice in self._choices.items():
            if not any(st.stream.pending for st in choice.texts.values()):
                continue
            msg: dict[str, Any] = {}
            if not self._incremental:
                # A cumulative frame repeats everything: the other texts of the choice too.
                for key, st in choice.texts.items():
                    _place(msg, key, st.emitted, choice)
            if not self._flush_into(choice, msg, set(), broken) and self._incremental:
                continue
            if idx == "text":
                text_msg = msg
            else:
                out.append({"index": idx, "message": {"role": "assistant", **msg}, "finish_reason": "null"})
        if not out and text_msg is None:
            return b""
        output: dict[str, Any] = {}
        if text_msg is not None:
            output = {"text": text_msg.get("content", ""), "finish_reason": "null"}
        if out:
            output["choices"] = out
        doc = {"output": output, **self._last}
        data = b"data:" + sse.dumps(doc)
        return sse.event(self._eol, b"id:guard", b"event:result", b":HTTP_STATUS/200", data)


def _getter(node: dict[str, Any], key: str) -> Any:
    return lambda: node[key]


def _setter(node: dict[str, Any], key: str) -> Any:
    def put(value: str) -> None:
        node[key] = value

    return put


def _append(msg: dict[str, Any], key: tuple[Any, ...], tail: str, choice: _Choice) -> None:
    """Add `tail` after this frame's own text for `key` (creating the field if the frame has
    none)."""
    _place(msg, key, tail, choice, append=True)


def _place(
    msg: dict[str, Any], key: tuple[Any, ...], text: str, choice: _Choice, append: bool = False
) -> None:
    if key[0] == "tool":
        calls = msg.get("tool_calls")
        if not isinstance(calls, list):
            calls = msg["tool_calls"] = []
        entry = None
        for pos, tc in enumerate(calls):
            if isinstance(tc, dict) and (tc.get("index", pos) == key[1]):
                entry = tc
        if entry is None:
            info = choice.calls.get(key[1], _Call())
            entry = {"index": key[1]}
            if not append:  # a cumulative frame names the whole call
                entry.update({k: v for k, v in (("id", info.id), ("type", info.type)) if v})
            entry["function"] = {"name": info.name} if (not append and info.name) else {}
            calls.append(entry)
        fn = entry.setdefault("function", {})
        fn["arguments"] = (fn.get("arguments") or "") + text if append else text
        return
    name = key[0]
    if len(key) == 1:
        current = msg.get(name)
        msg[name] = (current if isinstance(current, str) else "") + text if append else text
        return
    items = msg.get(name)
    if not isinstance(items, list):
        items = msg[name] = []
    k = key[1]
    if k < len(items) and isinstance(items[k], dict):
        items[k]["text"] = (items[k].get("text") or "") + text if append else text
    else:
        items.append({"text": text})
