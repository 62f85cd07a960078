"""`guard` command line: serve, policy check, scan, audit, entities."""

from __future__ import annotations

import argparse
import json
import logging
import sys
import time
from collections.abc import Sequence
from datetime import UTC
from pathlib import Path

from guard.errors import ConfigError


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="guard", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)

    serve = sub.add_parser("serve", help="run the proxy")
    serve.add_argument("--config", help="guard.yaml (default: built-in vendors and policies/)")
    serve.add_argument("--host", help="address to bind (default 127.0.0.1)")
    serve.add_argument("--port", type=int, help="port (default 8787)")
    serve.add_argument("--log-level", default="INFO")

    policy = sub.add_parser("policy", help="policy tools")
    psub = policy.add_subparsers(dest="policy_command", required=True)
    check = psub.add_parser("check", help="validate policy files")
    check.add_argument("files", nargs="+")

    scan = sub.add_parser("scan", help="show what a vendor's policy would do to a text")
    scan.add_argument("--vendor", required=True)
    scan.add_argument("--config")
    scan.add_argument("file", nargs="?", default="-", help="a text file, or - for standard input")
    scan.add_argument("--json", action="store_true", help="machine-readable output")
    scan.add_argument(
        "--restore",
        metavar="TEXT",
        help="also show what this answer from the vendor would become for the user",
    )

    audit = sub.add_parser("audit", help="summarise or export the audit trail")
    audit.add_argument("--config")
    audit.add_argument("--db", help="audit database (default: from the config)")
    audit.add_argument(
        "--since", help="window start: a duration back from now (30m, 24h, 7d) or ISO date"
    )
    audit.add_argument("--until", help="window end, same forms")
    audit.add_argument(
        "--jsonl", action="store_true", help="one JSON object per request, for a SIEM"
    )

    sub.add_parser("entities", help="list entity types and their categories")

    args = parser.parse_args(argv)
    try:
        if args.command == "serve":
            return _serve(args)
        if args.command == "policy":
            return _policy_check(args.files)
        if args.command == "scan":
            return _scan(args)
        if args.command == "audit":
            return _audit(args)
        if args.command == "entities":
            from guard.entities import ENTITY_CATEGORIES

            for name, cat in sorted(ENTITY_CATEGORIES.items(), key=lambda kv: (kv[1], kv[0])):
                print(f"{cat:<10} {name}")
            return 0
    except ConfigError as exc:
        print(f"guard: {exc}", file=sys.stderr)
        return 2
    return 2


def _serve(args: argparse.Namespace) -> int:
    from aiohttp import web

    from guard.config import load_config
    from guard.proxy import build_state, create_app

    logging.basicConfig(
        level=args.log_level.upper(), format="%(asctime)s %(levelname)s %(name)s %(message)s"
    )
    config = load_config(args.config)
    if args.host:
        config.host = args.host
    if args.port is not None:
        config.port = args.port
    started = time.perf_counter()
    state = build_state(config)
    logging.getLogger("guard").info(
        "detector ready in %.1fs; vendors: %s",
        time.perf_counter() - started,
        ", ".join(f"{n} -> {v.config.upstream}" for n, v in state.vendors.items()),
    )
    print(
        f"guard listening on http://{config.host}:{config.port}  "
        f"(e.g. base_url=http://{config.host}:{config.port}/kimi/v1)",
        flush=True,
    )
    # No access log: aiohttp's would print query strings; the proxy logs its own line per request.
    web.run_app(create_app(state), host=config.host, port=config.port, access_log=None, print=None)
    return 0


def _policy_check(files: list[str]) -> int:
    from guard.policy import load_policy

    failed = 0
    for f in files:
        try:
            p = load_policy(f)
        except ConfigError as exc:
            print(f"FAIL {exc}")
            failed += 1
        else:
            print(f"ok   {f} (vendor {p.vendor}, digest {p.digest})")
    return 1 if failed else 0


