"""The proxy. One request is one `Exchange` through fixed stages; read `handle` top to bottom:

route (API format, vendor, endpoint)
  -> read and parse the body
  -> adapter.extract(body)         every text slot the vendor will see
  -> inspect (off the event loop)  detector.analyze, policy decisions, transform; fail closed
  -> adapter.rewrite(body)         the transformed texts written back
  -> upstream.send(body)           pooled connection, streaming
  -> adapter.restore_*(response)   placeholders back to values, streaming-safe
  -> audit.record(exchange)        types, counts, places, keyed fingerprints; never values
                                   (after the response is sent, in a task awaited at shutdown)

Each API format is an adapter (guard/adapters/: OpenAI-compatible chat, Anthropic Messages,
DashScope native) behind one small protocol (guard.adapters.base.Adapter); this module knows no
format's details. A new format is one adapter and one line in ROUTES.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import json
import logging
import os
import sys
import threading
import time
import traceback
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from concurrent.futures import Executor, ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

import aiohttp
from aiohttp import web

from guard import dashboard, http_hygiene, metrics, upstream
from guard.adapters import anthropic, dashscope, openai
from guard.adapters.base import Adapter, Endpoint, Slot, StreamRestorer, UninspectableInput
from guard.audit import AuditEvent, AuditFinding, AuditStore, load_or_create_key
from guard.cache import AnalysisCache
from guard.config import GuardConfig, VendorConfig, upstream_env_name
from guard.detect import Detector, TextAnalyzer
from guard.inspection import Inspection, inspect_slots
from guard.metrics import Metrics
from guard.policy import Policy, load_policy, policy_warnings
from guard.pool import PooledDetector, default_processes
from guard.restore import Restorer
from guard.transform import Transformer

log = logging.getLogger("guard")

# Where each API format is served: the client's base URL is the part before {path}
# (http://HOST:PORT/kimi/v1, .../kimi/anthropic, .../qwen/api/v1); the adapter knows the rest.
ROUTES: list[tuple[str, Adapter]] = [
    ("/{vendor}/v1/{path:.*}", openai.ADAPTER),
    ("/{vendor}/anthropic/{path:.*}", anthropic.ADAPTER),
    ("/{vendor}/api/v1/{path:.*}", dashscope.ADAPTER),
]


@dataclass
class Vendor:
    name: str
    config: VendorConfig
    policy: Policy


@dataclass
class State:
    """Everything a running proxy holds, built once at start-up and shared read-only."""

    config: GuardConfig
    vendors: dict[str, Vendor]
    detector: TextAnalyzer  # a Detector, or a pool of worker processes each holding one
    transformer: Transformer
    audit: AuditStore
    pool: Executor  # runs inspection off the event loop
    audit_writer: Executor  # one thread: SQLite writes in order, never on the loop
    cache: AnalysisCache  # slot analyses by content: history resent each turn is not redone
    session: aiohttp.ClientSession | None = None
    metrics: Metrics | None = None  # None when the config turns GET /metrics off
    # Audit writes still running; awaited before the store closes, so no row is lost.
    audit_tasks: set[asyncio.Task[None]] = field(default_factory=set)


STATE = web.AppKey("state", State)


class GuardError(Exception):
    """A request the proxy answers itself, in the vendor's error format."""

    def __init__(self, status: int, code: str, message: str, type_: str = "invalid_request_error"):
        super().__init__(message)
        self.status, self.code, self.message, self.type_ = status, code, message, type_


