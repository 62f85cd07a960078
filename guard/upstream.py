"""Talking to the vendor: one pooled aiohttp client session, header hygiene, timeouts.

Errors are turned into `UpstreamError` with a status and a message a person can act on; the
proxy answers them in the vendor's error shape.
"""

from __future__ import annotations

import os
import socket

import aiohttp
from multidict import CIMultiDict, CIMultiDictProxy

# RFC 9110 section 7.6.1: meaningful for one connection only, never forwarded.
HOP_BY_HOP = frozenset(
    h.lower()
    for h in (
        "Connection",
        "Keep-Alive",
        "Proxy-Connection",
        "Proxy-Authenticate",
        "Proxy-Authorization",
        "TE",
        "Trailer",
        "Trailers",
        "Transfer-Encoding",
        "Upgrade",
    )
)
# Recomputed by us: the body we send (or return) is not the body we received.
_REQUEST_DROP = HOP_BY_HOP | {"host", "content-length", "content-encoding"}
# The client session decompresses responses, and a restored answer changes length.
_RESPONSE_DROP = HOP_BY_HOP | {"content-length", "content-encoding"}


class UpstreamError(Exception):
    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message


def _without(headers: CIMultiDictProxy[str], drop: frozenset[str]) -> CIMultiDict[str]:
    # Headers named in Connection are hop-by-hop too (RFC 9110 section 7.6.1).
    named = {t.strip().lower() for t in headers.get("Connection", "").split(",") if t.strip()}
    out: CIMultiDict[str] = CIMultiDict()
    for key, value in headers.items():
        if key.lower() not in drop and key.lower() not in named:
            out.add(key, value)
    return out


def request_headers(incoming: CIMultiDictProxy[str]) -> CIMultiDict[str]:
    """Headers for the upstream request: the client's, authorization included, minus hop-by-hop."""
    return _without(incoming, _REQUEST_DROP)


def response_headers(upstream: CIMultiDictProxy[str]) -> CIMultiDict[str]:
    """Headers for the client: the vendor's (rate limits, request ids, content type) unchanged."""
    return _without(upstream, _RESPONSE_DROP)


def new_session(limit: int = 100) -> aiohttp.ClientSession:
    # Pooled keep-alive connections per upstream host; no cookie jar: the proxy is stateless.
    connector = aiohttp.TCPConnector(limit=limit, limit_per_host=limit, ttl_dns_cache=300)
    return aiohttp.ClientSession(
        connector=connector,
        cookie_jar=aiohttp.DummyCookieJar(),
        auto_decompress=True,
        trust_env=False,
    )


async def send(
    session: aiohttp.ClientSession,
    method: str,
    url: str,
    headers: CIMultiDict[str],
    body: bytes | None,
    *,
    connect_timeout: float,
    read_timeout: float,
    vendor: str,
) -> aiohttp.ClientResponse:
    """Send the request; return the response once its headers arrived (the body streams later)."""
    timeout = aiohttp.ClientTimeout(total=None, connect=connect_timeout, sock_read=read_timeout)
    try:
        return await session.request(
            method,
            url,
            headers=headers,
            data=body,
            timeout=timeout,
            allow_redirects=False,
        )
    except TimeoutError:
        raise UpstreamError(
            504,
            "upstream_timeout",
            f"the {vendor} upstream did not answer in time (connect {connect_timeout:g}s, "
            f"read {read_timeout:g}s); try again, or raise timeout_seconds for this vendor",
        ) from None
    except aiohttp.ClientConnectorError as exc:
        # Named by the vendor only: the upstream's host and port are the server's layout, and
        # the OS error's text may quote the address.
        raise UpstreamError(
            502,
            "upstream_unreachable",
            f"cannot connect to the {vendor} upstream ({_why(exc)}); check the vendor's upstream "
            "URL in the config or GUARD_UPSTREAM_* and the network",
        ) from None
    except aiohttp.ClientError as exc:
        raise UpstreamError(
            502,
            "upstream_error",
            f"the {vendor} upstream failed before answering ({type(exc).__name__}); try again",
        ) from None


def _why(exc: aiohttp.ClientConnectorError) -> str:
    """Why a connection failed, in words that never hold the address."""
    if isinstance(exc, aiohttp.ClientConnectorCertificateError):
        return "its TLS certificate was not accepted"
    if isinstance(exc, aiohttp.ClientSSLError):
        return "the TLS handshake failed"
    err = exc.os_error
    if isinstance(err, socket.gaierror):
        return "its host name could not be resolved"
    if err.errno is not None and err.errno > 0:
        return os.strerror(err.errno).lower()
    return type(err).__name__
