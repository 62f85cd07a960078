"""`GET /dashboard`: one page on the proxy showing the last hour or day, read from the audit trail.

The page and its script and style are files of this package (guard/static), served by the proxy:
nothing comes from the internet. The script asks `GET /dashboard/api/summary?window=hour|day` for
the figures and draws them as SVG. The summary holds what the audit trail holds: counts, entity
types, places in the request, request ids and the model names clients sent; never a value.

Like the proxy, the page is served on the address the proxy binds (loopback by default); the
config's `dashboard.enabled: false` leaves it out. When the proxy is bound to loopback, a request
whose Host header names another host is refused: a web page that rebinds its own domain name to
127.0.0.1 must not read the trail from the user's browser.
"""

from __future__ import annotations

import asyncio
import ipaddress
import json
import math
import time
from collections import defaultdict
from collections.abc import Awaitable, Callable
from typing import Any

from aiohttp import web

from guard.report import DECISIONS, AuditReader, asset

WINDOWS = {"hour": (3600, 60), "day": (86400, 1800)}  # window -> (seconds, bucket seconds)
TOP_ENTITIES = 12
BLOCKED_ROWS = 50

# The page runs only its own script and style, talks only to this origin, and cannot be framed.
_CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
)
_ASSETS = {
    "dashboard.js": "text/javascript",
    "charts.js": "text/javascript",
    "guard.css": "text/css",
}


def is_loopback_host(host: str) -> bool:
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def host_guard(bind_host: str) -> Callable[[web.Request], bool]:
    """Whether a request may read the proxy's own pages: any, unless the proxy binds loopback,
    in which case the Host header must name a loopback address too."""
    if not is_loopback_host(bind_host):
        return lambda request: True

    def allowed(request: web.Request) -> bool:
        host = request.host or ""
        if host.startswith("["):  # [::1]:8787
            name = host[1 : host.find("]")] if "]" in host else host
        else:
            name = host.rsplit(":", 1)[0] if host.count(":") == 1 else host
        return is_loopback_host(name)

    return allowed


def forbidden_host() -> web.Response:
    message = "this page is served to loopback host names only (Host header refused)"
    return _error(403, message, "guard_host_refused")


def _error(status: int, message: str, code: str) -> web.Response:
    return web.json_response(
        {"error": {"message": f"guard: {message}", "type": "invalid_request_error", "code": code}},
        status=status,
    )


