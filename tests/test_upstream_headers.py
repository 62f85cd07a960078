"""Hop-by-hop headers stay on their hop; everything else passes in both directions."""

from __future__ import annotations

from multidict import CIMultiDict, CIMultiDictProxy

from guard.upstream import request_headers, response_headers


def test_request_headers_keep_auth_and_drop_hop_by_hop() -> None:
    incoming = CIMultiDictProxy(
        CIMultiDict(
            [
                ("Authorization", "Bearer sk-x"),
                ("Host", "127.0.0.1:8787"),
                ("Connection", "keep-alive, X-Trace"),
                ("X-Trace", "1"),
                ("Keep-Alive", "timeout=5"),
                ("Content-Length", "10"),
                ("Content-Encoding", "gzip"),
                ("Transfer-Encoding", "chunked"),
                ("X-DashScope-SSE", "enable"),
                ("User-Agent", "OpenAI/Python"),
            ]
        )
    )
    out = request_headers(incoming)
    assert dict(out) == {
        "Authorization": "Bearer sk-x",
        "X-DashScope-SSE": "enable",
        "User-Agent": "OpenAI/Python",
    }


def test_response_headers_keep_rate_limits_and_ids() -> None:
    upstream = CIMultiDictProxy(
        CIMultiDict(
            [
                ("Content-Type", "text/event-stream"),
                ("X-RateLimit-Remaining-Requests", "9"),
                ("x-request-id", "abc"),
                ("Content-Length", "99"),
                ("Content-Encoding", "gzip"),
                ("Connection", "close"),
                ("Set-Cookie", "a=1"),
                ("Set-Cookie", "b=2"),
            ]
        )
    )
    out = response_headers(upstream)
    assert out.getall("Set-Cookie") == ["a=1", "b=2"]
    assert out["X-RateLimit-Remaining-Requests"] == "9" and out["x-request-id"] == "abc"
    assert "Content-Length" not in out and "Content-Encoding" not in out and "Connection" not in out
