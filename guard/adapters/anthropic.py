"""Anthropic Messages: the format Claude Code and the Anthropic SDK speak, served by Moonshot
(`api.moonshot.ai/anthropic`) and DashScope (`dashscope-intl.aliyuncs.com/apps/anthropic`).

Requests: `POST /v1/messages` and `POST /v1/messages/count_tokens` (and `GET /v1/models`, passed
through). Inspected: `system` (a string or text blocks), every message's text blocks,
`tool_use.input` values, `tool_result` content (a string or blocks), `thinking` text, plain-text
documents and search results, tool definitions (descriptions and the prose of their input
schemas), `metadata.user_id`, `stop_sequences` and remote MCP server settings.
Images, PDF documents and encrypted thinking pass through. A block type this module does not know
is refused: it may carry text, and text the proxy has not read must not reach the vendor.

Answers: `text`, `thinking` and `tool_use.input` are restored, in a whole message and in the
stream's `content_block_delta` events. `input_json_delta` fragments are JSON source: restored
values are written JSON-escaped, so the fragments still join into the document the SDK parses.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from aiohttp import web

from guard import sse, vendor_errors
from guard.adapters.base import (
    BaseAdapter,
    Endpoint,
    PathPart,
    Slot,
    UninspectableInput,
    data_slots,
    render_path,
    restore_value,
    safe_name,
    schema_slots,
    value_slots,
)
from guard.config import ErrorStyle
from guard.restore import Restorer, TextStreamRestorer, json_index

ENDPOINTS = {
    "v1/messages": Endpoint("messages", "v1/messages", "POST"),
    "v1/messages/count_tokens": Endpoint("messages/count_tokens", "v1/messages/count_tokens", "POST"),
    # No body the vendor reads: passed through (where a vendor offers it).
    "v1/models": Endpoint("models", "v1/models", "GET", inspected=False),
}

# Content blocks, by where they may appear. Each known type is inspected by `_block_slots`.
_MESSAGE_BLOCKS = frozenset(
    {
        "text",
        "image",
        "document",
        "search_result",
        "thinking",
        "redacted_thinking",
        "tool_use",
        "server_tool_use",
        "tool_result",
    }
)
_TOOL_RESULT_BLOCKS = frozenset({"text", "image", "document", "search_result", "tool_reference"})
_SOURCE_BLOCKS = frozenset({"text", "image"})  # inside a document's `content` source


class AnthropicAdapter(BaseAdapter):
    format = "anthropic"
    label = "Anthropic Messages"
    upstream_setting = "anthropic_upstream"
    paths = ENDPOINTS

    def served(self) -> str:
        return "POST /v1/messages, POST /v1/messages/count_tokens, GET /v1/models"

    def extract(self, endpoint: Endpoint, body: dict[str, Any]) -> list[Slot]:
        return list(_request_slots(body))

    def restore_body(self, endpoint: Endpoint, doc: dict[str, Any], restorer: Restorer) -> dict[str, Any]:
        if endpoint.name != "messages" or not restorer:
            return doc
        return restore_message(doc, restorer)

    def stream_restorer(
        self, endpoint: Endpoint, body: dict[str, Any], restorer: Restorer
    ) -> MessageStreamRestorer:
        return MessageStreamRestorer(restorer)

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
        return vendor_errors.json_error(status, error_body(status, message, code, request_id), request_id)

    def stream_error(self, style: ErrorStyle, message: str, code: str, request_id: str) -> bytes:
        doc = error_body(502, message, code, request_id)
        return sse.event(b"\n", b"event: error", b"data: " + sse.dumps(doc))


ADAPTER = AnthropicAdapter()


# ---------------------------------------------------------------------------------------------
# Errors

# Anthropic's error types by HTTP status; other 4xx are invalid_request_error, other 5xx api_error.
_ERROR_TYPES = {
    401: "authentication_error",
    403: "permission_error",
    404: "not_found_error",
    413: "request_too_large",
    429: "rate_limit_error",
    529: "overloaded_error",
}


def error_body(status: int, message: str, code: str, request_id: str) -> dict[str, Any]:
    """`{"type": "error", "error": {"type", "message"}}`, with the proxy's code beside them."""
    type_ = _ERROR_TYPES.get(status, "api_error" if status >= 500 else "invalid_request_error")
    return {
        "type": "error",
        "error": {"type": type_, "message": f"guard: {message}", "code": code},
        "request_id": request_id,
    }


# ---------------------------------------------------------------------------------------------
# Requests


