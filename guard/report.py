"""`guard report`: what each vendor received over a time window, from the audit trail.

Per vendor: requests sent (unchanged or changed), blocked, refused and failed, with the reasons;
findings per category, entity type and action; requests per model; the policy digests that were in
force; and, over all vendors, the fingerprints that recurred most (one value, never seen, sent again
and again). As text, as JSON (`--json`) or as one self-contained HTML page with charts (`--html`).

The audit trail holds no values, so neither does the report. It holds what clients wrote as the
model name, which the HTML page writes as text, never as markup.
"""

from __future__ import annotations

import html
import json
import sqlite3
import time
from collections import defaultdict
from importlib import resources
from pathlib import Path
from typing import Any

from guard.audit import window_clause
from guard.errors import ConfigError

DECISIONS = ("forwarded", "redacted", "blocked", "refused", "error")


def _iso(ts: float | None) -> str | None:
    return None if ts is None else time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(ts))


class AuditReader:
    """A read-only connection to the audit store, for reports and the dashboard.

    Its own connection: in WAL mode readers never wait for the proxy's writes, nor the writes
    for them, and a reader can never change the trail.
    """

    def __init__(self, path: str | Path) -> None:
        p = Path(path)
        if not p.exists():
            raise ConfigError(f"no audit database at {p}; has the proxy run with this config?")
        self.path = p
        try:
            self._db = sqlite3.connect(f"{p.resolve().as_uri()}?mode=ro", uri=True, check_same_thread=False)
            self._db.execute("PRAGMA busy_timeout=5000")
            self._db.execute("SELECT 1 FROM requests LIMIT 1").fetchall()
            self._db.execute("SELECT 1 FROM findings LIMIT 1").fetchall()
        except sqlite3.Error as exc:
            raise ConfigError(f"{p}: cannot be read as an audit database ({exc})") from None

    def close(self) -> None:
        self._db.close()

    def query(self, sql: str, args: tuple[Any, ...] | list[Any] = ()) -> list[tuple[Any, ...]]:
        return self._db.execute(sql, args).fetchall()


