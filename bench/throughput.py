"""Detection throughput on fresh text: guard's detector vs vanilla Presidio, in one run.

    .venv/bin/python bench/throughput.py [--vanilla-doc-chars 160000]

Inputs: the labelled corpus (bench/corpus/corpus.jsonl, short texts analysed one by one, as the
proxy meets new messages) and a long pasted document of 500 KB built from it.

Vanilla = Presidio's AnalyzerEngine with its SpacyNlpEngine on the same model and its default
recognizers (the email recognizer swapped for guard's offline one, as in bench/detection.py).
Its cost per character grows with the length of a text (its context enhancer scans the tokens
once per finding), so on the long document it is measured on a prefix only: extrapolating that
rate to 500 KB flatters vanilla, and the ratio printed is a lower bound.

guard runs (a) in this process, one text at a time, as the thread mode of the proxy does, and
(b) in the proxy's process pool (one worker per core), which spreads the pieces of a long
document and a batch of messages over the cores.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench._util import SPACY_MODEL, corpus_texts, long_document, table, verdict

TARGET = 10.0


def _rate(chars: int, seconds: float) -> str:
    return f"{chars / seconds / 1000:,.1f}k"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--vanilla-doc-chars", type=int, default=160_000)
    ap.add_argument("--doc-chars", type=int, default=500_000)
    ap.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    args = ap.parse_args(argv)

    from bench.detection import build_vanilla
    from guard.detect import Detector
    from guard.inspection import _analyze_many
    from guard.pool import PooledDetector

    texts = corpus_texts()
    doc = long_document(args.doc_chars)
    corpus_chars = sum(len(t) for t in texts)
    print(f"corpus: {len(texts)} texts, {corpus_chars:,} chars; document: {len(doc):,} chars")
    print(f"machine: {os.cpu_count()} cores; loading detectors...", flush=True)
    vanilla = build_vanilla()
    guard = Detector(SPACY_MODEL)
    pool = PooledDetector(SPACY_MODEL, args.workers)
    pool.warm_up()
    vanilla.analyze("warm up John Smith", language="en")
    guard.analyze("warm up John Smith")
    langs = [guard.language_of(t) for t in texts]

    def timed(fn: object, *a: object) -> float:
        t0 = time.perf_counter()
        fn(*a)  # type: ignore[operator]
        return time.perf_counter() - t0

    # Corpus, one text at a time (vanilla and guard alternate halves to share the noise).
    half = len(texts) // 2
    t_van = t_guard = 0.0
    for part in (texts[:half], texts[half:]):
        t_van += timed(lambda ts: [vanilla.analyze(t, language="en") for t in ts], part)
        t_guard += timed(
            lambda ts: [guard.analyze(t, guard.language_of(t)) for t in ts], part
        )
    t_pool = timed(pool.analyze_batch, list(zip(texts, langs, strict=True)))

    # Long document.
    prefix = doc[: args.vanilla_doc_chars]
    t_van_doc = timed(vanilla.analyze, prefix, "en")
    t_guard_doc = timed(_analyze_many, guard, [(doc, "en")])
    t_pool_doc = timed(_analyze_many, pool, [(doc, "en")])
    pool.close(wait=True)

    rows = []
    results = []
    for name, chars, van_chars, tv, tg, tp in (
        ("corpus (one text at a time)", corpus_chars, corpus_chars, t_van, t_guard, t_pool),
        (f"document {len(doc) // 1000} KB", len(doc), len(prefix), t_van_doc, t_guard_doc, t_pool_doc),
    ):
        v = van_chars / tv
        g1, gp = chars / tg / v, chars / tp / v
        results.append(gp)
        rows.append(
            [
                name,
                _rate(van_chars, tv) + ("" if van_chars == chars else f" (first {van_chars // 1000} KB)"),
                _rate(chars, tg),
                f"{g1:.1f}×",
                _rate(chars, tp),
                f"{gp:.1f}×",
                f"≥ {TARGET:.0f}×",
                verdict(gp >= TARGET),
            ]
        )
    print()
    print(
        table(
            [
                "fresh text",
                "vanilla Presidio chars/s",
                "guard, 1 process chars/s",
                "vs vanilla",
                f"guard, pool of {args.workers} chars/s",
                "vs vanilla",
                "target",
                "",
            ],
            rows,
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
