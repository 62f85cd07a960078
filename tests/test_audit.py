"""The audit trail records types, places and fingerprints, and never a value or an API key."""

from __future__ import annotations

import json
import os
import sqlite3
import stat
import subprocess
import sys
from pathlib import Path

import openai
import pytest

from guard.audit import AuditEvent, AuditFinding, AuditStore, load_or_create_key
from guard.detect import Detector
from guard.errors import ConfigError
from tests.harness import FakeUpstream, GuardServer
from tests.test_proxy_e2e import CARD, EMAIL, IBAN, NAME, PHONE, SENTENCE, SSN, every_place_messages

KEY = "sk-audit-test-key-0123456789abcdef"


def test_audit_file_holds_no_raw_value_and_no_key(
    tmp_path: Path, detector: Detector, fake_upstream: FakeUpstream
) -> None:
    server = GuardServer(tmp_path, fake_upstream.base_url, detector)
    try:
        c = openai.OpenAI(base_url=server.base_url("kimi"), api_key=KEY, max_retries=0)
        c.chat.completions.create(model="kimi-k2", messages=every_place_messages(SENTENCE))  # type: ignore[arg-type]
        with pytest.raises(openai.BadRequestError):
            c.chat.completions.create(
                model="kimi-k2", messages=[{"role": "user", "content": f"{NAME}'s SSN is {SSN}"}]
            )
        list(
            c.chat.completions.create(
                model="kimi-k2", stream=True, messages=[{"role": "user", "content": SENTENCE}]
            )
        )
    finally:
        server.close()
    db_files = [p for p in tmp_path.iterdir() if p.name.startswith("audit.db")]
    raw = b"".join(p.read_bytes() for p in db_files)
    assert raw, "the audit store was not written"
    for value in [NAME, *NAME.split(), EMAIL, PHONE, CARD, IBAN, SSN, KEY, "4111111111111111"]:
        assert value.encode() not in raw, value
    # Yet it says what happened, and where.
    db = sqlite3.connect(tmp_path / "audit.db")
    decisions = [r[0] for r in db.execute("SELECT decision FROM requests ORDER BY id")]
    assert decisions == ["redacted", "blocked", "redacted"]
    rows = db.execute(
        "SELECT entity_type, category, action, location, placeholder, fingerprint "
        "FROM findings WHERE request = 1"
    ).fetchall()
    locations = {r[3] for r in rows}
    assert "messages[2].tool_calls[0].function.arguments.to" in locations
    assert "messages[1].name" in locations and "messages[2].reasoning_content" in locations
    person = [r for r in rows if r[0] == "PERSON"]
    assert person and all(r[4] == "<PERSON_1>" and len(r[5]) == 32 for r in person)
    # The same value in different places has the same fingerprint.
    assert len({r[5] for r in person}) == 1
    blocked = db.execute("SELECT entity_type, category, action FROM findings WHERE request = 2").fetchall()
    assert ("US_SSN", "financial", "block") in blocked


def test_key_file_is_owner_only_and_refused_when_readable(tmp_path: Path) -> None:
    key_path = tmp_path / "sub" / "audit.key"
    key = load_or_create_key(key_path)
    assert len(key) == 32
    assert stat.S_IMODE(key_path.stat().st_mode) == 0o600
    assert load_or_create_key(key_path) == key
    os.chmod(key_path, 0o644)
    with pytest.raises(ConfigError, match="readable by others"):
        load_or_create_key(key_path)


def _event(ts: float, vendor: str, decision: str, entity: str, category: str) -> AuditEvent:
    return AuditEvent(
        ts=ts,
        request_id=f"guard-{ts}",
        vendor=vendor,
        endpoint="chat/completions",
        model="m",
        decision=decision,
        status=200,
        findings=(
            AuditFinding(
                entity,
                category,
                "redact",
                "messages[0].content",
                0,
                "content",
                0.9,
                f"categories.{category}",
                "ab" * 16,
            ),
        ),
    )


