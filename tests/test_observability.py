"""What the security team watches: /metrics, the dashboard and `guard report`, after one mixed run.

The run (tests/traffic.py) goes through the real proxy with the OpenAI SDK to the fake vendor:
requests sent unchanged and changed, blocked, refused, failed at the vendor, for two vendors.
Every view must count it right and hold none of the values the run sent.
"""

from __future__ import annotations

import json
import re
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from prometheus_client.parser import text_string_to_metric_families

from guard import cli
from guard.detect import Detector
from guard.entities import CATEGORIES, ENTITY_CATEGORIES
from tests.browser import dump_dom, find_chromium
from tests.harness import FakeUpstream, GuardServer
from tests.traffic import (
    AUDITED,
    EXPECTED_REQUESTS,
    INSPECTED,
    UPSTREAM,
    VALUES,
    dashboard_summary,
    get,
    run_mixed,
    wait_for_audit,
)

ROOT = Path(__file__).resolve().parent.parent


@dataclass
class Run:
    guard: GuardServer
    db: Path
    metrics: str


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory, detector: Detector) -> Iterator[Run]:
    tmp = tmp_path_factory.mktemp("observability")
    with FakeUpstream() as fake:
        guard = GuardServer(tmp, fake.base_url, detector)
        try:
            run_mixed(guard, fake)
            wait_for_audit(tmp / "audit.db", AUDITED)
            status, headers, body = get(guard.root + "/metrics")
            assert status == 200
            assert headers["Content-Type"].startswith("text/plain; version=0.0.4")
            yield Run(guard, tmp / "audit.db", body.decode())
        finally:
            guard.close()


def samples(text: str, name: str) -> dict[tuple[tuple[str, str], ...], float]:
    out = {}
    for family in text_string_to_metric_families(text):
        for s in family.samples:
            if s.name == name:
                out[tuple(sorted(s.labels.items()))] = s.value
    return out


def leaked(text: str) -> list[str]:
    return [v for v in VALUES if v in text]


# ---------------------------------------------------------------------------------------------
# /metrics


def test_requests_are_counted_by_vendor_endpoint_decision_and_status(run: Run) -> None:
    got = {
        (d["vendor"], d["endpoint"], d["decision"], d["status"]): v
        for labels, v in samples(run.metrics, "guard_requests_total").items()
        for d in [dict(labels)]
    }
    assert got == {k: float(v) for k, v in EXPECTED_REQUESTS.items()}
    assert samples(run.metrics, "guard_unrouted_requests_total") == {(("reason", "unknown_vendor"),): 1.0}


def test_findings_are_counted_as_the_audit_trail_records_them(run: Run) -> None:
    got = {
        (d["vendor"], d["category"], d["entity_type"], d["action"]): v
        for labels, v in samples(run.metrics, "guard_findings_total").items()
        for d in [dict(labels)]
    }
    db = sqlite3.connect(run.db)
    audited = {
        (v, c, e, a): float(n)
        for v, c, e, a, n in db.execute(
            "SELECT r.vendor, f.category, f.entity_type, f.action, COUNT(*) FROM findings f"
            " JOIN requests r ON f.request = r.id GROUP BY 1, 2, 3, 4"
        )
    }
    db.close()
    assert got == audited
    # What the run holds for certain: the name in three kimi requests, the blocks.
    assert got[("kimi", "pii", "PERSON", "pseudonymize")] == 3
    assert got[("kimi", "pii", "EMAIL_ADDRESS", "pseudonymize")] == 2
    assert got[("kimi", "financial", "US_SSN", "block")] == 1
    assert (
        sum(
            v
            for (vendor, cat, _, action), v in got.items()
            if (vendor, cat, action) == ("qwen", "secret", "block")
        )
        == 1
    )
    assert got[("qwen", "health", "MEDICAL_CONDITION", "redact")] == 1