def _request_slots(body: dict[str, Any]) -> Iterator[Slot]:
    # In the order the model reads them: tools and system come before the conversation.
    tools = body.get("tools")
    if tools is not None:
        if not isinstance(tools, list):
            raise UninspectableInput("'tools' must be a list of tool definitions")
        for k, tool in enumerate(tools):
            if not isinstance(tool, dict):
                raise UninspectableInput(f"tools[{k}] must be an object")
            yield from _tool_slots(("tools", k), tool)
    system = body.get("system")
    if isinstance(system, str):
        yield Slot(("system",), system, None)
    elif isinstance(system, list):
        for j, block in enumerate(system):
            if not isinstance(block, dict) or block.get("type") != "text":
                kind = block.get("type") if isinstance(block, dict) else None
                raise UninspectableInput(
                    f"system[{j}] is {safe_name(kind)}; the system prompt may hold only text "
                    "blocks, and this proxy refuses what it cannot inspect"
                )
            yield from _text_block_slots(("system", j), block, None)
    elif system is not None:
        raise UninspectableInput("'system' must be a string or a list of text blocks")
    messages = body.get("messages")
    if messages is not None:
        if not isinstance(messages, list):
            raise UninspectableInput("'messages' must be a list of message objects")
        for i, msg in enumerate(messages):
            if not isinstance(msg, dict):
                raise UninspectableInput(f"messages[{i}] must be an object")
            content = msg.get("content")
            if isinstance(content, str):
                yield Slot(("messages", i, "content"), content, i)
            elif isinstance(content, list):
                for j, block in enumerate(content):
                    yield from _block_slots(("messages", i, "content", j), block, i, _MESSAGE_BLOCKS)
            elif content is not None:
                raise UninspectableInput(
                    f"messages[{i}].content must be a string or a list of content blocks"
                )
    metadata = body.get("metadata")
    if isinstance(metadata, dict) and isinstance(metadata.get("user_id"), str):
        # Meant to be opaque, but an email address is a common choice.
        yield Slot(("metadata", "user_id"), metadata["user_id"], None)
    stops = body.get("stop_sequences")
    if isinstance(stops, list):
        for k, stop in enumerate(stops):
            if isinstance(stop, str):
                yield Slot(("stop_sequences", k), stop, None)
    servers = body.get("mcp_servers")
    if isinstance(servers, list):
        # Remote MCP servers the vendor would call: their URLs and tokens reach the vendor.
        for k, server in enumerate(servers):
            if isinstance(server, dict):
                for key, value in server.items():
                    if key not in ("type", "name"):
                        yield from data_slots(value, ("mcp_servers", k, key), 2)
    output = body.get("output_config")
    if isinstance(output, dict) and isinstance(output.get("format"), dict):
        # Structured output: its JSON schema is prose the model reads, like a tool's.
        schema = output["format"].get("schema")
        yield from schema_slots(schema, ("output_config", "format", "schema"), 3)


def _tool_slots(path: tuple[PathPart, ...], tool: dict[str, Any]) -> Iterator[Slot]:
    """A tool definition: its description and the prose of its schema are read by the model.
    The name is the interface the model calls, and stays."""
    if tool.get("type") in (None, "custom") or "input_schema" in tool:
        if isinstance(tool.get("description"), str):
            yield Slot((*path, "description"), tool["description"], None)
        # Property names and the keys of examples are the interface, chosen by the client: an
        # error names the place up to the schema (see Slot.place).
        yield from schema_slots(tool.get("input_schema"), (*path, "input_schema"), len(path) + 1)
        yield from data_slots(tool.get("input_examples"), (*path, "input_examples"), len(path) + 1)
        return
    # A vendor-defined tool (web search, bash, text editor ...): its settings may hold text
    # (a user's location, allowed domains); only its type and name are syntax.
    for key, value in tool.items():
        if key not in ("type", "name", "cache_control"):
            yield from data_slots(value, (*path, key), len(path))


def _text_block_slots(
    path: tuple[PathPart, ...], block: dict[str, Any], message_index: int | None
) -> Iterator[Slot]:
    text = block.get("text")
    if not isinstance(text, str):
        raise UninspectableInput(f"{render_path(path)}.text must be a string")
    yield Slot((*path, "text"), text, message_index)
    citations = block.get("citations")
    if isinstance(citations, list):
        for c, citation in enumerate(citations):
            if isinstance(citation, dict):
                for key in ("cited_text", "document_title", "title"):
                    if isinstance(citation.get(key), str):
                        yield Slot((*path, "citations", c, key), citation[key], message_index)


