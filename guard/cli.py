"""`guard` command line: serve, policy check, scan, audit, entities."""

from __future__ import annotations

import argparse
import contextlib
import json
import logging
import os
import sqlite3
import sys
import time
from collections.abc import Sequence
from datetime import UTC
from pathlib import Path
from typing import TYPE_CHECKING

from guard.errors import ConfigError

if TYPE_CHECKING:
    from guard.config import GuardConfig


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="guard", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)

    serve = sub.add_parser("serve", help="run the proxy")
    serve.add_argument(
        "--config", help="guard.yaml (default: the built-in vendors and the shipped policies)"
    )
    serve.add_argument("--host", help="address to bind (default 127.0.0.1)")
    serve.add_argument("--port", type=int, help="port (default 8787)")
    serve.add_argument("--log-level", default="INFO")
    serve.add_argument(
        "--workers",
        type=int,
        default=1,
        metavar="N",
        help="server processes sharing the port (SO_REUSEPORT), each with its own detector "
        "pool (default 1)",
    )

    policy = sub.add_parser("policy", help="policy tools")
    psub = policy.add_subparsers(dest="policy_command", required=True)
    check = psub.add_parser(
        "check", help="validate policy files, and warn about settings that are likely mistakes"
    )
    check.add_argument(
        "files",
        nargs="*",
        help="policy files, or shipped:NAME (default: every policy the config loads)",
    )
    check.add_argument("--config", help="the config whose vendors load the policies")
    check.add_argument("--strict", action="store_true", help="fail on warnings too")
    ptest = psub.add_parser(
        "test", help="run the tests in policy files (their `tests:` lists) with the real detector"
    )
    ptest.add_argument("files", nargs="+")
    ptest.add_argument("--config", help="guard.yaml, for the detector settings (spaCy model)")

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

    report = sub.add_parser(
        "report", help="what each vendor received over a time window: text, --json or --html FILE"
    )
    report.add_argument("--config")
    report.add_argument("--db", help="audit database (default: from the config)")
    report.add_argument(
        "--since",
        default="30d",
        help="window start: a duration back from now (30m, 24h, 7d) or ISO date (default 30d); "
        "'all' for the whole trail",
    )
    report.add_argument("--until", help="window end, same forms (default now)")
    report.add_argument("--top", type=int, default=10, help="recurring fingerprints to list (default 10)")
    fmt = report.add_mutually_exclusive_group()
    fmt.add_argument("--json", action="store_true", help="the report as JSON")
    fmt.add_argument(
        "--html", metavar="FILE", help="write a self-contained HTML page with charts to FILE"
    )

    sub.add_parser("entities", help="list entity types and their categories")

    args = parser.parse_args(argv)
    # Every error a user can cause is one line on stderr and an exit code, never a traceback.
    try:
        code = _run(args)
        sys.stdout.flush()  # a reader that went away shows here, not at interpreter exit
        return code
    except ConfigError as exc:
        print(f"guard: {exc}", file=sys.stderr)
        return 2
    except BrokenPipeError:
        # The reader closed the pipe (`guard audit --jsonl | head -1`): stop quietly, as the
        # Python documentation recommends; stdout goes to devnull so the exit flush cannot fail.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 1
    except KeyboardInterrupt:
        return 130
    except OSError as exc:
        where = f": {exc.filename}" if exc.filename else ""
        print(f"guard: {exc.strerror or type(exc).__name__}{where}", file=sys.stderr)
        return 1


def _run(args: argparse.Namespace) -> int:
    if args.command == "serve":
        return _serve(args)
    if args.command == "policy":
        if args.policy_command == "test":
            return _policy_test(args)
        return _policy_check(args)
    if args.command == "scan":
        return _scan(args)
    if args.command == "audit":
        return _audit(args)
    if args.command == "report":
        return _report(args)
    if args.command == "entities":
        from guard.entities import ENTITY_CATEGORIES

        for name, cat in sorted(ENTITY_CATEGORIES.items(), key=lambda kv: (kv[1], kv[0])):
            print(f"{cat:<10} {name}")
        return 0
    return 2


def _serve(args: argparse.Namespace) -> int:
    from guard.audit import load_or_create_key
    from guard.config import load_config

    logging.basicConfig(
        level=args.log_level.upper(), format="%(asctime)s %(levelname)s %(name)s %(message)s"
    )
    config = load_config(args.config)
    if args.host:
        config.host = args.host
    if args.port is not None:
        config.port = args.port
    if args.workers < 1:
        raise ConfigError("--workers: must be 1 or more")
    if args.workers == 1:
        return _serve_one(config, 1, reuse_port=False)
    if config.port == 0:
        raise ConfigError("--workers: give a fixed --port; port 0 would give each server its own")
    # Created once here, so that the servers do not race to create it.
    load_or_create_key(config.audit.key_path)
    return _supervise(config, args.workers)


def _serve_one(config: GuardConfig, servers: int, reuse_port: bool) -> int:
    from aiohttp import web

    from guard.proxy import build_state, create_app

    started = time.perf_counter()
    state = build_state(config, servers=servers)
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
    web.run_app(
        create_app(state),
        host=config.host,
        port=config.port,
        access_log=None,
        print=None,
        reuse_port=reuse_port or None,
    )
    return 0