def test_latencies_cache_and_workers(run: Run) -> None:
    inspection = samples(run.metrics, "guard_inspection_seconds_count")
    assert {dict(k)["vendor"]: v for k, v in inspection.items()} == INSPECTED
    upstream: dict[str, float] = {}
    for k, v in samples(run.metrics, "guard_upstream_seconds_count").items():
        upstream[dict(k)["vendor"]] = upstream.get(dict(k)["vendor"], 0) + v
    assert upstream == UPSTREAM
    durations = sum(samples(run.metrics, "guard_request_seconds_count").values())
    assert durations == AUDITED
    # The same prompt sent twice: the second time its analysis came from the cache.
    lookups = {dict(k)["result"]: v for k, v in samples(run.metrics, "guard_cache_lookups_total").items()}
    assert lookups["hit"] >= 1 and lookups["miss"] >= 1
    assert samples(run.metrics, "guard_detector_worker_restarts_total") == {(): 0.0}
    policies = {dict(k)["vendor"]: dict(k)["digest"] for k in samples(run.metrics, "guard_policy_info")}
    assert policies == {name: v.policy.digest for name, v in run.guard.state.vendors.items()}


def test_metric_labels_come_from_closed_sets(run: Run) -> None:
    allowed = {
        "vendor": {"kimi", "qwen"},
        "endpoint": {"chat/completions", "embeddings", "models", "(refused path)"},
        "decision": {"forwarded", "redacted", "blocked", "refused", "error"},
        "category": set(CATEGORIES),
        "entity_type": set(ENTITY_CATEGORIES),
        "action": {"allow", "redact", "mask", "hash", "pseudonymize", "block"},
        "result": {"hit", "miss"},
        "reason": {"unknown_vendor", "not_found"},
        "state": {"ready", "starting", "failed"},
    }
    for family in text_string_to_metric_families(run.metrics):
        if not family.name.startswith("guard_"):
            continue
        for s in family.samples:
            for label, value in s.labels.items():
                if label == "status":
                    assert re.fullmatch(r"[1-5]\d\d", value)
                elif label == "digest":
                    assert re.fullmatch(r"[0-9a-f]{16}", value)
                elif label != "le":
                    assert value in allowed[label], (s.name, label, value)
    # No model name either: it is the client's text.
    assert "kimi-k2" not in run.metrics and "qwen-plus" not in run.metrics


def test_metrics_hold_no_value_of_the_run(run: Run) -> None:
    assert leaked(run.metrics) == []
    status, headers, body = get(run.guard.root + "/metrics", {"Accept": "application/openmetrics-text"})
    assert status == 200 and headers["Content-Type"].startswith("application/openmetrics-text")
    assert leaked(body.decode()) == []


# ---------------------------------------------------------------------------------------------
# /dashboard


def test_dashboard_page_and_assets_are_served_from_the_package(run: Run) -> None:
    status, headers, page = get(run.guard.root + "/dashboard")
    assert status == 200 and headers["Content-Type"].startswith("text/html")
    csp = headers["Content-Security-Policy"]
    assert "default-src 'none'" in csp and "script-src 'self'" in csp and "connect-src 'self'" in csp
    html = page.decode()
    # Nothing from the internet: every script and style is one of ours.
    refs = re.findall(r"""(?:src|href)=["']([^"']+)""", html)
    assert refs and all(r.startswith("/dashboard/assets/") for r in refs), refs
    for ref in refs:
        status, headers, body = get(run.guard.root + ref)
        assert status == 200, ref
        assert b"https://" not in body and b"//cdn" not in body
    assert get(run.guard.root + "/dashboard/assets/nope.js")[0] == 404
    assert get(run.guard.root + "/dashboard/assets/..%2Fdashboard.py")[0] == 404


def test_dashboard_summary_counts_the_run(run: Run) -> None:
    for window in ("hour", "day"):
        data = dashboard_summary(run.guard, window)
        totals = data["totals"]
        assert isinstance(totals, dict)
        assert totals["requests"] == AUDITED
        assert (totals["blocked"], totals["refused"], totals["error"]) == (2, 2, 0)
        vendors = data["vendors"]
        assert isinstance(vendors, list)
        assert [v["vendor"] for v in vendors] == ["kimi", "qwen"]
        per_vendor = {v["vendor"]: sum(sum(series) for series in v["decisions"].values()) for v in vendors}
        assert per_vendor == {"kimi": 7, "qwen": 5}
        blocked = data["blocked"]
        assert isinstance(blocked, list)
        assert sorted((b["vendor"], b["category"]) for b in blocked) == [
            ("kimi", "financial"),
            ("qwen", "secret"),
        ]
        assert {b["entity_type"] for b in blocked if b["vendor"] == "kimi"} == {"US_SSN"}
        assert all(b["location"] == "messages[0].content" for b in blocked)
        entities = data["entities"]
        assert isinstance(entities, list)
        assert entities[0] == {"entity_type": "PERSON", "category": "pii", "findings": 3}
        latency = data["latency"]
        assert isinstance(latency, dict) and latency["overall_p50"] is not None


