"""`GET /metrics`: the proxy's counters and latencies in Prometheus' format (prometheus-client).

Every label value comes from a closed set the proxy itself defines: vendor names from the config,
served endpoints (or "(refused path)"), decisions, HTTP status codes, categories, entity types and
actions. Never a value, a model name, a path a client wrote or a key: a label is stored for as long
as the time series lives, and whatever a client could put into one would grow the series without
bound as well.

Each app has a registry of its own (not prometheus-client's global one), so tests can build several
proxies in one process. With `guard serve --workers N` each server process counts its own requests:
a scrape reaches one of them (see the README).
"""

from __future__ import annotations

from collections import Counter as Tally
from collections.abc import Iterable, Iterator, Mapping

from aiohttp import web
from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, disable_created_metrics
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily
from prometheus_client.exposition import choose_encoder
from prometheus_client.platform_collector import PlatformCollector
from prometheus_client.process_collector import ProcessCollector
from prometheus_client.registry import Collector

from guard.audit import AuditEvent
from guard.cache import AnalysisCache
from guard.dashboard import forbidden_host, host_guard
from guard.entities import CATEGORIES, ENTITY_CATEGORIES

DECISIONS = ("forwarded", "redacted", "blocked", "refused", "error")
ACTIONS = ("allow", "redact", "mask", "hash", "pseudonymize", "block")
# Requests that never reached a vendor's route, by why.
UNROUTED = ("unknown_vendor", "not_found")

# Inspection is milliseconds for chat and seconds for long documents; the vendor's first byte
# takes from tens of milliseconds to a minute for a reasoning model.
_INSPECTION_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60)
_UPSTREAM_BUCKETS = (0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300)
_OTHER = "other"


def _closed(value: str | None, allowed: Iterable[str]) -> str:
    """`value` if it belongs to the closed set, else "other": no label ever carries free text."""
    return value if value is not None and value in allowed else _OTHER


def _status(status: int | None) -> str:
    return str(status) if isinstance(status, int) and 100 <= status <= 599 else _OTHER


class Metrics:
    """The proxy's metrics. `observe` is called once per request, from the audit writer thread."""

    def __init__(
        self,
        vendors: Mapping[str, str],  # vendor -> digest of its policy
        endpoints: Iterable[str],
        cache: AnalysisCache | None = None,
        detector: object | None = None,
    ) -> None:
        # No `_created` series (a timestamp per series): they double the exposition for nothing
        # a dashboard of ours uses. (A switch of prometheus-client's, for the whole process.)
        disable_created_metrics()
        self.registry = CollectorRegistry()
        self._vendors = frozenset(vendors)
        self._endpoints = frozenset([*endpoints, "(refused path)"])
        r = self.registry
        self.requests = Counter(
            "guard_requests",
            "Requests by vendor, endpoint, decision (forwarded, redacted, blocked, refused, error) "
            "and the HTTP status returned to the client",
            ["vendor", "endpoint", "decision", "status"],
            registry=r,
        )
        self.unrouted = Counter(
            "guard_unrouted_requests",
            "Requests for no configured vendor (unknown_vendor) or no served path (not_found)",
            ["reason"],
            registry=r,
        )
        self.findings = Counter(
            "guard_findings",
            "Findings acted upon, by vendor, category, entity type and action",
            ["vendor", "category", "entity_type", "action"],
            registry=r,
        )
        self.inspection_seconds = Histogram(
            "guard_inspection_seconds",
            "Time to detect, decide and transform a request's texts",
            ["vendor"],
            buckets=_INSPECTION_BUCKETS,
            registry=r,
        )
        self.upstream_seconds = Histogram(
            "guard_upstream_seconds",
            "Time from sending a request to the vendor until its response headers arrived (or the "
            "attempt failed)",
            ["vendor", "endpoint"],
            buckets=_UPSTREAM_BUCKETS,
            registry=r,
        )
        self.request_seconds = Histogram(
            "guard_request_seconds",
            "Time from a request's arrival until its response was sent (streams: until their end)",
            ["vendor", "endpoint"],
            buckets=_UPSTREAM_BUCKETS,
            registry=r,
        )
        policy = Gauge(
            "guard_policy_info",
            "The policy in force per vendor, by the digest the audit trail records (always 1)",
            ["vendor", "digest"],
            registry=r,
        )
        for vendor, digest in vendors.items():
            policy.labels(vendor, digest).set(1)
        r.register(_StateCollector(cache, detector))
        ProcessCollector(registry=r)
        PlatformCollector(registry=r)

    def observe(
        self, event: AuditEvent, inspection_seconds: float | None, upstream_seconds: float | None
    ) -> None:
        vendor = _closed(event.vendor, self._vendors)
        endpoint = _closed(event.endpoint, self._endpoints)
        self.requests.labels(
            vendor, endpoint, _closed(event.decision, DECISIONS), _status(event.status)
        ).inc()
        # A long document has thousands of findings: counted first, one increment per series.
        tally = Tally((f.category, f.entity_type, f.action) for f in event.findings)
        for (category, entity, action), n in tally.items():
            self.findings.labels(
                vendor,
                _closed(category, CATEGORIES),
                _closed(entity, ENTITY_CATEGORIES),
                _closed(action, ACTIONS),
            ).inc(n)
        if inspection_seconds is not None:
            self.inspection_seconds.labels(vendor).observe(inspection_seconds)
        if upstream_seconds is not None:
            self.upstream_seconds.labels(vendor, endpoint).observe(upstream_seconds)
        if event.duration_ms is not None:
            self.request_seconds.labels(vendor, endpoint).observe(event.duration_ms / 1000)

    def unrouted_request(self, reason: str) -> None:
        self.unrouted.labels(_closed(reason, UNROUTED)).inc()

    def render(self, accept: str | None) -> tuple[bytes, str]:
        """The exposition in the format the scraper asked for (text, or OpenMetrics), and its type."""
        encoder, content_type = choose_encoder(accept or "")
        return encoder(self.registry), content_type


