"""aiohttp's own answers to requests it cannot parse, without quoting the request.

A request line or header aiohttp cannot parse never reaches the proxy's handlers: aiohttp answers
400 itself, with a message that quotes the offending line (`b'GET /users/maria@example.com ...'`,
or a broken `Authorization` header with its key), and logs the same text with a traceback. Both
are replaced here: the answer says what kind of error it was, the log line names the exception's
type only.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import MutableMapping
from http import HTTPStatus
from typing import Any

from aiohttp import web_protocol
from aiohttp.log import server_logger


class QuietLogger(logging.LoggerAdapter[logging.Logger]):
    """aiohttp's server logger with exception texts and tracebacks left out."""

    def log(self, level: int, msg: object, *args: object, **kwargs: Any) -> None:
        if not self.isEnabledFor(level):
            return
        exc = kwargs.pop("exc_info", None)
        if exc is True:
            exc = sys.exc_info()[1]
        elif isinstance(exc, tuple):
            exc = exc[1]
        if isinstance(exc, BaseException):
            msg = f"{msg} ({type(exc).__name__})"
        self.logger.log(level, msg, *args, **kwargs)

    def process(self, msg: Any, kwargs: MutableMapping[str, Any]) -> tuple[Any, MutableMapping[str, Any]]:
        return msg, kwargs


def handler_args() -> dict[str, Any]:
    """Keyword arguments for aiohttp's request handler (`web.Application(handler_args=...)`)."""
    install()
    return {"logger": QuietLogger(server_logger, {})}


_original_handle_error = web_protocol.RequestHandler.handle_error


def _handle_error(
    self: web_protocol.RequestHandler,
    request: Any,
    status: int = 500,
    exc: BaseException | None = None,
    message: str | None = None,
) -> Any:
    if message is not None and status < 500:
        # aiohttp's message quotes the line it could not parse.
        kind = type(exc).__name__ if exc is not None else "unparsable request"
        message = (
            f"{status} {HTTPStatus(status).phrase}: guard: the request is not valid HTTP ({kind})"
        )
    return _original_handle_error(self, request, status, exc, message)


def install() -> None:
    """Replace aiohttp's error answer (once per process; aiohttp is pinned, and
    tests/test_proxy_errors.py checks the answer)."""
    web_protocol.RequestHandler.handle_error = _handle_error  # type: ignore[method-assign]