@dataclass
class Exchange:
    """One request through the pipeline; becomes one audit row with its findings."""

    vendor: Vendor
    adapter: Adapter
    path: str  # as the client sent it, under the format's base URL: never logged or audited
    endpoint: Endpoint | None = None  # what `path` names, once routed
    request_id: str = field(default_factory=lambda: "guard-" + uuid.uuid4().hex)
    started: float = field(default_factory=time.time)
    model: str | None = None
    decision: str = "forwarded"
    status: int | None = None
    reason: str | None = None
    upstream_request_id: str | None = None
    inspection: Inspection | None = None
    finished: float | None = None  # when the response was sent; the audit row is written later
    inspect_seconds: float | None = None  # for the metrics
    upstream_seconds: float | None = None  # until the vendor's response headers

    @property
    def endpoint_label(self) -> str:
        """The endpoint as logged and audited: a refused path is the client's own text, not ours
        to keep."""
        return self.endpoint.name if self.endpoint is not None else "(refused path)"

    def audit_event(self) -> AuditEvent:
        findings: list[AuditFinding] = []
        if self.inspection is not None:
            # Blocked findings have the shape of the others: a repeated blocked key shows up
            # under the same fingerprint.
            for b in self.inspection.block_findings:
                findings.append(
                    AuditFinding(
                        b.planned.entity_type,
                        b.planned.category,
                        "block",
                        b.slot.location,
                        b.slot.message_index,
                        b.slot.field,
                        b.planned.score,
                        b.planned.source,
                        b.fingerprint,
                    )
                )
            for slot, a in self.inspection.applied:
                p = a.planned
                findings.append(
                    AuditFinding(
                        p.entity_type,
                        p.category,
                        p.action,
                        slot.location,
                        slot.message_index,
                        slot.field,
                        p.score,
                        p.source,
                        a.fingerprint,
                        a.replacement if p.action == "pseudonymize" else None,
                    )
                )
        return AuditEvent(
            ts=self.started,
            request_id=self.request_id,
            vendor=self.vendor.name,
            endpoint=self.endpoint_label,
            format=self.adapter.format,
            model=self.model,
            decision=self.decision,
            status=self.status,
            reason=self.reason,
            policy_digest=self.vendor.policy.digest,
            upstream_request_id=self.upstream_request_id,
            duration_ms=round(((self.finished or time.time()) - self.started) * 1000, 2),
            findings=tuple(findings),
        )


# ---------------------------------------------------------------------------------------------
# The pipeline


def handler(adapter: Adapter) -> Callable[[web.Request], Awaitable[web.StreamResponse]]:
    """The request handler of one API format's route."""

    async def handle_format(request: web.Request) -> web.StreamResponse:
        return await handle(request, adapter)

    return handle_format


async def handle(request: web.Request, adapter: Adapter) -> web.StreamResponse:
    state = request.app[STATE]
    vendor = state.vendors.get(request.match_info["vendor"])
    if vendor is None:
        return _unknown_vendor(state, adapter)
    ex = Exchange(vendor, adapter, request.match_info["path"].strip("/"))
    try:
        try:
            response = await _run(request, state, ex)
        except (GuardError, asyncio.CancelledError, ConnectionResetError):
            raise
        except Exception as exc:
            # A bug, not a client error. aiohttp would log the exception's text, which may
            # quote the request; only its type and place are logged, and the client gets a 500.
            tb = traceback.extract_tb(exc.__traceback__)[-1:]
            where = f"{tb[0].filename.rsplit('/', 1)[-1]}:{tb[0].lineno}" if tb else "?"
            log.error("%s internal error: %s at %s", ex.request_id, type(exc).__name__, where)
            raise GuardError(
                500,
                "guard_internal_error",
                "the proxy failed on this request; see its log for the request id",
                type_="server_error",
            ) from None
    except GuardError as err:
        ex.decision = (
            "blocked" if err.code == "guard_policy_blocked" else ("error" if err.status >= 500 else "refused")
        )
        ex.reason, ex.status = err.code, err.status
        response = adapter.error_response(
            vendor.config.error_style,
            err.status,
            err.message,
            type_=err.type_,
            code=err.code,
            request_id=ex.request_id,
        )
    ex.status = ex.status or response.status
    if not response.prepared:
        # Send the answer now, so the audit write below is not on its way to the client.
        try:
            await response.prepare(request)
            await response.write_eof()
        except ConnectionResetError:
            ex.reason = ex.reason or "client_disconnected"
    ex.finished = time.time()
    task = asyncio.create_task(_audit(state, ex))
    state.audit_tasks.add(task)
    task.add_done_callback(state.audit_tasks.discard)
    log.info(
        "%s %s %s %s %s %s",
        ex.request_id,
        vendor.name,
        adapter.format,
        ex.endpoint_label,
        ex.decision,
        ex.status,
    )
    return response