class _StateCollector(Collector):
    """Counters kept by other parts (the analysis cache, the detector pool), read at scrape time."""

    def __init__(self, cache: AnalysisCache | None, detector: object | None) -> None:
        self._cache = cache
        self._detector = detector

    def collect(self) -> Iterator[CounterMetricFamily | GaugeMetricFamily]:
        if self._cache is not None:
            stats = self._cache.stats
            lookups = CounterMetricFamily(
                "guard_cache_lookups",
                "Slot analyses looked up in the cache, by result (a hit is a text not analysed again)",
                labels=["result"],
            )
            lookups.add_metric(["hit"], stats.hits)
            lookups.add_metric(["miss"], stats.misses)
            yield lookups
            yield CounterMetricFamily(
                "guard_cache_evictions",
                "Analyses dropped from the cache to keep it in bounds",
                value=stats.evictions,
            )
            yield GaugeMetricFamily(
                "guard_cache_entries", "Analyses held in the cache", value=len(self._cache)
            )
            yield GaugeMetricFamily(
                "guard_cache_bytes",
                "Estimated memory held by the cache's entries",
                value=self._cache.size_bytes,
            )
        pool_stats = getattr(self._detector, "stats", None)
        if callable(pool_stats):
            s = pool_stats()
            yield CounterMetricFamily(
                "guard_detector_worker_restarts",
                "Detector worker processes that ended and were replaced",
                value=s["restarts"],
            )
            workers = GaugeMetricFamily(
                "guard_detector_workers", "Detector worker processes by state", labels=["state"]
            )
            for state in ("ready", "starting", "failed"):
                workers.add_metric([state], s[state])
            yield workers
        else:
            # Detection in threads of this process: nothing to restart.
            yield CounterMetricFamily(
                "guard_detector_worker_restarts",
                "Detector worker processes that ended and were replaced",
                value=0,
            )


def add_route(app: web.Application, metrics: Metrics, bind_host: str) -> None:
    """Serve `GET /metrics` on `app`, to the same hosts as the dashboard."""
    allowed = host_guard(bind_host)

    async def scrape(request: web.Request) -> web.Response:
        if not allowed(request):
            return forbidden_host()
        body, content_type = metrics.render(request.headers.get("Accept"))
        return web.Response(body=body, headers={"Content-Type": content_type, "Cache-Control": "no-store"})

    app.router.add_get("/metrics", scrape)
