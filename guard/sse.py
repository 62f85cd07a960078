"""Server-sent events as raw bytes: split a stream cut anywhere into events, read and rewrite one.

The stream restorers of the Anthropic and DashScope formats use this; an event they do not change
is passed on byte for byte, so vendors' comments, ids and spacing survive.
"""

from __future__ import annotations

import json
from typing import Any


class EventReader:
    """Bytes in, complete events out: each event is its lines, line endings included, the blank
    line that ends it last."""

    __slots__ = ("_lines", "_partial")

    def __init__(self) -> None:
        self._lines: list[bytes] = []  # complete lines of the event being read
        self._partial: list[bytes] = []  # a line not yet ended, in the pieces it came in

    def feed(self, data: bytes) -> list[list[bytes]]:
        if not data:
            return []
        self._partial.append(data)
        if b"\n" not in data:
            # Kept in pieces: a long line arriving in many small reads is joined once.
            return []
        lines = b"".join(self._partial).split(b"\n")
        last = lines.pop()
        self._partial = [last] if last else []
        events: list[list[bytes]] = []
        for line in lines:
            line += b"\n"
            self._lines.append(line)
            if line in (b"\n", b"\r\n"):
                events.append(self._lines)
                self._lines = []
        return events

    def close(self) -> list[bytes]:
        """What is left when the stream ends: an event without its blank line (or nothing)."""
        rest = self._lines + ([b"".join(self._partial)] if self._partial else [])
        self._lines, self._partial = [], []
        return rest


def field(line: bytes) -> tuple[str, str] | None:
    """A line's field name and value (`data: x` -> ("data", "x")); None for comments and blank
    lines."""
    text = line.decode("utf-8").rstrip("\r\n")
    if not text or text.startswith(":"):
        return None
    name, _, value = text.partition(":")
    return name, value[1:] if value.startswith(" ") else value


def parse(lines: list[bytes]) -> tuple[str | None, Any] | None:
    """An event's name and its data as JSON; None when it has no data or the data is not JSON."""
    name: str | None = None
    data: list[str] = []
    try:
        for line in lines:
            f = field(line)
            if f is None:
                continue
            if f[0] == "event":
                name = f[1]
            elif f[0] == "data":
                data.append(f[1])
    except UnicodeDecodeError:
        return None
    if not data:
        return None
    try:
        return name, json.loads("\n".join(data))
    except ValueError:
        return None


def whole(lines: list[bytes]) -> bool:
    """Whether an event the stream broke off in has all of its data: whole JSON."""
    return parse(lines) is not None


def with_data(lines: list[bytes], doc: Any) -> bytes:
    """The event with its data replaced by `doc`, every other line kept as it was."""
    out: list[bytes] = []
    written = False
    for line in lines:
        if line.startswith(b"data:"):
            if written:
                continue  # the JSON goes on the first data line; any further ones were part of it
            prefix = b"data: " if line.startswith(b"data: ") else b"data:"
            out.append(prefix + dumps(doc) + _ending(line))
            written = True
        else:
            out.append(line)
    return b"".join(out)


def eol_of(lines: list[bytes]) -> bytes:
    """The line ending the vendor uses, for events written by the proxy."""
    return b"\r\n" if lines and lines[0].endswith(b"\r\n") else b"\n"


def terminated(data: bytes) -> bool:
    """Whether `data` ends an event, so that another may follow."""
    return data.endswith((b"\n\n", b"\r\n\r\n"))


def dumps(doc: Any) -> bytes:
    try:
        return json.dumps(doc, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    except UnicodeEncodeError:
        # A lone surrogate in a value: escaped, it is still the same JSON.
        return json.dumps(doc, separators=(",", ":")).encode("ascii")


def _ending(line: bytes) -> bytes:
    if line.endswith(b"\r\n"):
        return b"\r\n"
    return b"\n" if line.endswith(b"\n") else b""