def test_audit_cli_summary_and_jsonl(tmp_path: Path) -> None:
    db = tmp_path / "audit.db"
    store = AuditStore(db)
    store.record(_event(1_000.0, "kimi", "redacted", "PERSON", "pii"))
    store.record(_event(2_000_000_000.0, "qwen", "redacted", "MEDICATION", "health"))
    store.record(_event(2_000_000_001.0, "qwen", "blocked", "API_KEY", "secret"))
    store.close()
    out = subprocess.run(
        [sys.executable, "-m", "guard", "audit", "--db", str(db)],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert "requests: 3" in out and "MEDICATION" in out and "kimi" in out
    out = subprocess.run(
        [sys.executable, "-m", "guard", "audit", "--db", str(db), "--since", "2020-01-01"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert "requests: 2" in out and "PERSON" not in out
    lines = subprocess.run(
        [sys.executable, "-m", "guard", "audit", "--db", str(db), "--jsonl"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.splitlines()
    rows = [json.loads(line) for line in lines]
    assert [r["vendor"] for r in rows] == ["kimi", "qwen", "qwen"]
    assert rows[2]["findings"][0]["entity_type"] == "API_KEY"
    assert rows[1]["counts"] == {"redact": 1}


def test_replicas_starting_together_share_one_key(tmp_path: Path) -> None:
    from concurrent.futures import ThreadPoolExecutor

    path = tmp_path / "shared" / "audit.key"
    with ThreadPoolExecutor(8) as pool:
        keys = list(pool.map(lambda _: load_or_create_key(path), range(16)))
    assert len(set(keys)) == 1 and len(keys[0]) == 32
    assert [p.name for p in path.parent.iterdir()] == ["audit.key"]  # no temporary file left


def test_refused_paths_are_not_kept_verbatim(
    tmp_path: Path, detector: Detector, fake_upstream: FakeUpstream
) -> None:
    import urllib.error
    import urllib.request

    server = GuardServer(tmp_path, fake_upstream.base_url, detector)
    try:
        url = server.base_url("kimi") + "/files/maria.gonzalez@example.com"
        with pytest.raises(urllib.error.HTTPError) as info:
            urllib.request.urlopen(urllib.request.Request(url, data=b"{}", method="POST"), timeout=10)
        assert info.value.code == 404
    finally:
        server.close()
    rows = (
        sqlite3.connect(tmp_path / "audit.db").execute("SELECT endpoint, decision FROM requests").fetchall()
    )
    assert rows == [("(refused path)", "refused")]


def test_rows_name_the_api_format_and_older_files_are_upgraded(tmp_path: Path) -> None:
    db = tmp_path / "audit.db"
    # A file written before formats were recorded: the requests table has no format column.
    old = sqlite3.connect(db)
    old.executescript(
        "CREATE TABLE requests (id INTEGER PRIMARY KEY, ts REAL NOT NULL, request_id TEXT NOT NULL,"
        " upstream_request_id TEXT, vendor TEXT NOT NULL, endpoint TEXT NOT NULL, model TEXT,"
        " decision TEXT NOT NULL, status INTEGER, reason TEXT, policy_digest TEXT,"
        " findings INTEGER NOT NULL, counts TEXT NOT NULL, duration_ms REAL);"
        "INSERT INTO requests (ts, request_id, vendor, endpoint, decision, findings, counts)"
        " VALUES (1.0, 'guard-old', 'kimi', 'chat/completions', 'forwarded', 0, '{}');"
    )
    old.commit()
    old.close()
    store = AuditStore(db)
    store.record(
        AuditEvent(ts=2.0, request_id="guard-new", vendor="kimi", endpoint="messages", model="k",
                   decision="forwarded", status=200, format="anthropic")
    )
    rows = [(r["request_id"], r["format"], r["endpoint"]) for r in store.iter_jsonl()]
    store.close()
    assert rows == [("guard-old", "openai", "chat/completions"), ("guard-new", "anthropic", "messages")]


def test_blocked_findings_have_the_shape_of_the_others(
    tmp_path: Path, detector: Detector, fake_upstream: FakeUpstream
) -> None:
    # The same leaked key, sent twice in different places: the trail shows it is the same key.
    secret = "sk-proj-FAKE7c2d9e1f4a6b8c0d3e5f7a9b1cQx8Lm2Nz"
    server = GuardServer(tmp_path, fake_upstream.base_url, detector)
    try:
        c = openai.OpenAI(base_url=server.base_url("kimi"), api_key=KEY, max_retries=0)
        with pytest.raises(openai.BadRequestError):
            c.chat.completions.create(
                model="m",
                messages=[{"role": "user", "content": f"Deploy with {secret}, thanks {NAME}"}],
            )
        with pytest.raises(openai.BadRequestError):
            c.chat.completions.create(
                model="m",
                messages=[
                    {"role": "user", "content": "Deploy it"},
                    {
                        "role": "assistant",
                        "content": None,
                        "tool_calls": [
                            {
                                "id": "c1",
                                "type": "function",
                                "function": {"name": "deploy", "arguments": json.dumps({"token": secret})},
                            }
                        ],
                    },
                ],
            )
        c.chat.completions.create(model="m", messages=[{"role": "user", "content": f"Hi {NAME}"}])
    finally:
        server.close()
    db = sqlite3.connect(tmp_path / "audit.db")
    rows = db.execute(
        "SELECT r.decision, f.action, f.location, f.message_index, f.field, f.fingerprint, f.placeholder"
        " FROM findings f JOIN requests r ON f.request = r.id ORDER BY f.id"
    ).fetchall()
    blocked = [r for r in rows if r[1] == "block"]
    assert [r[0] for r in blocked] == ["blocked", "blocked"]
    first, second = blocked
    assert first[2:5] == ("messages[0].content", 0, "content")
    assert second[2:5] == (
        "messages[1].tool_calls[0].function.arguments.token",
        1,
        "tool_calls[0].function.arguments.token",
    )
    assert len(first[5]) == 32 and first[5] == second[5]  # one key, one fingerprint
    assert first[6] is None
    # A pseudonymised finding in the same trail has the same form.
    person = next(r for r in rows if r[1] == "pseudonymize")
    assert person[2:5] == ("messages[0].content", 0, "content") and len(person[5]) == 32


def test_wal_and_shm_files_are_owner_only(tmp_path: Path) -> None:
    old = os.umask(0o022)  # the usual umask, under which they used to be 0644
    try:
        store = AuditStore(tmp_path / "trail" / "audit.db")
        store.record(_event(1.0, "kimi", "redacted", "PERSON", "pii"))
        files = sorted(p.name for p in (tmp_path / "trail").iterdir())
        assert files == ["audit.db", "audit.db-shm", "audit.db-wal"]
        for name in files:
            mode = stat.S_IMODE((tmp_path / "trail" / name).stat().st_mode)
            assert mode == 0o600, (name, oct(mode))
        store.close()
        # Files an earlier version left readable are tightened on open.
        os.chmod(tmp_path / "trail" / "audit.db", 0o644)
        AuditStore(tmp_path / "trail" / "audit.db").close()
        assert stat.S_IMODE((tmp_path / "trail" / "audit.db").stat().st_mode) == 0o600
    finally:
        os.umask(old)
