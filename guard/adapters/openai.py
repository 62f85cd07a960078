"""The OpenAI-compatible format that DashScope's compatible mode and Moonshot both speak.

`extract` lists every text the vendor will see in a request body, each as a `Slot` with its place;
`rewrite` writes transformed texts back. Fields we do not know pass through unchanged; fields that
can carry text we cannot inspect make the request fail rather than slip through.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from aiohttp import web

from guard import vendor_errors
from guard.adapters.base import (
    BaseAdapter,
    Endpoint,
    PathPart,
    Slot,
    UninspectableInput,
    data_slots,
    leaves,
    rewrite,
    schema_slots,
)
from guard.config import ErrorStyle
from guard.restore import ChatStreamRestorer, Restorer, restore_completion

__all__ = [
    "ADAPTER",
    "OpenAIAdapter",
    "PathPart",
    "Slot",
    "UninspectableInput",
    "extract",
    "rewrite",
]


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
    yield from tool_slots(body)
    yield from response_format_slots(body)
    yield from message_slots(body)
    yield from other_chat_slots(body)


def message_slots(body: dict[str, Any]) -> Iterator[Slot]:
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


def other_chat_slots(body: dict[str, Any]) -> Iterator[Slot]:
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
                yield from data_slots(value, ("translation_options", key), 1)


# ---------------------------------------------------------------------------------------------
# Tool definitions and response schemas (what of a schema is text: guard.adapters.base)


# tool_slots, response_format_slots, message_slots and other_chat_slots are DashScope's native
# format too: its messages and parameters are OpenAI's, one level down (guard.adapters.dashscope).


def tool_slots(body: dict[str, Any]) -> Iterator[Slot]:
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
                    yield from data_slots(value, (key, i, k), 2)


def _function_slots(fn: dict[str, Any], at: tuple[PathPart, ...]) -> Iterator[Slot]:
    for k, value in fn.items():
        if k in ("name", "strict"):
            continue
        if k == "parameters":
            yield from schema_slots(value, (*at, k), len(at) + 1)
        else:
            yield from data_slots(value, (*at, k), len(at) + 1)


def response_format_slots(body: dict[str, Any]) -> Iterator[Slot]:
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
                    yield from schema_slots(jv, (*at, jk), 3)
                else:
                    yield from data_slots(jv, (*at, jk), 3)
        else:
            yield from data_slots(value, at, 2)


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
    for jpath, leaf in leaves(doc):
        if isinstance(leaf, str):
            yield Slot(path, leaf, message_index, jpath)
        else:
            yield Slot(path, str(leaf), message_index, jpath, json_number=True)


# ---------------------------------------------------------------------------------------------
# The adapter the proxy uses (guard.adapters.base.Adapter)


_ENDPOINTS = {
    "chat/completions": Endpoint("chat/completions", "chat/completions", "POST"),
    "embeddings": Endpoint("embeddings", "embeddings", "POST"),
    # No body the vendor reads: passed through.
    "models": Endpoint("models", "models", "GET", inspected=False),
}



class OpenAIAdapter(BaseAdapter):
    """The OpenAI-compatible chat format (`<vendor>/v1/...`), in each vendor's error dialect."""

    format = "openai"
    label = "OpenAI-compatible"
    upstream_setting = "upstream"
    paths = _ENDPOINTS

    def served(self) -> str:
        return "POST chat/completions, POST embeddings, GET models"

    def extract(self, endpoint: Endpoint, body: dict[str, Any]) -> list[Slot]:
        return extract(endpoint.name, body)

    def restore_body(
        self, endpoint: Endpoint, doc: dict[str, Any], restorer: Restorer
    ) -> dict[str, Any]:
        return restore_completion(doc, restorer) if restorer else doc

    def stream_restorer(
        self, endpoint: Endpoint, body: dict[str, Any], restorer: Restorer
    ) -> ChatStreamRestorer:
        return ChatStreamRestorer(restorer)

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
        return vendor_errors.error_response(
            style, status, message, type_=type_, code=code, request_id=request_id
        )

    def stream_error(self, style: ErrorStyle, message: str, code: str, request_id: str) -> bytes:
        return vendor_errors.sse_error_event(style, message, code, request_id)


ADAPTER = OpenAIAdapter()