def build_report(
    reader: AuditReader,
    since: float | None,
    until: float | None,
    top: int = 10,
    current_policies: dict[str, str] | None = None,
) -> dict[str, Any]:
    """The report as plain data (what `--json` prints, and what the other formats render).

    `current_policies` (vendor -> digest of its policy file now) marks which recorded digest is
    the one in force today, when the config is at hand.
    """
    where, args = window_clause(since, until)
    q = reader.query
    vendors: dict[str, dict[str, Any]] = {}

    def vendor(name: str) -> dict[str, Any]:
        if name not in vendors:
            vendors[name] = {
                "vendor": name,
                "requests": 0,
                "sent": 0,
                "unchanged": 0,
                "changed": 0,
                "blocked": 0,
                "refused": 0,
                "errors": 0,
                "findings": 0,
                "reasons": [],
                "categories": [],
                "entities": [],
                "models": [],
                "policies": [],
                "timeline": [],
            }
        return vendors[name]

    field = {
        "forwarded": "unchanged",
        "redacted": "changed",
        "blocked": "blocked",
        "refused": "refused",
        "error": "errors",
    }
    for name, decision, n in q(
        f"SELECT vendor, decision, COUNT(*) FROM requests r WHERE {where} GROUP BY 1, 2", args
    ):
        v = vendor(name)
        v["requests"] += n
        if decision in field:
            v[field[decision]] += n
    for v in vendors.values():
        v["sent"] = v["unchanged"] + v["changed"]

    for name, decision, reason, n in q(
        f"SELECT vendor, decision, COALESCE(reason, ''), COUNT(*) FROM requests r WHERE {where}"
        " AND decision IN ('blocked', 'refused', 'error') GROUP BY 1, 2, 3 ORDER BY 1, 4 DESC",
        args,
    ):
        vendor(name)["reasons"].append({"decision": decision, "reason": reason or None, "requests": n})

    for name, category, action, n, d in q(
        "SELECT r.vendor, f.category, f.action, COUNT(*), COUNT(DISTINCT NULLIF(f.fingerprint, ''))"
        f" FROM findings f JOIN requests r ON f.request = r.id WHERE {where}"
        " GROUP BY 1, 2, 3 ORDER BY 1, 4 DESC",
        args,
    ):
        v = vendor(name)
        v["findings"] += n
        v["categories"].append({"category": category, "action": action, "findings": n, "distinct_values": d})

    for name, entity, category, action, n, d, reqs in q(
        "SELECT r.vendor, f.entity_type, f.category, f.action, COUNT(*),"
        " COUNT(DISTINCT NULLIF(f.fingerprint, '')), COUNT(DISTINCT f.request)"
        f" FROM findings f JOIN requests r ON f.request = r.id WHERE {where}"
        " GROUP BY 1, 2, 3, 4 ORDER BY 1, 5 DESC, 2",
        args,
    ):
        vendor(name)["entities"].append(
            {
                "entity_type": entity,
                "category": category,
                "action": action,
                "findings": n,
                "distinct_values": d,
                "requests": reqs,
            }
        )

    for name, model, n in q(
        f"SELECT vendor, model, COUNT(*) FROM requests r WHERE {where} GROUP BY 1, 2 ORDER BY 1, 3 DESC, 2",
        args,
    ):
        vendor(name)["models"].append({"model": model, "requests": n})

    for name, digest, n, first, last in q(
        f"SELECT vendor, policy_digest, COUNT(*), MIN(ts), MAX(ts) FROM requests r WHERE {where}"
        " GROUP BY 1, 2 ORDER BY 1, 4",
        args,
    ):
        current = (current_policies or {}).get(name)
        vendor(name)["policies"].append(
            {
                "digest": digest,
                "requests": n,
                "first": _iso(first),
                "last": _iso(last),
                "current": None if current is None else digest == current,
            }
        )

    span = q(f"SELECT MIN(ts), MAX(ts) FROM requests r WHERE {where}", args)[0]
    start = since if since is not None else span[0]
    end = until if until is not None else time.time()
    bucket = _bucket(end - start if start is not None else 0)
    timeline: dict[str, dict[int, dict[str, int]]] = defaultdict(dict)
    for name, b, decision, n in q(
        f"SELECT vendor, CAST(ts / ? AS INTEGER), decision, COUNT(*) FROM requests r WHERE {where}"
        " GROUP BY 1, 2, 3 ORDER BY 1, 2",
        [bucket, *args],
    ):
        row = timeline[name].setdefault(int(b), dict.fromkeys(DECISIONS, 0))
        if decision in row:
            row[decision] += n
    if start is not None:
        # Every bucket of the window, empty ones too: a quiet week shows as one.
        first, last = int(start // bucket), int(max(start, end - 1e-6) // bucket)
        for name, rows in timeline.items():
            vendor(name)["timeline"] = [
                {"start": _iso(b * bucket), **rows.get(b, dict.fromkeys(DECISIONS, 0))}
                for b in range(min(first, *rows), max(last, *rows) + 1)
            ]

    fingerprints = [
        {
            "fingerprint": fp,
            "entity_type": entity,
            "category": category,
            "occurrences": n,
            "requests": reqs,
            "vendors": sorted(vs.split(",")),
            "first": _iso(first),
            "last": _iso(last),
        }
        for fp, entity, category, n, reqs, vs, first, last in q(
            "SELECT f.fingerprint, f.entity_type, f.category, COUNT(*), COUNT(DISTINCT f.request),"
            " GROUP_CONCAT(DISTINCT r.vendor), MIN(r.ts), MAX(r.ts)"
            f" FROM findings f JOIN requests r ON f.request = r.id WHERE {where} AND f.fingerprint != ''"
            " GROUP BY f.fingerprint HAVING COUNT(DISTINCT f.request) > 1 ORDER BY 5 DESC, 4 DESC, 1 LIMIT ?",
            [*args, top],
        )
    ]
    totals = {d: sum(v[field[d]] for v in vendors.values()) for d in DECISIONS}
    return {
        "window": {
            "since": _iso(since),
            "until": _iso(until),
            "first_request": _iso(span[0]),
            "last_request": _iso(span[1]),
        },
        "generated": _iso(time.time()),
        "bucket_seconds": bucket,
        "requests": sum(v["requests"] for v in vendors.values()),
        "decisions": totals,
        "vendors": [vendors[k] for k in sorted(vendors)],
        "top_fingerprints": fingerprints,
    }


def _bucket(seconds: float) -> int:
    """Hours, days, weeks or 30 days: the first that cuts the window into at most 180 bars."""
    for size in (3600, 86400, 7 * 86400):
        if seconds / size <= 180:
            return size
    return 30 * 86400


# ---------------------------------------------------------------------------------------------
# Text


def render_text(report: dict[str, Any]) -> str:
    w = report["window"]
    out = [
        f"guard report, {w['since'] or 'beginning'} to {w['until'] or 'now'}"
        f" (generated {report['generated']})",
        f"requests: {report['requests']}  " + "  ".join(f"{k}: {v}" for k, v in report["decisions"].items()),
    ]
    if not report["vendors"]:
        out.append("")
        out.append("no requests in this window")
    for v in report["vendors"]:
        out += [
            "",
            f"== {v['vendor']}",
            f"requests {v['requests']}: sent {v['sent']}"
            f" (unchanged {v['unchanged']}, changed {v['changed']}), "
            f"blocked {v['blocked']}, refused {v['refused']}, errors {v['errors']}; findings {v['findings']}",
        ]
        if v["reasons"]:
            out.append("")
            out.append(f"  {'decision':<10} {'reason (not sent, or failed)':<34} {'requests':>8}")
            for r in v["reasons"]:
                out.append(f"  {r['decision']:<10} {r['reason'] or '-':<34} {r['requests']:>8}")
        if v["categories"]:
            out.append("")
            out.append(f"  {'category':<10} {'action':<13} {'findings':>9} {'distinct':>9}")
            for c in v["categories"]:
                out.append(
                    f"  {c['category']:<10} {c['action']:<13} {c['findings']:>9} {c['distinct_values']:>9}"
                )
        if v["entities"]:
            out.append("")
            out.append(
                f"  {'entity':<24} {'category':<10} {'action':<13} {'findings':>9}"
                f" {'distinct':>9} {'requests':>9}"
            )
            for e in v["entities"]:
                out.append(
                    f"  {e['entity_type']:<24} {e['category']:<10} {e['action']:<13} {e['findings']:>9}"
                    f" {e['distinct_values']:>9} {e['requests']:>9}"
                )
        out.append("")
        out.append(f"  {'model':<40} {'requests':>8}")
        for m in v["models"]:
            out.append(
                f"  {_printable(m['model']) if m['model'] is not None else '(none)':<40} {m['requests']:>8}"
            )
        out.append("")
        out.append(f"  {'policy digest':<18} {'from':<21} {'to':<21} {'requests':>8}")
        for p in v["policies"]:
            mark = {True: "  (in force now)", False: "  (since changed)", None: ""}[p["current"]]
            out.append(
                f"  {p['digest'] or '-':<18} {p['first']:<21} {p['last']:<21} {p['requests']:>8}{mark}"
            )
    if report["top_fingerprints"]:
        out += ["", "== values that recurred (keyed fingerprints; the values themselves are not stored)"]
        out.append(f"  {'fingerprint':<14} {'entity':<22} {'requests':>8} {'times':>6}  vendors")
        for f in report["top_fingerprints"]:
            out.append(
                f"  {f['fingerprint'][:12]:<14} {f['entity_type']:<22} {f['requests']:>8}"
                f" {f['occurrences']:>6}  "
                + ", ".join(f["vendors"])
            )
    return "\n".join(out) + "\n"


def _printable(text: str) -> str:
    # A model name is the client's text: control characters would steer the terminal.
    return "".join(c if c.isprintable() else "?" for c in text)[:40]


# ---------------------------------------------------------------------------------------------
# HTML


def asset(name: str) -> str:
    """A file of the bundled page assets (guard/static)."""
    return resources.files("guard").joinpath("static", name).read_text(encoding="utf-8")


def embed_json(data: Any) -> str:
    """JSON safe inside a <script> element: no '<' can close it, whatever a string holds."""
    return (
        json.dumps(data, ensure_ascii=False)
        .replace("<", "\\u003c")
        .replace(">", "\\u003e")
        .replace("&", "\\u0026")
        .replace("\u2028", "\\u2028")
        .replace("\u2029", "\\u2029")
    )


def render_html(report: dict[str, Any]) -> str:
    """One page, everything inline: opens from a file or a mail attachment with no network.

    The tables are plain HTML (readable and printable without scripts); the charts are drawn by
    the same small SVG code as the dashboard's, inlined with the data.
    """
    e = html.escape
    w = report["window"]
    parts = [
        "<!doctype html><html lang='en'><head><meta charset='utf-8'>",
        "<meta name='viewport' content='width=device-width, initial-scale=1'>",
        f"<title>guard report {e(w['since'] or '')} – {e(w['until'] or report['generated'])}</title>",
        f"<style>{asset('guard.css')}</style></head><body class='report'>",
        "<header><h1>guard report</h1>",
        f"<p>Window: {e(w['since'] or 'beginning')} to {e(w['until'] or 'now')}; first request "
        f"{e(w['first_request'] or '–')}, last {e(w['last_request'] or '–')}."
        f" Generated {e(report['generated'])}. "
        "Counts and keyed fingerprints only: the audit trail holds no values.</p></header>",
        "<section class='tiles'>",
        _tile("requests", report["requests"]),
        *(_tile(_DECISION_LABELS[k], v) for k, v in report["decisions"].items()),
        "</section>",
    ]
    for i, v in enumerate(report["vendors"]):
        parts += [
            f"<section class='vendor'><h2>{e(v['vendor'])}</h2>",
            f"<p>{v['requests']} requests: sent {v['sent']}"
            f" (unchanged {v['unchanged']}, changed {v['changed']}), blocked {v['blocked']},"
            f" refused {v['refused']}, errors {v['errors']}; {v['findings']} findings.</p>",
            "<div class='charts'>",
            f"<figure><figcaption>Decisions over time</figcaption><svg class='chart' data-chart='timeline' "
            f"data-vendor='{i}' role='img' aria-label='decisions over time'></svg></figure>",
            "<figure><figcaption>Findings by entity type</figcaption>"
            f"<svg class='chart' data-chart='entities' "
            f"data-vendor='{i}' role='img' aria-label='findings by entity type'></svg></figure>",
            "</div>",
            _table(
                "Not sent, or failed",
                ["decision", "reason", "requests"],
                [[r["decision"], r["reason"] or "–", r["requests"]] for r in v["reasons"]],
            ),
            _table(
                "Findings by category and action",
                ["category", "action", "findings", "distinct values"],
                [[c["category"], c["action"], c["findings"], c["distinct_values"]] for c in v["categories"]],
            ),
            _table(
                "Findings by entity type and action",
                ["entity type", "category", "action", "findings", "distinct values", "requests"],
                [
                    [
                        x["entity_type"],
                        x["category"],
                        x["action"],
                        x["findings"],
                        x["distinct_values"],
                        x["requests"],
                    ]
                    for x in v["entities"]
                ],
            ),
            _table(
                "Requests per model",
                ["model", "requests"],
                [[m["model"] if m["model"] is not None else "(none)", m["requests"]] for m in v["models"]],
            ),
            _table(
                "Policy digests in force",
                ["digest", "from", "to", "requests", ""],
                [
                    [
                        p["digest"] or "–",
                        p["first"],
                        p["last"],
                        p["requests"],
                        {True: "in force now", False: "since changed", None: ""}[p["current"]],
                    ]
                    for p in v["policies"]
                ],
            ),
            "</section>",
        ]
    if not report["vendors"]:
        parts.append("<p>No requests in this window.</p>")
    parts.append(
        _table(
            "Values that recurred (keyed fingerprints)",
            ["fingerprint", "entity type", "requests", "times", "vendors", "first", "last"],
            [
                [
                    f["fingerprint"][:12],
                    f["entity_type"],
                    f["requests"],
                    f["occurrences"],
                    ", ".join(f["vendors"]),
                    f["first"],
                    f["last"],
                ]
                for f in report["top_fingerprints"]
            ],
        )
    )
    parts += [
        f"<script type='application/json' id='report-data'>{embed_json(report)}</script>",
        f"<script>{asset('charts.js')}</script>",
        f"<script>{asset('report.js')}</script>",
        "</body></html>",
    ]
    return "\n".join(parts)


_DECISION_LABELS = {
    "forwarded": "sent unchanged",
    "redacted": "sent changed",
    "blocked": "blocked",
    "refused": "refused",
    "error": "errors",
}


def _tile(label: str, value: int) -> str:
    return f"<div class='tile'><div class='n'>{value}</div><div class='l'>{html.escape(label)}</div></div>"


def _table(title: str, head: list[str], rows: list[list[Any]]) -> str:
    if not rows:
        return ""
    e = html.escape
    body = "".join("<tr>" + "".join(f"<td>{e(str(c))}</td>" for c in row) + "</tr>" for row in rows)
    return (
        f"<h3>{e(title)}</h3><table><thead><tr>{''.join(f'<th>{e(h)}</th>' for h in head)}</tr></thead>"
        f"<tbody>{body}</tbody></table>"
    )
