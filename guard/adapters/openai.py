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
    # From this index on, `path` holds keys the request chose (a tool's parameter names,
    # metadata keys), not names of the API: `place` leaves them out.
    keys_from: int | None = None

    @property
    def location(self) -> str:
        """A readable place for the audit trail and error messages, e.g. messages[2].content."""
        return _render(self.path) + (_render(self.json_path, dotted=True) if self.json_path else "")

    @property
    def place(self) -> str:
        """The place named in an error answered to the client: `location` without any key the
        request chose (tool-argument keys, schema property names), so nothing of the request
        is quoted back, e.g. messages[2].tool_calls[0].function.arguments."""
        return _render(self.path[: self.keys_from])

    @property
    def field(self) -> str:
        parts = self.path[2:] if self.message_index is not None else self.path
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
    # Tool definitions and the response schema first: a model reads them before the messages
    # (chat templates put them at the top of the prompt), and as they are resent unchanged every
    # turn, their placeholders keep their numbers while the conversation grows.
    yield from _tool_slots(body)
    yield from _response_format_slots(body)
    yield from _message_slots(body)
    yield from _other_chat_slots(body)


def _message_slots(body: dict[str, Any]) -> Iterator[Slot]:
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


def _other_chat_slots(body: dict[str, Any]) -> Iterator[Slot]:
    """The request's other fields that carry text the vendor reads or keeps."""
    # The end-user identifier some clients send is often an email address (`safety_identifier`
    # is its newer name in OpenAI's API).
    for key in ("user", "safety_identifier"):
        if isinstance(body.get(key), str):
            yield Slot((key,), body[key], None)
    # Predicted output: text the model is told to expect in its answer.
    prediction = body.get("prediction")
    if isinstance(prediction, dict):
        content = prediction.get("content")
        if isinstance(content, str):
            yield Slot(("prediction", "content"), content, None)
        elif isinstance(content, list):
            for j, part in enumerate(content):
                if isinstance(part, dict) and isinstance(part.get("text"), str):
                    yield Slot(("prediction", "content", j, "text"), part["text"], None)
    # Stop sequences are inspected like text: a name in one is replaced by the same placeholder
    # the model writes instead of the name, so the stop still fires.
    stop = body.get("stop")
    if isinstance(stop, str):
        yield Slot(("stop",), stop, None)
    elif isinstance(stop, list):
        for j, item in enumerate(stop):
            if isinstance(item, str):
                yield Slot(("stop", j), item, None)
    # Key-value tags stored with the request (`store: true`): the values, never the keys.
    metadata = body.get("metadata")
    if isinstance(metadata, dict):
        for key, value in metadata.items():
            if isinstance(value, str):
                yield Slot(("metadata", key), value, None, keys_from=1)
    # Qwen-MT: glossary terms and translation memory are text; the language codes are not.
    options = body.get("translation_options")
    if isinstance(options, dict):
        for key, value in options.items():
            if key not in ("source_lang", "target_lang"):
                yield from _data_slots(value, ("translation_options", key), 1)


# ---------------------------------------------------------------------------------------------
# Tool definitions and response schemas
#
# A model reads every string of a JSON schema: descriptions and titles, enum and const values,
# defaults and examples. Function names, property names and the schema's own vocabulary
# (`type: string`, `format: email`, `$ref`, the names in `required`) are not text and stay as
# written, or the tools would no longer match the application's code. A keyword we do not know
# is treated as text: a value is better replaced than forwarded unseen.

# Keywords whose strings are names or vocabulary, never prose.
_SCHEMA_NAMES = frozenset(
    {
        "type",
        "format",
        "$ref",
        "$schema",
        "$id",
        "$anchor",
        "$dynamicRef",
        "$dynamicAnchor",
        "required",
        "dependentRequired",
        "contentEncoding",
        "contentMediaType",
        "discriminator",
    }
)
# Keywords whose value maps names (property names, definition names) to schemas.
_SCHEMA_MAPS = frozenset(
    {"properties", "patternProperties", "$defs", "definitions", "dependentSchemas"}
)
# Keywords whose value is an instance, not a schema: every string in it is text.
_SCHEMA_DATA = frozenset({"enum", "const", "default", "examples", "example"})


def _tool_slots(body: dict[str, Any]) -> Iterator[Slot]:
    # `tools` (current) and `functions` (the legacy list of bare function definitions)
    for key in ("tools", "functions"):
        tools = body.get(key)
        if tools is None:
            continue
        if not isinstance(tools, list):
            raise UninspectableInput(f"'{key}' must be a list of tool definitions")
        for i, tool in enumerate(tools):
            if not isinstance(tool, dict):
                raise UninspectableInput(f"{key}[{i}] must be an object")
            if key == "functions":
                yield from _function_slots(tool, (key, i))
                continue
            for k, value in tool.items():
                if k == "type":
                    continue
                if k == "function" and isinstance(value, dict):
                    yield from _function_slots(value, (key, i, k))
                else:
                    yield from _data_slots(value, (key, i, k), 2)


def _function_slots(fn: dict[str, Any], at: tuple[PathPart, ...]) -> Iterator[Slot]:
    for k, value in fn.items():
        if k in ("name", "strict"):
            continue
        if k == "parameters":
            yield from _schema_slots(value, (*at, k), len(at) + 1)
        else:
            yield from _data_slots(value, (*at, k), len(at) + 1)


def _response_format_slots(body: dict[str, Any]) -> Iterator[Slot]:
    fmt = body.get("response_format")
    if not isinstance(fmt, dict):
        return
    for k, value in fmt.items():
        if k == "type":
            continue
        at: tuple[PathPart, ...] = ("response_format", k)
        if k == "json_schema" and isinstance(value, dict):
            for jk, jv in value.items():
                if jk in ("name", "strict"):
                    continue
                if jk == "schema":
                    yield from _schema_slots(jv, (*at, jk), 3)
                else:
                    yield from _data_slots(jv, (*at, jk), 3)
        else:
            yield from _data_slots(value, at, 2)


def _schema_slots(node: Any, at: tuple[PathPart, ...], keys_from: int) -> Iterator[Slot]:
    """Every string of a JSON schema a model reads (see above); the structure stays."""
    if isinstance(node, str):
        yield Slot(at, node, None, keys_from=keys_from)
    elif isinstance(node, list):
        for i, item in enumerate(node):
            yield from _schema_slots(item, (*at, i), keys_from)
    elif isinstance(node, dict):
        for key, value in node.items():
            if key in _SCHEMA_NAMES:
                continue
            where = (*at, key)
            if key in _SCHEMA_DATA:
                yield from _data_slots(value, where, keys_from)
            elif key in _SCHEMA_MAPS and isinstance(value, dict):
                for name, sub in value.items():
                    yield from _schema_slots(sub, (*where, name), keys_from)
            else:
                yield from _schema_slots(value, where, keys_from)


def _data_slots(node: Any, at: tuple[PathPart, ...], keys_from: int) -> Iterator[Slot]:
    """Every string in a JSON value (keys stay as they are)."""
    if isinstance(node, str):
        yield Slot(at, node, None, keys_from=keys_from)
    elif isinstance(node, list):
        for i, item in enumerate(node):
            yield from _data_slots(item, (*at, i), keys_from)
    elif isinstance(node, dict):
        for key, value in node.items():
            yield from _data_slots(value, (*at, key), keys_from)


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