def _scan(args: argparse.Namespace) -> int:
    from guard.audit import load_or_create_key
    from guard.config import load_config
    from guard.detect import Detector
    from guard.policy import load_policy
    from guard.restore import Restorer
    from guard.scan import scan_text
    from guard.transform import Transformer

    config = load_config(args.config)
    vendor = config.vendors.get(args.vendor)
    if vendor is None:
        raise ConfigError(
            f"unknown vendor {args.vendor!r}; configured: {', '.join(sorted(config.vendors))}"
        )
    text = sys.stdin.read() if args.file == "-" else Path(args.file).read_text(encoding="utf-8")
    policy = load_policy(vendor.policy)
    key = load_or_create_key(config.audit.key_path)
    result = scan_text(text, policy, Detector(config.detector.spacy_model), Transformer(key))
    restored = (
        Restorer(result.vault.restore_map()).restore_text(args.restore) if args.restore else None
    )
    findings = [
        {
            "entity_type": a.planned.entity_type,
            "category": a.planned.category,
            "action": a.planned.action,
            "start": a.planned.start,
            "end": a.planned.end,
            "score": round(a.planned.score, 2),
            "replacement": a.replacement,
            "policy_key": a.planned.source,
        }
        for a in result.applied
    ]
    if args.json:
        out = {
            "vendor": args.vendor,
            "policy": policy.path,
            "language": result.language,
            "blocked": str(result.blocked) if result.blocked else None,
            "text": None if result.blocked else result.text,
            "findings": findings,
        }
        if restored is not None:
            out["restored"] = restored
        print(json.dumps(out, ensure_ascii=False, indent=2))
        return 0
    if result.blocked:
        print(f"BLOCKED: {result.blocked}")
        return 0
    print(result.text)
    print()
    print(f"{'entity':<22} {'category':<10} {'action':<13} {'span':<12} {'score':<6} replacement")
    for f in findings:
        span = f"{f['start']}-{f['end']}"
        print(
            f"{f['entity_type']:<22} {f['category']:<10} {f['action']:<13} {span:<12} "
            f"{f['score']:<6} {f['replacement']}"
        )
    if not findings:
        print("(nothing found)")
    if restored is not None:
        print()
        print("answer as the user would see it:")
        print(restored)
    return 0


def _when(value: str | None) -> float | None:
    if value is None:
        return None
    units = {"s": 1, "m": 60, "h": 3600, "d": 86400}
    if value[-1:] in units and value[:-1].replace(".", "", 1).isdigit():
        return time.time() - float(value[:-1]) * units[value[-1]]
    from datetime import datetime

    try:
        dt = datetime.fromisoformat(value)
    except ValueError:
        raise ConfigError(
            f"--since/--until: {value!r} is neither a duration (30m, 24h, 7d) nor an ISO date"
        ) from None
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=UTC)
    return dt.timestamp()


def _audit(args: argparse.Namespace) -> int:
    from guard.audit import AuditStore
    from guard.config import load_config

    path = args.db or load_config(args.config).audit.path
    if not Path(path).exists():
        raise ConfigError(f"no audit database at {path}; has the proxy run with this config?")
    store = AuditStore(path)
    since, until = _when(args.since), _when(args.until)
    if args.jsonl:
        for row in store.iter_jsonl(since, until):
            print(json.dumps(row, ensure_ascii=False))
        return 0
    s = store.summary(since, until)
    total = sum(s["requests"].values())
    print(f"requests: {total}  " + "  ".join(f"{k}: {v}" for k, v in sorted(s["requests"].items())))
    print()
    print(f"{'vendor':<12} {'requests':>8} {'blocked':>8} {'findings':>9}")
    for v in s["vendors"]:
        print(f"{v['vendor']:<12} {v['requests']:>8} {v['blocked']:>8} {v['findings']:>9}")
    print()
    print(f"{'vendor':<12} {'category':<10} {'action':<13} {'findings':>9}")
    for c in s["categories"]:
        print(f"{c['vendor']:<12} {c['category']:<10} {c['action']:<13} {c['findings']:>9}")
    print()
    print(f"{'entity':<24} {'category':<10} {'findings':>9} {'distinct':>9}")
    for e in s["entities"]:
        print(
            f"{e['entity_type']:<24} {e['category']:<10} {e['findings']:>9} {e['distinct_values']:>9}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