async def _run(request: web.Request, state: State, ex: Exchange) -> web.StreamResponse:
    adapter, vendor = ex.adapter, ex.vendor
    endpoint = adapter.endpoint(ex.path)
    if endpoint is None:
        # The path is the client's text (it may hold an id, an email): never quoted back.
        raise GuardError(
            404,
            "guard_endpoint_not_inspected",
            f"this {vendor.name} path is not inspected by this proxy, so it is refused "
            f"(supported: {adapter.served()})",
        )
    ex.endpoint = endpoint
    if adapter.upstream(vendor.config) is None:
        setting = adapter.upstream_setting
        raise GuardError(
            404,
            "guard_format_not_configured",
            f"{vendor.name} has no {adapter.label} upstream configured, so this request is "
            f"refused; set vendors.{vendor.name}.{setting} in the config or "
            f"{upstream_env_name(vendor.name, setting)}",
        )
    if request.method != endpoint.method:
        raise GuardError(
            405,
            "guard_method_not_allowed",
            f"this method is not allowed on {endpoint.name}; use {endpoint.method}",
        )
    if not endpoint.inspected:
        return await _forward(request, state, ex, None)

    body = await _read_json(request, state.config.max_body_bytes)
    ex.model = body.get("model") if isinstance(body.get("model"), str) else None
    try:
        slots = adapter.extract(endpoint, body)
    except UninspectableInput as exc:
        raise GuardError(400, "guard_uninspectable_input", str(exc)) from None

    ex.inspection = await _inspect(state, ex, slots, body)
    if ex.inspection.blocked is not None:
        raise GuardError(
            400,
            "guard_policy_blocked",
            f"{ex.inspection.blocked} (policy {ex.vendor.policy.file_name}); nothing was "
            "sent to the vendor. Remove it, or change the policy if it may be sent",
        )
    if ex.inspection.changes:
        adapter.rewrite(body, ex.inspection.changes)
        ex.decision = "redacted"
    return await _forward(request, state, ex, body)


async def _read_json(request: web.Request, limit: int) -> dict[str, Any]:
    too_large = GuardError(
        413,
        "guard_request_too_large",
        f"the request body is larger than the proxy's limit of {limit} bytes; send less, or "
        "raise max_body_bytes in the config",
        type_="invalid_request_error",
    )
    if request.content_length is not None and request.content_length > limit:
        raise too_large
    chunks, size = [], 0
    async for chunk in request.content.iter_any():
        size += len(chunk)
        if size > limit:
            raise too_large
        chunks.append(chunk)
    raw = b"".join(chunks)
    try:
        body = json.loads(raw)
    except UnicodeDecodeError:
        raise GuardError(400, "guard_invalid_json", "the request body is not UTF-8 JSON") from None
    except json.JSONDecodeError as exc:
        raise GuardError(
            400,
            "guard_invalid_json",
            f"the request body is not valid JSON: {exc.msg} at line {exc.lineno}, column {exc.colno}",
        ) from None
    if not isinstance(body, dict):
        raise GuardError(400, "guard_invalid_json", "the request body must be a JSON object")
    return body


async def _inspect(state: State, ex: Exchange, slots: list[Slot], body: dict[str, Any]) -> Inspection:
    loop = asyncio.get_running_loop()
    started = time.perf_counter()
    try:
        return await loop.run_in_executor(
            state.pool,
            inspect_slots,
            slots,
            ex.vendor.policy,
            state.detector,
            state.transformer,
            state.cache,
            body,
        )
    except Exception as exc:
        # Fail closed. The exception text may quote the request, so only its type is reported.
        log.error("%s inspection failed: %s", ex.request_id, type(exc).__name__)
        raise GuardError(
            500,
            "guard_inspection_failed",
            "the request could not be inspected, so nothing was sent to the vendor; "
            "see the proxy's log for the error type",
            type_="server_error",
        ) from None
    finally:
        ex.inspect_seconds = time.perf_counter() - started


