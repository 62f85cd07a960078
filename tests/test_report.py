"""`guard report` over a trail written at known times: windows, buckets, digests, fingerprints.

The rows are written with the real AuditStore (as the proxy writes them); the mixed run through
the proxy is reported on in test_observability.py.
"""

from __future__ import annotations

import json
import re
import time
from pathlib import Path

from guard.audit import AuditEvent, AuditFinding, AuditStore
from guard.report import AuditReader, build_report, render_html, render_text

DAY = 86400
NOW = time.time()


def finding(entity: str, category: str, action: str, fingerprint: str) -> AuditFinding:
    return AuditFinding(
        entity, category, action, "messages[0].content", 0, "content", 0.9, f"entities.{entity}", fingerprint
    )


def event(
    ts: float,
    vendor: str,
    decision: str,
    *findings: AuditFinding,
    digest: str = "new0000000000000",
    model: str | None = "kimi-k2",
    status: int = 200,
    reason: str | None = None,
) -> AuditEvent:
    return AuditEvent(
        ts,
        f"guard-{ts}",
        vendor,
        "chat/completions",
        model,
        decision,
        status,
        reason,
        digest,
        findings=tuple(findings),
    )


def write(path: Path, events: list[AuditEvent]) -> None:
    store = AuditStore(path)
    for e in events:
        store.record(e)
    store.close()


def test_windows_digests_buckets_and_recurring_values(tmp_path: Path) -> None:
    db = tmp_path / "audit.db"
    name = finding("PERSON", "pii", "pseudonymize", "f" * 32)
    other = finding("EMAIL_ADDRESS", "pii", "pseudonymize", "e" * 32)
    block = finding("US_SSN", "financial", "block", "")
    write(
        db,
        [
            event(NOW - 40 * DAY, "kimi", "redacted", name, digest="old0000000000000"),  # outside 30 days
            event(NOW - 9 * DAY, "kimi", "redacted", name, other, digest="old0000000000000"),
            event(
                NOW - 8 * DAY,
                "kimi",
                "blocked",
                block,
                digest="old0000000000000",
                status=400,
                reason="guard_policy_blocked",
            ),
            event(NOW - 2 * DAY, "kimi", "redacted", name),
            event(NOW - 1 * DAY, "kimi", "forwarded", model=None),
            event(NOW - 1 * DAY, "qwen", "redacted", name, model="qwen-plus"),
            event(NOW - 3600, "qwen", "refused", status=413, reason="guard_request_too_large", model=None),
        ],
    )
    reader = AuditReader(db)
    try:
        r = build_report(reader, NOW - 30 * DAY, None, current_policies={"kimi": "new0000000000000"})
        everything = build_report(reader, None, None)
        older = build_report(reader, NOW - 60 * DAY, NOW - 20 * DAY)
    finally:
        reader.close()
    assert r["requests"] == 6 and everything["requests"] == 7 and older["requests"] == 1
    kimi, qwen = r["vendors"]
    assert (kimi["sent"], kimi["changed"], kimi["unchanged"], kimi["blocked"]) == (3, 2, 1, 1)
    assert qwen["reasons"] == [{"decision": "refused", "reason": "guard_request_too_large", "requests": 1}]
    # Digests in order of use: the old one until the policy changed, the one in force now after.
    assert [(p["digest"], p["requests"], p["current"]) for p in kimi["policies"]] == [
        ("old0000000000000", 2, False),
        ("new0000000000000", 2, True),
    ]
    assert [p["current"] for p in qwen["policies"]] == [None]  # no policy file at hand for qwen
    # The blocked finding has no fingerprint: it counts as a finding, not as a distinct value.
    ssn = next(e for e in kimi["entities"] if e["entity_type"] == "US_SSN")
    assert (ssn["action"], ssn["findings"], ssn["distinct_values"]) == ("block", 1, 0)
    # A 30-day window in days, every day listed, quiet ones too.
    assert r["bucket_seconds"] == DAY
    assert len(kimi["timeline"]) in (30, 31)
    assert sum(t["redacted"] for t in kimi["timeline"]) == 2
    # The name recurred in three requests to two vendors (a fourth is outside the window); the
    # email was seen once, so it is no recurring value.
    assert [(f["entity_type"], f["requests"], f["vendors"]) for f in r["top_fingerprints"]] == [
        ("PERSON", 3, ["kimi", "qwen"])
    ]
    assert everything["top_fingerprints"][0]["requests"] == 4
    assert {m["model"]: m["requests"] for m in kimi["models"]} == {"kimi-k2": 3, None: 1}
    text = render_text(r)
    assert "(in force now)" in text and "(since changed)" in text and "guard_request_too_large" in text


def test_a_short_window_is_cut_in_hours(tmp_path: Path) -> None:
    db = tmp_path / "audit.db"
    write(db, [event(NOW - 5 * 3600, "kimi", "forwarded"), event(NOW - 600, "kimi", "redacted")])
    reader = AuditReader(db)
    try:
        r = build_report(reader, NOW - DAY, None)
    finally:
        reader.close()
    assert r["bucket_seconds"] == 3600
    timeline = r["vendors"][0]["timeline"]
    assert len(timeline) in (24, 25) and sum(t["forwarded"] + t["redacted"] for t in timeline) == 2


def test_client_written_model_names_stay_text(tmp_path: Path) -> None:
    db = tmp_path / "audit.db"
    hostile = "</script><img src=x onerror=alert(1)>\x1b[2J"
    write(db, [event(NOW - 60, "kimi", "forwarded", model=hostile)])
    reader = AuditReader(db)
    try:
        r = build_report(reader, None, None)
    finally:
        reader.close()
    page = render_html(r)
    assert "<img" not in page and "</script><img" not in page
    assert "&lt;/script&gt;&lt;img src=x onerror=alert(1)&gt;" in page
    data = re.search(r"<script type='application/json' id='report-data'>(.*?)</script>", page, re.S)
    assert data and json.loads(data.group(1))["vendors"][0]["models"][0]["model"] == hostile
    # In a terminal, control characters would steer it: they are shown as '?'.
    text = render_text(r)
    assert "\x1b" not in text and "</script><img src=x onerror=alert(1)>?[2" in text