def test_dashboard_holds_no_value_of_the_run(run: Run) -> None:
    texts = [get(run.guard.root + "/dashboard")[2].decode()]
    for window in ("hour", "day"):
        texts.append(get(f"{run.guard.root}/dashboard/api/summary?window={window}")[2].decode())
    for text in texts:
        assert leaked(text) == []


def test_dashboard_refuses_foreign_host_names_and_bad_windows(run: Run) -> None:
    # A page on another site that rebinds its name to 127.0.0.1 sends its own Host header.
    for path in ("/dashboard", "/dashboard/api/summary", "/metrics"):
        status, _, body = get(run.guard.root + path, {"Host": "attacker.example:8787"})
        assert status == 403 and b"guard_host_refused" in body
        assert get(run.guard.root + path, {"Host": f"localhost:{run.guard.port}"})[0] == 200
    status, _, body = get(run.guard.root + "/dashboard/api/summary?window=year")
    assert status == 400 and b"hour or day" in body


def test_dashboard_and_metrics_can_be_turned_off(tmp_path: Path, detector: Detector) -> None:
    def off(config: object) -> None:
        config.dashboard.enabled = False  # type: ignore[attr-defined]
        config.metrics.enabled = False  # type: ignore[attr-defined]

    guard = GuardServer(tmp_path, "http://127.0.0.1:9/v1", detector, configure=off)
    try:
        for path in ("/dashboard", "/dashboard/api/summary", "/dashboard/assets/dashboard.js", "/metrics"):
            status, _, body = get(guard.root + path)
            assert status == 404 and b"guard_not_found" in body, path
        assert guard.state.metrics is None
    finally:
        guard.close()


# ---------------------------------------------------------------------------------------------
# guard report


def report(capsys: pytest.CaptureFixture[str], *argv: str) -> str:
    assert cli.main(["report", *argv]) == 0
    return capsys.readouterr().out


