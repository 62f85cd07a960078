"""Error answers in the shape each vendor's SDK already understands.

Every message starts with "guard:" so a person reading an SDK exception knows the proxy, not the
vendor, refused. Messages name what went wrong and what to do; they never carry a value from the
request or an API key.
"""

from __future__ import annotations

import json
from typing import Any

from aiohttp import web

from guard.config import ErrorStyle


def error_body(
    style: ErrorStyle, message: str, type_: str, code: str, request_id: str
) -> dict[str, Any]:
    text = f"guard: {message}"
    if style == "moonshot":
        # Moonshot's own errors are {"error": {"type", "message"}}. The object has room for a
        # `code` as well, which the OpenAI SDK reads into `e.code`: clients can tell guard's
        # refusals apart without parsing the message.
        return {"error": {"type": type_, "message": text, "code": code}}
    body: dict[str, Any] = {"error": {"message": text, "type": type_, "param": None, "code": code}}
    if style == "dashscope":
        body["request_id"] = request_id
    return body


def error_response(
    style: ErrorStyle,
    status: int,
    message: str,
    *,
    type_: str = "invalid_request_error",
    code: str,
    request_id: str,
) -> web.Response:
    return json_error(status, error_body(style, message, type_, code, request_id), request_id)


def json_error(status: int, body: dict[str, Any], request_id: str) -> web.Response:
    """An error answered by the proxy, with `body` in the shape of the format it speaks."""
    return web.Response(
        status=status,
        text=json.dumps(body, ensure_ascii=False),
        content_type="application/json",
        headers={"X-Guard-Request-Id": request_id},
    )


def sse_error_event(style: ErrorStyle, message: str, code: str, request_id: str) -> bytes:
    """An error inside an already started stream: the OpenAI SDK raises it as an APIError."""
    body = error_body(style, message, "upstream_error", code, request_id)
    return f"data: {json.dumps(body, ensure_ascii=False)}\n\n".encode()