def _block_slots(path: tuple[PathPart, ...], block: Any, i: int, allowed: frozenset[str]) -> Iterator[Slot]:
    if not isinstance(block, dict):
        raise UninspectableInput(f"{render_path(path)} must be a content block object")
    kind = block.get("type")
    if kind not in allowed:
        raise UninspectableInput(
            f"{render_path(path)} is a content block of type {safe_name(kind)}, which this proxy "
            "cannot inspect, so the request is refused rather than forwarded unread (inspected: "
            f"{', '.join(sorted(allowed))})"
        )
    if kind == "text":
        yield from _text_block_slots(path, block, i)
    elif kind == "thinking":
        # The model's own earlier reasoning, sent back: it holds whatever the answer held.
        if isinstance(block.get("thinking"), str):
            yield Slot((*path, "thinking"), block["thinking"], i)
    elif kind in ("tool_use", "server_tool_use"):
        yield from value_slots((*path, "input"), block.get("input"), i)
    elif kind == "tool_result":
        content = block.get("content")
        if isinstance(content, str):
            yield Slot((*path, "content"), content, i)
        elif isinstance(content, list):
            for j, sub in enumerate(content):
                yield from _block_slots((*path, "content", j), sub, i, _TOOL_RESULT_BLOCKS)
        elif content is not None:
            raise UninspectableInput(f"{render_path(path)}.content must be a string or a list of blocks")
    elif kind == "document":
        yield from _document_slots(path, block, i)
    elif kind == "search_result":
        for key in ("title", "source"):
            if isinstance(block.get(key), str):
                yield Slot((*path, key), block[key], i)
        content = block.get("content")
        if isinstance(content, list):
            for j, sub in enumerate(content):
                yield from _block_slots((*path, "content", j), sub, i, frozenset({"text"}))
    # image, redacted_thinking (encrypted), tool_reference (a tool's name): nothing to read


def _document_slots(path: tuple[PathPart, ...], block: dict[str, Any], i: int) -> Iterator[Slot]:
    for key in ("title", "context"):
        if isinstance(block.get(key), str):
            yield Slot((*path, key), block[key], i)
    source = block.get("source")
    if not isinstance(source, dict):
        return
    if source.get("type") == "text" and isinstance(source.get("data"), str):
        # A plain-text document is text like any other.
        yield Slot((*path, "source", "data"), source["data"], i)
    elif source.get("type") == "content":
        content = source.get("content")
        if isinstance(content, str):
            yield Slot((*path, "source", "content"), content, i)
        elif isinstance(content, list):
            for j, sub in enumerate(content):
                yield from _block_slots((*path, "source", "content", j), sub, i, _SOURCE_BLOCKS)
    # base64 PDFs, URLs and file ids pass through, like images: there is no text to read in them


# ---------------------------------------------------------------------------------------------
# Answers


def restore_message(doc: dict[str, Any], r: Restorer) -> dict[str, Any]:
    """A whole Message with its content blocks restored; `doc` is not changed."""
    out = dict(doc)
    content = out.get("content")
    if isinstance(content, list):
        out["content"] = [_restore_block(b, r) for b in content]
    return out


def _restore_block(block: Any, r: Restorer) -> Any:
    if not isinstance(block, dict):
        return block
    kind = block.get("type")
    if kind == "text" and isinstance(block.get("text"), str):
        out = {**block, "text": r.restore_text(block["text"])}
        if isinstance(block.get("citations"), list):
            out["citations"] = [restore_value(c, r) for c in block["citations"]]
        return out
    if kind == "thinking" and isinstance(block.get("thinking"), str):
        return {**block, "thinking": r.restore_text(block["thinking"])}
    if kind in ("tool_use", "server_tool_use") and "input" in block:
        return {**block, "input": restore_value(block["input"], r)}
    return block


# The delta types that carry text, and the field that holds it. input_json_delta is JSON source.
_DELTAS = {"text_delta": "text", "thinking_delta": "thinking", "input_json_delta": "partial_json"}
_BLOCK_DELTA = {
    "text": "text_delta",
    "thinking": "thinking_delta",
    "tool_use": "input_json_delta",
    "server_tool_use": "input_json_delta",
}


@dataclass(slots=True)
class _Block:
    delta_type: str
    stream: TextStreamRestorer