def test_report_json_per_vendor(
    run: Run, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(ROOT)  # the built-in config's policies: the digests in force now
    data = json.loads(report(capsys, "--db", str(run.db), "--json"))
    assert data["requests"] == AUDITED
    kimi, qwen = data["vendors"]
    assert (kimi["vendor"], kimi["requests"], kimi["sent"], kimi["changed"], kimi["unchanged"]) == (
        "kimi",
        7,
        6,
        4,
        2,
    )
    assert (kimi["blocked"], kimi["refused"], kimi["errors"]) == (1, 0, 0)
    assert (qwen["requests"], qwen["sent"], qwen["changed"], qwen["blocked"], qwen["refused"]) == (
        5,
        2,
        1,
        1,
        2,
    )
    assert {(r["decision"], r["reason"]) for r in qwen["reasons"]} == {
        ("blocked", "guard_policy_blocked"),
        ("refused", "guard_invalid_json"),
        ("refused", "guard_endpoint_not_inspected"),
    }
    assert {m["model"]: m["requests"] for m in kimi["models"]} == {"kimi-k2": 5, "embed": 1, None: 1}
    assert {m["model"]: m["requests"] for m in qwen["models"]} == {"qwen-plus": 3, None: 2}
    person = next(e for e in kimi["entities"] if e["entity_type"] == "PERSON")
    assert (person["action"], person["findings"], person["distinct_values"], person["requests"]) == (
        "pseudonymize",
        3,
        1,
        3,
    )
    # A blocked finding carries its fingerprint like any other (issue 9.8): one distinct value.
    assert {"category": "financial", "action": "block", "findings": 1, "distinct_values": 1} in kimi[
        "categories"
    ]
    digest = run.guard.state.vendors["kimi"].policy.digest
    assert kimi["policies"] == [
        {
            "digest": digest,
            "requests": 7,
            "first": kimi["policies"][0]["first"],
            "last": kimi["policies"][0]["last"],
            "current": True,
        }
    ]
    # One name in three requests: the fingerprint that recurred most.
    top = data["top_fingerprints"][0]
    assert (top["entity_type"], top["requests"], top["vendors"]) == ("PERSON", 3, ["kimi"])
    assert len(top["fingerprint"]) == 32
    assert sum(sum(t[d] for d in data["decisions"]) for t in kimi["timeline"]) == 7
    assert leaked(json.dumps(data, ensure_ascii=False)) == []


def test_report_text_and_window(run: Run, capsys: pytest.CaptureFixture[str]) -> None:
    text = report(capsys, "--db", str(run.db))
    assert "== kimi" in text and "== qwen" in text
    assert "requests 7: sent 6 (unchanged 2, changed 4), blocked 1, refused 0, errors 0" in text
    assert re.search(r"US_SSN\s+financial\s+block\s+1", text)
    assert "guard_invalid_json" in text and "kimi-k2" in text
    assert leaked(text) == []
    # A window before the run holds nothing.
    empty = report(capsys, "--db", str(run.db), "--since", "2001-01-01", "--until", "2001-02-01")
    assert "requests: 0" in empty and "no requests in this window" in empty


def test_report_html_is_one_self_contained_page(
    run: Run, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "report.html"
    assert f"wrote {out}" in report(capsys, "--db", str(run.db), "--html", str(out))
    page = out.read_text(encoding="utf-8")
    assert page.startswith("<!doctype html>")
    # Everything inline: no file or address to fetch, so it opens anywhere, offline.
    assert not re.search(r"""\b(?:src|href)\s*=|<link|@import|url\(|fetch\(""", page)
    assert page.count("data-chart=") == 4 and "GuardCharts" in page
    assert leaked(page) == []
    # The embedded data cannot close its <script> element, whatever a model name holds.
    data = re.search(r"<script type='application/json' id='report-data'>(.*?)</script>", page, re.S)
    assert data and json.loads(data.group(1))["requests"] == AUDITED


def test_report_errors(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["report", "--db", str(tmp_path / "none.db")]) == 2
    assert "no audit database at" in capsys.readouterr().err
    not_audit = tmp_path / "other.db"
    sqlite3.connect(not_audit).execute("CREATE TABLE x (y)").connection.commit()
    assert cli.main(["report", "--db", str(not_audit)]) == 2
    assert "cannot be read as an audit database" in capsys.readouterr().err
    assert cli.main(["report", "--db", str(not_audit), "--since", "yesterday"]) == 2
    assert "neither a duration" in capsys.readouterr().err


# ---------------------------------------------------------------------------------------------
# In a real browser


@pytest.fixture(scope="module")
def chromium() -> str:
    found = find_chromium()
    if found is None:
        pytest.skip(
            "no Chromium found (chromium, chromium-browser or google-chrome on PATH, or $GUARD_CHROMIUM): "
            "the dashboard's browser check is skipped. On Debian or Ubuntu: apt-get install chromium"
        )
    return found


def test_dashboard_draws_its_charts_in_chromium(chromium: str, run: Run) -> None:
    dom = dump_dom(chromium, run.guard.root + "/dashboard")
    root = re.search(r"<html[^>]*>", dom)
    assert root, dom[:500]
    assert "data-error" not in root.group(0), root.group(0)
    # Two vendors' timelines, the entity types and the latency: four charts, with their marks.
    assert 'data-charts-drawn="4"' in root.group(0), root.group(0)
    assert f'data-requests="{AUDITED}"' in root.group(0)
    marks = int(re.search(r'data-marks="(\d+)"', root.group(0)).group(1))  # type: ignore[union-attr]
    assert marks == dom.count('class="mark"') and marks >= 10
    assert dom.count("<svg") == 4 and dom.count("<rect") >= 8 and "<circle" in dom and "<path" in dom
    # The tables were filled from the trail: the two blocked requests, with their reasons.
    assert dom.count("guard_policy_blocked") == 1 and "US_SSN" in dom and "guard_invalid_json" in dom
    assert leaked(dom) == []


def test_report_page_draws_its_charts_offline_in_chromium(
    chromium: str, run: Run, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "report.html"
    report(capsys, "--db", str(run.db), "--html", str(out))
    dom = dump_dom(chromium, out.as_uri())
    root = re.search(r"<html[^>]*>", dom)
    assert root and 'data-charts-drawn="4"' in root.group(0), dom[:500]
    assert int(re.search(r'data-marks="(\d+)"', root.group(0)).group(1)) >= 8  # type: ignore[union-attr]
