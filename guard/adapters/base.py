"""What the proxy asks of an API format, and the pieces the formats share.

An adapter knows one API format (OpenAI-compatible chat, Anthropic Messages, DashScope native):
which endpoints it serves, which texts of a request body the vendor will read (`extract`), how to
write the transformed texts back (`rewrite`), how to put the real values back into an answer
(`restore_body`, `stream_restorer`) and how that format spells an error. `guard/proxy.py` runs
the same pipeline for every format and knows none of these details.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from aiohttp import web

from guard.config import ErrorStyle, VendorConfig
from guard.restore import Restorer

__all__ = [
    "Adapter",
    "BaseAdapter",
    "Endpoint",
    "PathPart",
    "Slot",
    "StreamRestorer",
    "UninspectableInput",
    "data_slots",
    "leaves",
    "render_path",
    "rewrite",
    "schema_slots",
    "value_slots",
]


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
        return render_path(self.path) + self._in_json

    @property
    def place(self) -> str:
        """The place named in an error answered to the client: `location` without any key the
        request chose (tool-argument keys, schema property names), so nothing of the request
        is quoted back, e.g. messages[2].tool_calls[0].function.arguments."""
        return render_path(self.path[: self.keys_from])

    @property
    def field(self) -> str:
        parts = self.path
        if self.message_index is not None and "messages" in self.path:
            # the place inside the message (DashScope's messages are one level down, in `input`)
            parts = self.path[self.path.index("messages") + 2 :]
        return render_path(parts) + self._in_json

    @property
    def _in_json(self) -> str:
        """The place inside the JSON document a string holds (tool-call arguments), e.g. `.to`."""
        return render_path(self.json_path, dotted=True) if self.json_path else ""


def render_path(path: tuple[PathPart, ...], dotted: bool = False) -> str:
    """A path as text, e.g. messages[2].content (with `dotted`, a leading dot kept: .to)."""
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else f".{part}"
    return out if dotted else out.lstrip(".")


@dataclass(frozen=True, slots=True)
class Endpoint:
    """One path an adapter serves. `inspected`: the body is read, inspected and rewritten;
    otherwise the request carries no body the vendor reads and is passed through."""

    name: str  # as audited and logged, e.g. "messages/count_tokens"
    path: str  # under the format's base URL, the client's and the vendor's alike
    method: str
    inspected: bool = True


class StreamRestorer(Protocol):
    """Raw upstream SSE bytes in, restored bytes out; `close` once the upstream has ended, `abort`
    instead when it broke off (then an event cut short is dropped, and a held-back tail that
    could only be the start of a placeholder is never sent: the caller's error event follows)."""

    def feed(self, data: bytes) -> bytes: ...

    def close(self) -> bytes: ...

    def abort(self) -> bytes: ...


class Adapter(Protocol):
    """The protocol `guard/proxy.py` uses: one implementation per API format."""

    @property
    def format(self) -> str:
        """The format's name, as audit rows and logs give it."""
        ...

    @property
    def label(self) -> str:
        """How error messages name the format to a person, e.g. "Anthropic Messages"."""
        ...

    @property
    def upstream_setting(self) -> str:
        """The vendor setting that holds this format's upstream URL (see guard.config)."""
        ...

    def endpoint(self, path: str) -> Endpoint | None:
        """The endpoint at `path` (relative to the format's base URL), or None: not served."""
        ...

    def endpoints(self) -> list[Endpoint]:
        """Every endpoint served (the metrics' closed set of labels)."""
        ...

    def served(self) -> str:
        """The endpoints served, for an error message."""
        ...

    def upstream(self, vendor: VendorConfig) -> str | None:
        """The vendor's base URL for this format; None when the vendor does not offer it."""
        ...

    def extract(self, endpoint: Endpoint, body: dict[str, Any]) -> list[Slot]:
        """Every text the vendor will read, in the order it reads them. Raises
        UninspectableInput for text the proxy cannot read (it must not be forwarded)."""
        ...

    def rewrite(self, body: dict[str, Any], changes: Sequence[tuple[Slot, str]]) -> None:
        """Write transformed texts into `body`, in place."""
        ...

    def restore_body(self, endpoint: Endpoint, doc: dict[str, Any], restorer: Restorer) -> dict[str, Any]:
        """A non-streamed answer with the placeholders restored; `doc` is not changed."""
        ...

    def stream_restorer(self, endpoint: Endpoint, body: dict[str, Any], restorer: Restorer) -> StreamRestorer:
        """A restorer for one streamed answer to `body` (the request as sent upstream)."""
        ...

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
        """An error answered by the proxy, in the format's shape (`style`: the vendor's dialect
        where the format has several)."""
        ...

    def stream_error(self, style: ErrorStyle, message: str, code: str, request_id: str) -> bytes:
        """An error inside a stream whose headers are already sent."""
        ...


class BaseAdapter:
    """The part of an Adapter that is the same in every format, read from its class attributes:
    `paths`, the endpoints it serves by path, and `upstream_setting`, the VendorConfig field that
    holds its base URL. Each format writes the rest itself."""

    format: str
    label: str
    upstream_setting: str
    paths: dict[str, Endpoint]

    def endpoint(self, path: str) -> Endpoint | None:
        return self.paths.get(path)

    def endpoints(self) -> list[Endpoint]:
        return list(self.paths.values())

    def upstream(self, vendor: VendorConfig) -> str | None:
        url: str | None = getattr(vendor, self.upstream_setting)
        return url

    def rewrite(self, body: dict[str, Any], changes: Sequence[tuple[Slot, str]]) -> None:
        rewrite(body, changes)


# ---------------------------------------------------------------------------------------------
# Slots shared by the formats


def leaves(node: Any, at: tuple[PathPart, ...] = ()) -> Iterator[tuple[tuple[PathPart, ...], Any]]:
    """Every string and number inside a JSON value, with its path (booleans and null are not
    text)."""
    if isinstance(node, dict):
        for key, value in node.items():
            yield from leaves(value, (*at, key))
    elif isinstance(node, list):
        for idx, value in enumerate(node):
            yield from leaves(value, (*at, idx))
    elif isinstance(node, str) or (isinstance(node, int | float) and not isinstance(node, bool)):
        yield at, node


def value_slots(path: tuple[PathPart, ...], node: Any, message_index: int | None) -> Iterator[Slot]:
    """Slots for the values of a JSON object held in the body itself (Anthropic `tool_use.input`,
    unlike OpenAI's arguments, is an object, not a string). A number is inspected as its text and
    written back as a string only if it changes."""
    # The keys inside are the tool's parameter names, chosen by the client: an error names
    # the place only up to the object (see Slot.place).
    keys = len(path)
    for jpath, leaf in leaves(node):
        if isinstance(leaf, str):
            yield Slot((*path, *jpath), leaf, message_index, keys_from=keys)
        else:
            yield Slot((*path, *jpath), json.dumps(leaf), message_index, json_number=True, keys_from=keys)


# ---------------------------------------------------------------------------------------------
# Tool definitions and response schemas, in every format
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
_SCHEMA_MAPS = frozenset({"properties", "patternProperties", "$defs", "definitions", "dependentSchemas"})
# Keywords whose value is an instance, not a schema: every string in it is text.
_SCHEMA_DATA = frozenset({"enum", "const", "default", "examples", "example"})


def schema_slots(node: Any, at: tuple[PathPart, ...], keys_from: int) -> Iterator[Slot]:
    """Every string of a JSON schema a model reads (see above); the structure stays."""
    if isinstance(node, str):
        yield Slot(at, node, None, keys_from=keys_from)
    elif isinstance(node, list):
        for i, item in enumerate(node):
            yield from schema_slots(item, (*at, i), keys_from)
    elif isinstance(node, dict):
        for key, value in node.items():
            if key in _SCHEMA_NAMES:
                continue
            where = (*at, key)
            if key in _SCHEMA_DATA:
                yield from data_slots(value, where, keys_from)
            elif key in _SCHEMA_MAPS and isinstance(value, dict):
                for name, sub in value.items():
                    yield from schema_slots(sub, (*where, name), keys_from)
            else:
                yield from schema_slots(value, where, keys_from)


def data_slots(node: Any, at: tuple[PathPart, ...], keys_from: int) -> Iterator[Slot]:
    """Every string in a JSON value (keys stay as they are)."""
    if isinstance(node, str):
        yield Slot(at, node, None, keys_from=keys_from)
    elif isinstance(node, list):
        for i, item in enumerate(node):
            yield from data_slots(item, (*at, i), keys_from)
    elif isinstance(node, dict):
        for key, value in node.items():
            yield from data_slots(value, (*at, key), keys_from)


def rewrite(body: dict[str, Any], changes: Sequence[tuple[Slot, str]]) -> None:
    """Write new texts into `body` in place: a slot's path leads to a string (or a number, written
    back as a string), or, with `json_path`, to a JSON document inside a string. Such a document is
    re-serialised only when one of its values changed, so unchanged arguments stay byte for byte."""
    docs: dict[tuple[PathPart, ...], Any] = {}
    for slot, new_text in changes:
        if slot.json_number and new_text == slot.text:
            continue
        if slot.json_path is None:
            _set(body, slot.path, new_text)
            continue
        if slot.path not in docs:
            docs[slot.path] = json.loads(_get(body, slot.path))
        if not slot.json_path:
            docs[slot.path] = new_text
        else:
            _set(docs[slot.path], slot.json_path, new_text)
    for path, doc in docs.items():
        _set(body, path, json.dumps(doc, ensure_ascii=False))


def _get(node: Any, path: tuple[PathPart, ...]) -> Any:
    for part in path:
        node = node[part]
    return node


def _set(node: Any, path: tuple[PathPart, ...], value: Any) -> None:
    _get(node, path[:-1])[path[-1]] = value


def restore_value(node: Any, restorer: Restorer) -> Any:
    """A JSON value with every string in it restored (keys stay): Anthropic `tool_use.input`."""
    if isinstance(node, str):
        return restorer.restore_text(node)
    if isinstance(node, list):
        return [restore_value(v, restorer) for v in node]
    if isinstance(node, dict):
        return {k: restore_value(v, restorer) for k, v in node.items()}
    return node


def safe_name(value: Any) -> str:
    """A client-chosen type name fit to quote in an error message (never request text)."""
    if isinstance(value, str) and 0 < len(value) <= 40 and all(c.isalnum() or c in "_-." for c in value):
        return repr(value)
    return "an unrecognised type"