async def _forward(
    request: web.Request, state: State, ex: Exchange, body: dict[str, Any] | None
) -> web.StreamResponse:
    assert state.session is not None and ex.endpoint is not None
    cfg = ex.vendor.config
    url = f"{ex.adapter.upstream(cfg)}/{ex.endpoint.path}"
    if request.query_string:
        url += "?" + request.query_string
    data = json.dumps(body, ensure_ascii=False).encode() if body is not None else None
    headers = upstream.request_headers(request.headers)
    if data is not None:
        headers["Content-Type"] = "application/json"
    started = time.perf_counter()
    try:
        resp = await upstream.send(
            state.session,
            request.method,
            url,
            headers,
            data,
            connect_timeout=cfg.connect_timeout_seconds,
            read_timeout=cfg.timeout_seconds,
            vendor=ex.vendor.name,
        )
    except upstream.UpstreamError as err:
        raise GuardError(err.status, err.code, err.message, type_="upstream_error") from None
    finally:
        ex.upstream_seconds = time.perf_counter() - started
    ex.upstream_request_id = (
        resp.headers.get("x-request-id")
        or resp.headers.get("x-dashscope-request-id")
        or resp.headers.get("request-id")  # Anthropic's
    )
    restorer = Restorer(ex.inspection.vault.restore_map() if ex.inspection else {})
    try:
        if resp.content_type == "text/event-stream":
            stream = (
                ex.adapter.stream_restorer(ex.endpoint, body, restorer)
                if restorer and body is not None
                else None
            )
            return await _relay_stream(request, resp, ex, stream)
        return await _relay_body(resp, ex, restorer)
    finally:
        resp.release()


async def _relay_body(resp: aiohttp.ClientResponse, ex: Exchange, restorer: Restorer) -> web.Response:
    try:
        data = await resp.read()
    except (aiohttp.ClientError, TimeoutError) as exc:
        raise GuardError(
            502,
            "upstream_error",
            f"the {ex.vendor.name} upstream broke off its answer ({type(exc).__name__})",
            type_="upstream_error",
        ) from None
    if restorer and resp.status == 200 and resp.content_type == "application/json":
        assert ex.endpoint is not None
        try:
            doc = json.loads(data)
        except ValueError:
            doc = None
        if isinstance(doc, dict):
            restored = ex.adapter.restore_body(ex.endpoint, doc, restorer)
            try:
                data = json.dumps(restored, ensure_ascii=False).encode()
            except UnicodeEncodeError:
                # A lone surrogate in a restored value cannot be UTF-8; as an escape it can.
                data = json.dumps(restored, ensure_ascii=True).encode()
    headers = upstream.response_headers(resp.headers)
    headers["X-Guard-Request-Id"] = ex.request_id
    return web.Response(status=resp.status, body=data, headers=headers)


async def _relay_stream(
    request: web.Request,
    resp: aiohttp.ClientResponse,
    ex: Exchange,
    restorer: StreamRestorer | None,
) -> web.StreamResponse:
    headers = upstream.response_headers(resp.headers)
    headers["X-Guard-Request-Id"] = ex.request_id
    out = web.StreamResponse(status=resp.status, headers=headers)
    await out.prepare(request)
    # Without a restorer the bytes pass as they come, up to the end of the last whole event:
    # an event the client cannot use yet waits for its end, so a break never leaves half of one
    # in front of the error event.
    unfinished = b""
    try:
        async for chunk in _chunks(resp):
            if restorer:
                piece = restorer.feed(chunk)
            else:
                data = unfinished + chunk
                end = _events_end(data, len(unfinished))
                piece, unfinished = data[:end], data[end:]
            if piece:
                await out.write(piece)
        tail = restorer.close() if restorer else unfinished
        if tail:
            await out.write(tail)
    except (aiohttp.ClientError, TimeoutError) as exc:
        # Headers are sent: the error can only travel inside the stream. What the restorer
        # held back goes out first, restored, never as half a placeholder (see abort); an
        # event cut short is dropped.
        ex.decision, ex.reason = "error", "upstream_stream_broken"
        if restorer:
            tail = restorer.abort()
            if tail:
                await out.write(tail)
        await out.write(
            ex.adapter.stream_error(
                ex.vendor.config.error_style,
                f"the {ex.vendor.name} upstream broke off the stream ({type(exc).__name__})",
                "upstream_error",
                ex.request_id,
            )
        )
    except ConnectionResetError:
        ex.reason = "client_disconnected"
        return out
    await out.write_eof()
    return out


