"""The audit trail: what was found and done, per request, in an embedded SQLite file.

A row per request (time, ids, vendor, API format, endpoint, model, decision, counts) and a row per finding
(type, category, action, place, score, placeholder, keyed fingerprint). Never a value, a prompt or
a key: the fingerprint is an HMAC under a key kept in a separate owner-only file, so repeats of one
value can be correlated inside this trail but the value cannot be recovered from it.
"""

from __future__ import annotations

import contextlib
import json
import os
import secrets
import sqlite3
import stat
import tempfile
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from guard.errors import ConfigError

SCHEMA = """
CREATE TABLE IF NOT EXISTS requests (
    id INTEGER PRIMARY KEY,
    ts REAL NOT NULL,               -- unix time the request arrived
    request_id TEXT NOT NULL,       -- guard's id, also sent to the client as X-Guard-Request-Id
    upstream_request_id TEXT,       -- the vendor's id for the same call, when it gave one
    vendor TEXT NOT NULL,
    endpoint TEXT NOT NULL,
    model TEXT,
    format TEXT,                    -- the API format: openai | anthropic | dashscope
    decision TEXT NOT NULL,         -- forwarded | redacted | blocked | refused | error
    status INTEGER,                 -- HTTP status returned to the client
    reason TEXT,                    -- for blocked/refused/error: the guard error code
    policy_digest TEXT,
    findings INTEGER NOT NULL,      -- findings acted upon
    counts TEXT NOT NULL,           -- JSON {action: n}
    duration_ms REAL
);
CREATE TABLE IF NOT EXISTS findings (
    id INTEGER PRIMARY KEY,
    request INTEGER NOT NULL REFERENCES requests(id),
    entity_type TEXT NOT NULL,
    category TEXT NOT NULL,
    action TEXT NOT NULL,
    location TEXT NOT NULL,         -- e.g. messages[2].tool_calls[0].function.arguments.email
    message_index INTEGER,
    field TEXT NOT NULL,
    score REAL NOT NULL,
    placeholder TEXT,               -- for pseudonymize: e.g. <PERSON_1>
    policy_key TEXT NOT NULL,       -- the policy key that decided, e.g. entities.US_SSN
    fingerprint TEXT NOT NULL       -- HMAC-SHA256 of the normalised value under the audit key
);
CREATE INDEX IF NOT EXISTS requests_ts ON requests(ts);
CREATE INDEX IF NOT EXISTS findings_request ON findings(request);
"""


@dataclass(frozen=True, slots=True)
class AuditFinding:
    entity_type: str
    category: str
    action: str
    location: str
    message_index: int | None
    field: str
    score: float
    policy_key: str
    fingerprint: str
    placeholder: str | None = None


@dataclass(frozen=True, slots=True)
class AuditEvent:
    ts: float
    request_id: str
    vendor: str
    endpoint: str
    model: str | None
    decision: str
    status: int | None
    reason: str | None = None
    policy_digest: str | None = None
    upstream_request_id: str | None = None
    duration_ms: float | None = None
    findings: tuple[AuditFinding, ...] = field(default_factory=tuple)
    format: str = "openai"  # the API format the client spoke: openai | anthropic | dashscope

    def counts(self) -> dict[str, int]:
        out: dict[str, int] = {}
        for f in self.findings:
            out[f.action] = out.get(f.action, 0) + 1
        return out


def load_or_create_key(path: str | Path) -> bytes:
    """The fingerprint key: 32 random bytes, created on first start, readable only by its owner.

    The key is written to a private temporary file and then hard-linked into place, so replicas
    starting together never read a half-written key: one link wins, the others read its key.
    """
    p = Path(path)
    p.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    if p.exists():
        return _read_key(p)
    fd, tmp = tempfile.mkstemp(dir=p.parent, prefix=".audit-key-")  # created with mode 0600
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(secrets.token_bytes(32))
        # If another process linked its key first, theirs is used.
        with contextlib.suppress(FileExistsError):
            os.link(tmp, p)
    finally:
        os.unlink(tmp)
    return _read_key(p)


def _read_key(p: Path) -> bytes:
    mode = stat.S_IMODE(p.stat().st_mode)
    if mode & 0o077:
        raise ConfigError(f"audit.key_path: {p} is readable by others (mode {mode:o}); run `chmod 600 {p}`")
    key = p.read_bytes()
    if len(key) < 32:
        raise ConfigError(f"audit.key_path: {p} holds {len(key)} bytes; a key has 32")
    return key