def summary(reader: AuditReader, window: str, now: float | None = None) -> dict[str, Any]:
    """The figures of the page for the last hour or day."""
    seconds, bucket = WINDOWS[window]
    now = time.time() if now is None else now
    # Buckets aligned to the clock, the last one holding `now`.
    end = (math.floor(now / bucket) + 1) * bucket
    since = end - seconds
    n = seconds // bucket
    q = reader.query

    per_vendor: dict[str, dict[str, list[int]]] = {}
    totals: dict[str, int] = dict.fromkeys(DECISIONS, 0)
    for vendor, b, decision, count in q(
        "SELECT vendor, CAST((ts - ?) / ? AS INTEGER), decision, COUNT(*) FROM requests"
        " WHERE ts >= ? AND ts < ? GROUP BY 1, 2, 3",
        (since, bucket, since, end),
    ):
        series = per_vendor.setdefault(vendor, {d: [0] * n for d in DECISIONS})
        if decision in series and 0 <= b < n:
            series[decision][b] += count
        if decision in totals:
            totals[decision] += count

    entities = [
        {"entity_type": e, "category": c, "findings": k}
        for e, c, k in q(
            "SELECT f.entity_type, f.category, COUNT(*) FROM findings f JOIN requests r ON f.request = r.id"
            " WHERE r.ts >= ? AND r.ts < ? GROUP BY 1, 2 ORDER BY 3 DESC, 1 LIMIT ?",
            (since, end, TOP_ENTITIES),
        )
    ]
    findings = q(
        "SELECT COUNT(*) FROM findings f JOIN requests r ON f.request = r.id WHERE r.ts >= ? AND r.ts < ?",
        (since, end),
    )[0][0]

    durations: dict[int, list[float]] = defaultdict(list)
    for b, ms in q(
        "SELECT CAST((ts - ?) / ? AS INTEGER), duration_ms FROM requests WHERE ts >= ? AND ts < ?"
        " AND duration_ms IS NOT NULL AND decision IN ('forwarded', 'redacted')",
        (since, bucket, since, end),
    ):
        if 0 <= b < n:
            durations[b].append(ms)
    every = sorted(ms for values in durations.values() for ms in values)
    latency = {
        "p50": [_percentile(sorted(durations[i]), 0.5) for i in range(n)],
        "p95": [_percentile(sorted(durations[i]), 0.95) for i in range(n)],
        "overall_p50": _percentile(every, 0.5),
        "overall_p95": _percentile(every, 0.95),
    }

    blocked = [
        {
            "time": ts,
            "vendor": vendor,
            "endpoint": endpoint,
            "model": model,
            "entity_type": entity,
            "category": category,
            "location": location,
            "policy_key": key,
            "request_id": rid,
        }
        for ts, vendor, endpoint, model, entity, category, location, key, rid in q(
            "SELECT r.ts, r.vendor, r.endpoint, r.model, f.entity_type, f.category, f.location, f.policy_key,"
            " r.request_id FROM requests r LEFT JOIN findings f ON f.request = r.id AND f.action = 'block'"
            " WHERE r.ts >= ? AND r.ts < ? AND r.decision = 'blocked' ORDER BY r.ts DESC LIMIT ?",
            (since, end, BLOCKED_ROWS),
        )
    ]
    reasons = [
        {"decision": d, "reason": r, "requests": k}
        for d, r, k in q(
            "SELECT decision, COALESCE(reason, ''), COUNT(*) FROM requests WHERE ts >= ? AND ts < ?"
            " AND decision IN ('blocked', 'refused', 'error') GROUP BY 1, 2 ORDER BY 3 DESC",
            (since, end),
        )
    ]
    return {
        "window": window,
        "now": now,
        "since": since,
        "bucket_seconds": bucket,
        "buckets": [since + i * bucket for i in range(n)],
        "totals": {"requests": sum(totals.values()), "findings": findings, **totals},
        "vendors": [{"vendor": v, "decisions": per_vendor[v]} for v in sorted(per_vendor)],
        "entities": entities,
        "latency": latency,
        "blocked": blocked,
        "reasons": reasons,
    }


def _percentile(values: list[float], p: float) -> float | None:
    if not values:
        return None
    return round(values[min(len(values) - 1, max(0, math.ceil(p * len(values)) - 1))], 2)


def add_routes(app: web.Application, audit_path: str, bind_host: str) -> None:
    """Serve the dashboard on `app`; the audit store is opened read-only on first use."""
    allowed = host_guard(bind_host)
    reader: list[AuditReader] = []
    lock = asyncio.Lock()

    def guarded(
        handler: Callable[[web.Request], Awaitable[web.StreamResponse]],
    ) -> Callable[[web.Request], Awaitable[web.StreamResponse]]:
        async def wrapped(request: web.Request) -> web.StreamResponse:
            if not allowed(request):
                return forbidden_host()
            response = await handler(request)
            response.headers["Content-Security-Policy"] = _CSP
            response.headers["X-Content-Type-Options"] = "nosniff"
            response.headers["Referrer-Policy"] = "no-referrer"
            response.headers["Cache-Control"] = "no-store"
            return response

        return wrapped

    async def page(request: web.Request) -> web.StreamResponse:
        return web.Response(text=asset("dashboard.html"), content_type="text/html", charset="utf-8")

    async def static(request: web.Request) -> web.StreamResponse:
        name = request.match_info["name"]
        if name not in _ASSETS:
            raise web.HTTPNotFound()
        return web.Response(text=asset(name), content_type=_ASSETS[name], charset="utf-8")

    async def api(request: web.Request) -> web.StreamResponse:
        window = request.query.get("window", "hour")
        if window not in WINDOWS:
            return _error(400, "window must be hour or day", "guard_invalid_window")
        async with lock:
            if not reader:
                reader.append(await asyncio.to_thread(AuditReader, audit_path))
            # SQLite reads take a thread, never the loop; one at a time on the one connection.
            data = await asyncio.to_thread(summary, reader[0], window)
        return web.Response(text=json.dumps(data, ensure_ascii=False), content_type="application/json")

    async def close(app: web.Application) -> None:
        for r in reader:
            r.close()

    app.on_cleanup.append(close)
    app.router.add_get("/dashboard", guarded(page))
    app.router.add_get("/dashboard/", guarded(page))
    app.router.add_get("/dashboard/assets/{name}", guarded(static))
    app.router.add_get("/dashboard/api/summary", guarded(api))