def _events_end(data: bytes, new: int = 0) -> int:
    """Where the last whole SSE event in `data` ends (after its blank line); 0 if none does.
    Bytes before `new` are known to hold no end, so only the rest (and the seam) is searched."""
    at = max(0, new - 2)
    lf, crlf = data.rfind(b"\n\n", at), data.rfind(b"\n\r\n", at)
    return max(lf + 2 if lf >= 0 else 0, crlf + 3 if crlf >= 0 else 0)


async def _chunks(resp: aiohttp.ClientResponse) -> AsyncIterator[bytes]:
    async for chunk in resp.content.iter_any():
        yield chunk


async def _audit(state: State, ex: Exchange) -> None:
    loop = asyncio.get_running_loop()
    try:
        # The event is built in the writer thread too: a long document has thousands of findings.
        await loop.run_in_executor(state.audit_writer, _record, state, ex)
    except Exception as exc:
        log.error("%s audit write failed: %s", ex.request_id, type(exc).__name__)


def _record(state: State, ex: Exchange) -> None:
    event = ex.audit_event()
    if state.metrics is not None:
        # The metrics count what the audit row records, from the same event, in this thread;
        # a failure there must not cost the row.
        try:
            state.metrics.observe(event, ex.inspect_seconds, ex.upstream_seconds)
        except Exception as exc:
            log.error("%s metrics update failed: %s", ex.request_id, type(exc).__name__)
    state.audit.record(event)


def _unknown_vendor(state: State, adapter: Adapter) -> web.Response:
    if state.metrics is not None:
        state.metrics.unrouted_request("unknown_vendor")
    known = ", ".join(sorted(state.vendors))
    return adapter.error_response(
        "openai",
        404,
        f"unknown vendor in the URL; configured vendors: {known}. Use base_url "
        "http://HOST:PORT/<vendor>/v1 (or /<vendor>/anthropic, /<vendor>/api/v1)",
        type_="invalid_request_error",
        code="guard_unknown_vendor",
        request_id="guard-" + uuid.uuid4().hex,
    )


async def healthz(request: web.Request) -> web.Response:
    state = request.app[STATE]
    return web.json_response(
        {"status": "ok", "vendors": sorted(state.vendors), "detector": state.detector.version}
    )


async def not_found(request: web.Request) -> web.Response:
    counts = request.app[STATE].metrics
    if counts is not None:
        counts.unrouted_request("not_found")
    return openai.ADAPTER.error_response(
        "openai",
        404,
        "this path is not served; use /<vendor>/v1/chat/completions, "
        "/<vendor>/v1/embeddings or /<vendor>/v1/models (OpenAI-compatible), "
        "/<vendor>/anthropic/v1/messages (Anthropic Messages) or "
        "/<vendor>/api/v1/services/aigc/text-generation/generation (DashScope native)",
        type_="invalid_request_error",
        code="guard_not_found",
        request_id="guard-" + uuid.uuid4().hex,
    )


# ---------------------------------------------------------------------------------------------
# Building the app


