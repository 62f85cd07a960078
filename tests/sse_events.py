"""SSE events of the Anthropic and DashScope streams, written and read as the tests need them."""

from __future__ import annotations

import json
from typing import Any


def anthropic_event(name: str, doc: dict[str, Any], eol: str = "\n") -> bytes:
    """One event as Anthropic writes it: `event: <name>` and the JSON on one data line."""
    return f"event: {name}{eol}data: {json.dumps(doc, ensure_ascii=False)}{eol}{eol}".encode()


def native_frame(i: int, doc: dict[str, Any], eol: str = "\n") -> bytes:
    """One frame as DashScope writes it: id, `event:result`, the status comment, the data."""
    lines = [f"id:{i}", "event:result", ":HTTP_STATUS/200", f"data:{json.dumps(doc, ensure_ascii=False)}"]
    return (eol.join(lines) + eol + eol).encode()


def read_events(data: bytes) -> list[tuple[str, Any]]:
    """Each event's name ("" when it has none) and its data as JSON, as a client reads them;
    events without data (comments) are left out."""
    out = []
    for block in data.decode().replace("\r\n", "\n").split("\n\n"):
        name, payload = "", []
        for line in block.split("\n"):
            if line.startswith("event:"):
                name = line[6:].strip()
            elif line.startswith("data:"):
                payload.append(line[5:].removeprefix(" "))
        if payload:
            out.append((name, json.loads("\n".join(payload))))
    return out