def _child(config_json: str, servers: int, log_level: int) -> None:
    from guard.config import GuardConfig

    logging.basicConfig(level=log_level, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    sys.exit(_serve_one(GuardConfig.model_validate_json(config_json), servers, reuse_port=True))


def _supervise(config: GuardConfig, servers: int) -> int:
    """N identical servers on one port; the kernel spreads connections among them. They share
    nothing but the audit database (SQLite in WAL mode) and the key, so any of them can take
    any request. If one exits, the others are stopped too, for the service manager to restart."""
    import multiprocessing
    import signal

    ctx = multiprocessing.get_context("spawn")
    level = logging.getLogger().level
    procs = [
        ctx.Process(target=_child, args=(config.model_dump_json(), servers, level), name=f"guard-{i}")
        for i in range(servers)
    ]
    stopping = False

    def stop(signum: int, frame: object) -> None:
        nonlocal stopping
        stopping = True
        for p in procs:
            if p.is_alive() and p.pid is not None:
                os.kill(p.pid, signal.SIGINT)

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    for p in procs:
        p.start()
    code = 0
    try:
        while all(p.is_alive() for p in procs):
            time.sleep(0.2)
        code = next((p.exitcode or 0 for p in procs if not p.is_alive()), 0)
    finally:
        if not stopping:
            stop(signal.SIGTERM, None)
        for p in procs:
            p.join(15)
            if p.is_alive():
                p.kill()
    return 0 if stopping else (code or 1)


def _policy_check(args: argparse.Namespace) -> int:
    from guard.config import load_config, resolve_policy_path
    from guard.policy import load_policy, policy_warnings

    config = load_config(args.config)
    # Which vendors load each file: a policy's `vendor:` is checked against them.
    loaded_for: dict[Path, list[str]] = {}
    for name, vc in config.vendors.items():
        loaded_for.setdefault(Path(vc.policy).resolve(), []).append(name)
    files = args.files or list(dict.fromkeys(vc.policy for vc in config.vendors.values()))
    failed = warned = 0
    for f in files:
        path = resolve_policy_path(f, Path.cwd())
        try:
            p = load_policy(path)
        except ConfigError as exc:
            print(f"FAIL {exc}")
            failed += 1
            continue
        warnings = policy_warnings(p, loaded_for.get(path.resolve(), []), list(config.vendors))
        print(f"{'warn' if warnings else 'ok  '} {f} (vendor {p.vendor}, digest {p.digest})")
        for w in warnings:
            print(f"     warning: {w}")
        warned += bool(warnings)
    if warned and args.strict:
        print(f"{warned} file(s) with warnings; --strict fails on them")
    return 1 if failed or (warned and args.strict) else 0


def _policy_test(args: argparse.Namespace) -> int:
    from guard.config import load_config
    from guard.detect import Detector
    from guard.policy_tests import run_files

    model = load_config(args.config).detector.spacy_model
    return run_files(args.files, lambda: Detector(model), out=lambda line: print(line, flush=True))


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
    try:
        text = sys.stdin.read() if args.file == "-" else Path(args.file).read_text(encoding="utf-8")
    except OSError as exc:
        raise ConfigError(f"cannot read {args.file}: {exc.strerror or type(exc).__name__}") from None
    except UnicodeDecodeError:
        raise ConfigError(f"{args.file} is not UTF-8 text") from None
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


def _report(args: argparse.Namespace) -> int:
    from guard.config import load_config
    from guard.policy import load_policy
    from guard.report import AuditReader, build_report, render_html, render_text

    if args.top < 0:
        raise ConfigError("--top: must be 0 or more")
    config = load_config(args.config)
    path = args.db or config.audit.path
    # The digest of each vendor's policy file today, to mark it in the report; a policy that
    # cannot be read here (a report made on another machine) is simply not marked.
    current: dict[str, str] = {}
    for name, vendor in config.vendors.items():
        with contextlib.suppress(ConfigError):
            current[name] = load_policy(vendor.policy).digest
    since = None if args.since == "all" else _when(args.since)
    reader = AuditReader(path)
    try:
        data = build_report(reader, since, _when(args.until), args.top, current)
    finally:
        reader.close()
    if args.json:
        print(json.dumps(data, ensure_ascii=False, indent=2))
    elif args.html:
        try:
            Path(args.html).write_text(render_html(data), encoding="utf-8")
        except OSError as exc:
            raise ConfigError(f"--html: cannot write {args.html}: {exc.strerror}") from None
        print(f"wrote {args.html} ({data['requests']} requests, {len(data['vendors'])} vendors)")
    else:
        print(render_text(data), end="")
    return 0


def _audit(args: argparse.Namespace) -> int:
    from guard.audit import AuditStore
    from guard.config import load_config

    path = args.db or load_config(args.config).audit.path
    if not Path(path).is_file():
        raise ConfigError(
            f"no audit database at {path}; has the proxy run with this config? "
            "(--config names the proxy's config, --db a database)"
        )
    since, until = _when(args.since), _when(args.until)
    try:
        store = AuditStore(path)
        if args.jsonl:
            for row in store.iter_jsonl(since, until):
                print(json.dumps(row, ensure_ascii=False))
            return 0
        s = store.summary(since, until)
    except sqlite3.Error as exc:
        # SQLite's messages name the problem ("file is not a database"), never a row.
        raise ConfigError(f"cannot read the audit database at {path}: {exc}") from None
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