class MessageStreamRestorer(sse.EventStreamRestorer):
    """Restores a streamed Message (reading, `close` and `abort`: guard.sse.EventStreamRestorer).

    Events without anything to restore pass through byte for byte. A placeholder split across
    `content_block_delta` events is written whole into the later one; text that might still become
    a placeholder is held back, and written as one more delta of its block just before that
    block's `content_block_stop` (or before the message ends, or at `close`).
    """

    def __init__(self, restorer: Restorer) -> None:
        super().__init__(restorer)
        self._blocks: dict[int, _Block] = {}

    def _event(self, lines: list[bytes]) -> bytes:
        raw = b"".join(lines)
        parsed = sse.parse(lines)
        if parsed is None or not isinstance(parsed[1], dict):
            return raw
        self._eol = sse.eol_of(lines)
        name, doc = parsed
        kind = doc.get("type") if isinstance(doc.get("type"), str) else name
        idx = json_index(doc, None)
        if kind == "content_block_delta" and idx is not None:
            return self._delta(lines, raw, doc, idx)
        if kind == "content_block_start" and idx is not None:
            before = self._flush_all()  # blocks come one after another: any earlier one is done
            return before + self._start(lines, raw, doc, idx)
        if kind == "content_block_stop" and idx is not None:
            return self._flush([idx]) + raw
        if kind == "message_start" and isinstance(doc.get("message"), dict):
            message = doc["message"]
            restored = restore_message(message, self._r)
            if restored != message:
                return sse.with_data(lines, {**doc, "message": restored})
            return raw
        if kind in ("message_delta", "message_stop", "error"):
            return self._flush_all() + raw
        return raw

    def _start(self, lines: list[bytes], raw: bytes, doc: dict[str, Any], idx: int) -> bytes:
        block = doc.get("content_block")
        if not isinstance(block, dict):
            return raw
        delta_type = _BLOCK_DELTA.get(block.get("type", ""))
        if delta_type is None:
            return raw
        st = self._blocks[idx] = _Block(
            delta_type, self._r.stream(json_string=delta_type == "input_json_delta")
        )
        field = _DELTAS[delta_type]
        if delta_type != "input_json_delta" and isinstance(block.get(field), str) and block[field]:
            # A block that starts with text: the start of the same stream as its deltas.
            new = st.stream.feed(block[field])
            return sse.with_data(lines, {**doc, "content_block": {**block, field: new}})
        if delta_type == "input_json_delta" and block.get("input"):
            restored = restore_value(block["input"], self._r)
            if restored != block["input"]:
                return sse.with_data(lines, {**doc, "content_block": {**block, "input": restored}})
        return raw

    def _delta(self, lines: list[bytes], raw: bytes, doc: dict[str, Any], idx: int) -> bytes:
        delta = doc.get("delta")
        if not isinstance(delta, dict):
            return raw
        delta_type = delta.get("type")
        if delta_type == "citations_delta" and isinstance(delta.get("citation"), dict):
            citation = restore_value(delta["citation"], self._r)
            if citation != delta["citation"]:
                return sse.with_data(lines, {**doc, "delta": {**delta, "citation": citation}})
            return raw
        field = _DELTAS.get(delta_type) if isinstance(delta_type, str) else None
        if field is None or not isinstance(delta_type, str) or not isinstance(delta.get(field), str):
            return raw
        st = self._blocks.get(idx)
        if st is None or st.delta_type != delta_type:
            # No start seen for this block (or it changed kind): its stream starts here.
            st = self._blocks[idx] = _Block(
                delta_type, self._r.stream(json_string=delta_type == "input_json_delta")
            )
        text = delta[field]
        new = st.stream.feed(text)
        if new == text:
            return raw
        return sse.with_data(lines, {**doc, "delta": {**delta, field: new}})

    def _flush_all(self, broken: bool = False) -> bytes:
        return self._flush(sorted(self._blocks), broken)

    def _flush(self, indexes: list[int], broken: bool = False) -> bytes:
        """Held-back text of these blocks, as `content_block_delta` events. `broken`: the stream
        broke off (see `TextStreamRestorer.abort`)."""
        out = []
        for idx in indexes:
            st = self._blocks.get(idx)
            if st is None or not st.stream.pending:
                continue
            tail = st.stream.abort() if broken else st.stream.flush()
            if not tail:
                continue
            doc = {
                "type": "content_block_delta",
                "index": idx,
                "delta": {"type": st.delta_type, _DELTAS[st.delta_type]: tail},
            }
            out.append(sse.event(self._eol, b"event: content_block_delta", b"data: " + sse.dumps(doc)))
        return b"".join(out)
