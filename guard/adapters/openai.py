"""The OpenAI-compatible format that DashScope's compatible mode and Moonshot both speak.

`extract` lists every text the vendor will see in a request body, each as a `Slot` with its place;
`rewrite` writes transformed texts back. Fields we do not know pass through unchanged; fields that
can carry text we cannot inspect make the request fail rather than slip through.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

PathPart = str | int


class UninspectableInput(ValueError):
    """The body carries text in a form the proxy cannot inspect; it must not be forwarded."""


@dataclass(frozen=True, slots=True)
class Slot:
    """One text the vendor will see.

    `path` leads to the string in the body; for tool-call arguments (JSON inside a string)
    `json_path` leads further, to one value inside that JSON document.
    """

    path: tuple[PathPart, ...]
    text: str
    message_index: int | None
    json_path: tuple[PathPart, ...] | None = None
    # the JSON value was a number; a transformed number is written back as a string
    json_number: bool = False

    @property
    def location(self) -> str:
        """A readable place for the audit trail and error messages, e.g. messages[2].content."""
        return _render(self.path) + (_render(self.json_path, dotted=True) if self.json_path else "")

    @property
    def field(self) -> str:
        parts = self.path
        if self.message_index is not None and "messages" in self.path:
            # the place inside the message (DashScope's messages are one level down, in `input`)
            parts = self.path[self.path.index("messages") + 2 :]
        return _render(parts).lstrip(".") + (
            _render(self.json_path, dotted=True) if self.json_path else ""
        )


def _render(path: tuple[PathPart, ...], dotted: bool = False) -> str:
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else f".{part}"
    return out if dotted else out.lstrip(".")


# ---------------------------------------------------------------------------------------------


def extract(endpoint: str, body: dict[str, Any]) -> list[Slot]:
    if endpoint == "chat/completions":
        return list(_chat_slots(body))
    if endpoint == "embeddings":
        return list(_embedding_slots(body))
    raise ValueError(f"no adapter for endpoint {endpoint!r}")


def _chat_slots(body: dict[str, Any]) -> Iterator[Slot]:
    messages = body.get("messages")
    if messages is None:
        return
    if not isinstance(messages, list):
        raise UninspectableInput("'messages' must be a list of message objects")
    for i, msg in enumerate(messages):
        if not isinstance(msg, dict):
            raise UninspectableInput(f"messages[{i}] must be an object")
        base: tuple[PathPart, ...] = ("messages", i)
        content = msg.get("content")
        if isinstance(content, str):
            yield Slot((*base, "content"), content, i)
        elif isinstance(content, list):
            for j, part in enumerate(content):
                if isinstance(part, str):
                    yield Slot((*base, "content", j), part, i)
                elif isinstance(part, dict) and isinstance(part.get("text"), str):
                    # text parts, and any other part type that carries text; images pass through
                    yield Slot((*base, "content", j, "text"), part["text"], i)
        elif content is not None:
            raise UninspectableInput(f"messages[{i}].content must be a string or a list of parts")
        for key in ("reasoning_content", "name", "refusal"):
            if isinstance(msg.get(key), str):
                yield Slot((*base, key), msg[key], i)
        calls = msg.get("tool_calls")
        if isinstance(calls, list):
            for k, call in enumerate(calls):
                fn = call.get("function") if isinstance(call, dict) else None
                if isinstance(fn, dict) and isinstance(fn.get("arguments"), str):
                    yield from _json_string_slots(
                        (*base, "tool_calls", k, "function", "arguments"), fn["arguments"], i
                    )
        legacy = msg.get("function_call")
        if isinstance(legacy, dict) and isinstance(legacy.get("arguments"), str):
            yield from _json_string_slots(
                (*base, "function_call", "arguments"), legacy["arguments"], i
            )
    # The end-user identifier some clients send is often an email address.
    if isinstance(body.get("user"), str):
        yield Slot(("user",), body["user"], None)


def _embedding_slots(body: dict[str, Any]) -> Iterator[Slot]:
    value = body.get("input")
    if isinstance(value, str):
        yield Slot(("input",), value, None)
        return
    if isinstance(value, list):
        for i, item in enumerate(value):
            if isinstance(item, str):
                yield Slot(("input", i), item, None)
            else:
                # Token arrays are text the proxy cannot read: refuse rather than forward blind.
                raise UninspectableInput(
                    f"input[{i}] is not a string; token-array input cannot be inspected, send text"
                )
        return
    if value is not None:
        raise UninspectableInput("'input' must be a string or a list of strings")


def _json_string_slots(path: tuple[PathPart, ...], raw: str, message_index: int) -> Iterator[Slot]:
    """Slots for each value inside a JSON document carried in a string (tool-call arguments)."""
    try:
        doc = json.loads(raw)
    except ValueError:
        # Not JSON (a truncated or free-text argument): inspect it as plain text.
        yield Slot(path, raw, message_index)
        return
    for jpath, leaf in _leaves(doc, ()):
        if isinstance(leaf, str):
            yield Slot(path, leaf, message_index, jpath)
        else:
            yield Slot(path, str(leaf), message_index, jpath, json_number=True)


def _leaves(node: Any, at: tuple[PathPart, ...]) -> Iterator[tuple[tuple[PathPart, ...], Any]]:
    if isinstance(node, dict):
        for key, value in node.items():
            yield from _leaves(value, (*at, key))
    elif isinstance(node, list):
        for idx, value in enumerate(node):
            yield from _leaves(value, (*at, idx))
    elif isinstance(node, str) or (isinstance(node, int | float) and not isinstance(node, bool)):
        yield at, node


# ---------------------------------------------------------------------------------------------


def rewrite(body: dict[str, Any], changes: list[tuple[Slot, str]]) -> None:
    """Write new texts into `body` in place. Only changed slots are written, so a JSON string
    whose values did not change is forwarded byte for byte (Kimi expects `$web_search` arguments
    back unchanged)."""
    docs: dict[tuple[PathPart, ...], Any] = {}
    for slot, new_text in changes:
        if slot.json_path is None:
            _set(body, slot.path, new_text)
            continue
        if slot.path not in docs:
            docs[slot.path] = json.loads(_get(body, slot.path))
        value: Any = new_text
        if slot.json_number and new_text == slot.text:
            continue
        if not slot.json_path:
            docs[slot.path] = value
        else:
            _set(docs[slot.path], slot.json_path, value)
    for path, doc in docs.items():
        _set(body, path, json.dumps(doc, ensure_ascii=False))


def _get(node: Any, path: tuple[PathPart, ...]) -> Any:
    for part in path:
        node = node[part]
    return node


def _set(node: Any, path: tuple[PathPart, ...], value: Any) -> None:
    _get(node, path[:-1])[path[-1]] = value