class AuditStore:
    """SQLite audit store. Thread-safe: the proxy writes from a worker thread, never the loop."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        # Owner-only from the start: SQLite gives the -wal and -shm files it creates the
        # database file's permissions, so those are 0600 too. Files an earlier version left
        # readable are tightened.
        os.close(os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600))
        for f in (self.path, *(Path(f"{self.path}{x}") for x in ("-wal", "-shm"))):
            with contextlib.suppress(FileNotFoundError):
                if stat.S_IMODE(f.stat().st_mode) != 0o600:
                    os.chmod(f, 0o600)
        self._lock = threading.Lock()
        self._db = sqlite3.connect(self.path, check_same_thread=False, isolation_level=None)
        # WAL lets `guard audit` read while the proxy writes; replicas may share one file.
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA busy_timeout=5000")
        self._db.executescript(SCHEMA)
        columns = {row[1] for row in self._db.execute("PRAGMA table_info(requests)")}
        if "format" not in columns:
            # A file written before the API formats were recorded: its rows were all OpenAI's.
            self._db.execute("ALTER TABLE requests ADD COLUMN format TEXT")

    def close(self) -> None:
        with self._lock:
            self._db.close()

    def record(self, event: AuditEvent) -> None:
        with self._lock:
            cur = self._db.cursor()
            cur.execute("BEGIN")
            try:
                cur.execute(
                    "INSERT INTO requests (ts, request_id, upstream_request_id, vendor, endpoint,"
                    " model, format, decision, status, reason, policy_digest, findings, counts,"
                    " duration_ms) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                    (
                        event.ts,
                        event.request_id,
                        event.upstream_request_id,
                        event.vendor,
                        event.endpoint,
                        event.model,
                        event.format,
                        event.decision,
                        event.status,
                        event.reason,
                        event.policy_digest,
                        len(event.findings),
                        json.dumps(event.counts()),
                        event.duration_ms,
                    ),
                )
                row = cur.lastrowid
                cur.executemany(
                    "INSERT INTO findings (request, entity_type, category, action, location,"
                    " message_index, field, score, placeholder, policy_key, fingerprint)"
                    " VALUES (?,?,?,?,?,?,?,?,?,?,?)",
                    [
                        (
                            row,
                            f.entity_type,
                            f.category,
                            f.action,
                            f.location,
                            f.message_index,
                            f.field,
                            round(f.score, 3),
                            f.placeholder,
                            f.policy_key,
                            f.fingerprint,
                        )
                        for f in event.findings
                    ],
                )
                cur.execute("COMMIT")
            except BaseException:
                cur.execute("ROLLBACK")
                raise

    # --- reading -------------------------------------------------------------------------

    def summary(self, since: float | None = None, until: float | None = None) -> dict[str, Any]:
        where, args = _window(since, until, "r.ts")
        with self._lock:
            db = self._db
            total = db.execute(
                f"SELECT decision, COUNT(*) FROM requests r {where} GROUP BY decision", args
            ).fetchall()
            per_vendor = db.execute(
                f"SELECT vendor, COUNT(*), SUM(decision='blocked'), SUM(findings) FROM requests r {where}"
                " GROUP BY vendor ORDER BY vendor",
                args,
            ).fetchall()
            per_cat = db.execute(
                f"SELECT r.vendor, f.category, f.action, COUNT(*) FROM findings f JOIN requests r"
                f" ON f.request = r.id {where} GROUP BY 1, 2, 3 ORDER BY 1, 2, 3",
                args,
            ).fetchall()
            per_entity = db.execute(
                f"SELECT f.entity_type, f.category, COUNT(*), COUNT(DISTINCT f.fingerprint)"
                f" FROM findings f JOIN requests r ON f.request = r.id {where}"
                " GROUP BY 1, 2 ORDER BY 3 DESC",
                args,
            ).fetchall()
        return {
            "requests": {d: n for d, n in total},
            "vendors": [
                {"vendor": v, "requests": n, "blocked": b or 0, "findings": f or 0}
                for v, n, b, f in per_vendor
            ],
            "categories": [
                {"vendor": v, "category": c, "action": a, "findings": n} for v, c, a, n in per_cat
            ],
            "entities": [
                {"entity_type": e, "category": c, "findings": n, "distinct_values": d}
                for e, c, n, d in per_entity
            ],
        }

    def iter_jsonl(
        self, since: float | None = None, until: float | None = None
    ) -> Iterator[dict[str, Any]]:
        """One object per request, its findings nested: the shape a SIEM ingests."""
        where, args = _window(since, until, "ts")
        with self._lock:
            rows = self._db.execute(
                "SELECT id, ts, request_id, upstream_request_id, vendor, endpoint, model, decision,"
                " status, reason, policy_digest, counts, duration_ms, COALESCE(format, 'openai')"
                f" FROM requests {where} ORDER BY id",
                args,
            ).fetchall()
            found: dict[int, list[dict[str, Any]]] = {}
            if rows:
                for r in self._db.execute(
                    "SELECT request, entity_type, category, action, location, message_index, field,"
                    " score, placeholder, policy_key, fingerprint FROM findings WHERE request BETWEEN ? AND ?"
                    " ORDER BY id",
                    (rows[0][0], rows[-1][0]),
                ):
                    found.setdefault(r[0], []).append(
                        dict(
                            zip(
                                (
                                    "entity_type",
                                    "category",
                                    "action",
                                    "location",
                                    "message_index",
                                    "field",
                                    "score",
                                    "placeholder",
                                    "policy_key",
                                    "fingerprint",
                                ),
                                r[1:],
                                strict=True,
                            )
                        )
                    )
        for r in rows:
            yield {
                "time": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(r[1])),
                "request_id": r[2],
                "upstream_request_id": r[3],
                "vendor": r[4],
                "format": r[13],
                "endpoint": r[5],
                "model": r[6],
                "decision": r[7],
                "status": r[8],
                "reason": r[9],
                "policy_digest": r[10],
                "counts": json.loads(r[11]),
                "duration_ms": r[12],
                "findings": found.get(r[0], []),
            }


def window_clause(since: float | None, until: float | None, column: str = "r.ts") -> tuple[str, list[float]]:
    """The SQL condition that `column` lies in [since, until) ("1" when both are open), and its
    arguments."""
    clauses, args = [], []
    if since is not None:
        clauses.append(f"{column} >= ?")
        args.append(since)
    if until is not None:
        clauses.append(f"{column} < ?")
        args.append(until)
    return " AND ".join(clauses) or "1", args


def _window(since: float | None, until: float | None, column: str) -> tuple[str, list[float]]:
    clause, args = window_clause(since, until, column)
    return ("WHERE " + clause) if args else "", args