def build_state(config: GuardConfig, detector: Detector | None = None, servers: int = 1) -> State:
    """Load policies, the detector and the audit store; ConfigError stops start-up.

    A detector given here (tests share one) runs in threads; otherwise detection runs in worker
    processes per config.detector.pool, `servers` server processes sharing the cores.
    """
    policies: dict[str, Policy] = {}
    vendors = {}
    for name, vc in config.vendors.items():
        if vc.policy not in policies:
            policies[vc.policy] = load_policy(vc.policy)
        vendors[name] = Vendor(name, vc, policies[vc.policy])
    for path, policy in policies.items():
        users = [n for n, v in vendors.items() if v.config.policy == path]
        for warning in policy_warnings(policy, users, list(vendors)):
            log.warning("policy %s: %s", path, warning)
    key = load_or_create_key(config.audit.key_path)
    dc = config.detector
    size = dc.pool_size or default_processes(servers)
    analyzer: TextAnalyzer
    cache = AnalysisCache(dc.cache_entries, int(dc.cache_megabytes * 1024 * 1024))
    if detector is not None:
        analyzer = detector
    elif dc.pool == "process":
        pooled = PooledDetector(dc.spacy_model, size)
        pooled.warm_up()
        analyzer = pooled
    else:
        analyzer = Detector(dc.spacy_model)
    return State(
        config=config,
        vendors=vendors,
        detector=analyzer,
        transformer=Transformer(key),
        audit=AuditStore(config.audit.path),
        # Threads that run inspection; with worker processes they mostly wait for the pool,
        # so there are more of them than workers (cache hits need no worker at all).
        pool=ThreadPoolExecutor(
            size * 2 if isinstance(analyzer, PooledDetector) else size,
            thread_name_prefix="guard-inspect",
        ),
        audit_writer=ThreadPoolExecutor(1, thread_name_prefix="guard-audit", initializer=_background_thread),
        cache=cache,
        metrics=Metrics(
            {name: v.policy.digest for name, v in vendors.items()},
            sorted({e.name for _, adapter in ROUTES for e in adapter.endpoints()}),
            cache,
            analyzer,
        )
        if config.metrics.enabled
        else None,
    )


def _background_thread() -> None:
    """Lower this thread's CPU priority (Linux schedules threads one by one): the audit write
    comes after the answer, and must not take a core from the detector workers (nice 5) that
    are analysing the next request."""
    if sys.platform.startswith("linux"):  # elsewhere the id given would name a process
        with contextlib.suppress(OSError):
            os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), 10)


def create_app(state: State) -> web.Application:
    # The body limit is enforced by _read_json with a vendor-shaped 413; aiohttp's own check
    # must not fire first.
    # aiohttp's answers to requests it cannot parse must not quote them either (http_hygiene).
    app = web.Application(
        client_max_size=state.config.max_body_bytes + 1, handler_args=http_hygiene.handler_args()
    )
    app[STATE] = state

    async def lifecycle(app: web.Application) -> AsyncIterator[None]:
        state.session = upstream.new_session()
        # Everything loaded so far (Presidio, spaCy's Python side, pydantic, aiohttp) lives as
        # long as the server. Left in the collector's oldest generation, each full collection
        # walks it all: a 150 ms pause for every stream at once, measured by bench/concurrency.py
        # when a long document's findings are allocated. Frozen, it is never walked again.
        gc.freeze()
        yield
        if state.audit_tasks:
            await asyncio.gather(*state.audit_tasks, return_exceptions=True)
        await state.session.close()
        state.pool.shutdown(wait=False, cancel_futures=True)
        if isinstance(state.detector, PooledDetector):
            state.detector.close()
        state.audit_writer.shutdown(wait=True)
        state.audit.close()

    app.cleanup_ctx.append(lifecycle)
    app.router.add_get("/healthz", healthz)
    # The security team's views, served like the proxy (loopback by default) unless turned off.
    if state.metrics is not None:
        metrics.add_route(app, state.metrics, state.config.host)
    if state.config.dashboard.enabled:
        dashboard.add_routes(app, state.config.audit.path, state.config.host)
    for pattern, adapter in ROUTES:
        app.router.add_route("*", pattern, handler(adapter))
    app.router.add_route("*", "/{tail:.*}", not_found)
    return app
