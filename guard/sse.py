"""Server-sent events as raw bytes: split a stream cut anywhere into events, read and rewrite one,
and `EventStreamRestorer`, the part every format's stream restorer shares.

An event a restorer does not change is passed on byte for byte, so vendors' comments, ids and
spacing survive.
"""

from __future__ import annotations

import json
from abc import ABC, abstractmethod
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from guard.restore import Restorer


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


def event(eol: bytes, *lines: bytes) -> bytes:
    """An event the proxy writes: each line ended by `eol`, then the blank line that ends it."""
    return b"".join(line + eol for line in lines) + eol


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


class EventStreamRestorer(ABC):
    """Restores one streamed answer: raw upstream SSE bytes in, SSE bytes out (the protocol is
    guard.adapters.base.StreamRestorer).

    `feed` takes the bytes as they arrive, cut anywhere, and hands each complete event to the
    format's `_event`; `close` once the upstream has ended, `abort` instead when it broke off.
    What the format still holds back at the end (text that could have become a placeholder) it
    writes in `_flush_all`, as events of its own, in the line ending `_event` saw the vendor use.
    """

    def __init__(self, restorer: Restorer) -> None:
        self._r = restorer
        self._reader = EventReader()
        self._eol = b"\n"  # the vendor's line ending, for the events the restorer writes

    def feed(self, data: bytes) -> bytes:
        if not self._r:
            return data  # nothing was replaced in the request: nothing to restore
        return b"".join([self._event(ev) for ev in self._reader.feed(data)])

    def close(self) -> bytes:
        """The upstream has ended: what is still buffered or held back."""
        if not self._r:
            return b""
        rest = self._reader.close()
        out = self._event(rest) if rest else b""
        tail = self._flush_all()
        # An unterminated event would swallow the one appended.
        return (self._ended(out) if tail else out) + tail

    def abort(self) -> bytes:
        """The upstream broke off mid-stream: what can be sent before the caller's error event.

        An event cut short is dropped unless its data is whole (half an event would be forwarded
        unrestored, and no client could parse it). Held-back text is restored where it holds a
        whole placeholder; a tail that could only be the start of one (`<PE`) is dropped, so the
        client never sees half a placeholder. Whatever is returned ends its last event.
        """
        if not self._r:
            return b""
        rest = self._reader.close()
        out = self._event(rest) if rest and self._whole(rest) else b""
        return self._ended(out) + self._flush_all(broken=True)

    def _ended(self, out: bytes) -> bytes:
        """`out` with its last event terminated, so that another may follow."""
        if out and not terminated(out):
            out += self._eol * (1 if out.endswith(b"\n") else 2)
        return out

    # -- the format's part -------------------------------------------------------------------

    @abstractmethod
    def _event(self, lines: list[bytes]) -> bytes:
        """One event (its lines, as `EventReader` gives them), restored."""

    @abstractmethod
    def _flush_all(self, broken: bool = False) -> bytes:
        """Everything still held back, as events of the format (b"" when nothing is held).
        `broken`: the stream broke off, see `TextStreamRestorer.abort`."""

    def _whole(self, lines: list[bytes]) -> bool:
        """Whether an event the stream broke off in has all of its data."""
        return whole(lines)
