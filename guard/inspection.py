"""Detect, decide and transform every slot of one request: the CPU-bound part of the pipeline.

`inspect_slots` is synchronous and pure (apart from the cache); the proxy runs it in a worker, off
the event loop. Slots are processed in the order the vendor reads them, so pseudonym numbers follow
the conversation (see transform.Vault).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace

from guard.adapters.openai import Slot
from guard.cache import Analysis, AnalysisCache, slot_key
from guard.chunking import pieces
from guard.detect import Finding, TextAnalyzer
from guard.policy import Policy
from guard.transform import Applied, Blocked, Planned, Transformer, Vault, plan


@dataclass
class Inspection:
    changes: list[tuple[Slot, str]] = field(default_factory=list)
    applied: list[tuple[Slot, Applied]] = field(default_factory=list)
    vault: Vault = field(default_factory=Vault)
    blocked: Blocked | None = None


def plan_slot(slot: Slot, policy: Policy, detector: TextAnalyzer) -> list[Planned]:
    return list(analyze_texts([slot.text], policy, detector)[0].planned)


def analyze_long(detector: TextAnalyzer, text: str, language: str) -> list[Finding]:
    """Findings in a text of any length, analysed piece by piece (see guard.chunking)."""
    return _analyze_many(detector, [(text, language)])[0]


def _analyze_many(detector: TextAnalyzer, items: Sequence[tuple[str, str]]) -> list[list[Finding]]:
    """Findings for several texts, all their pieces in one batch (a pool spreads the batch)."""
    jobs = [(i, p) for i, (text, _) in enumerate(items) for p in pieces(text)]
    results = detector.analyze_batch([(items[i][0][p.start : p.end], items[i][1]) for i, p in jobs])
    found: list[list[Finding]] = [[] for _ in items]
    for (i, p), findings in zip(jobs, results, strict=True):
        if p.start == 0 and p.end == len(items[i][0]):
            found[i].extend(findings)
            continue
        for f in findings:
            # A finding counts only in the piece that owns its start, so none is counted
            # twice and none is cut at a seam (the overlap is wider than any entity).
            at = f.start + p.start
            if p.own_start <= at < p.own_end:
                found[i].append(replace(f, start=at, end=f.end + p.start))
    return found


def analyze_texts(
    texts: Sequence[str],
    policy: Policy,
    detector: TextAnalyzer,
    cache: AnalysisCache | None = None,
) -> list[Analysis]:
    """Language and planned spans of each text: from the cache when seen before, else analysed.

    Texts repeated within the call are analysed once; all the new ones go to the detector in a
    single batch, so a pool can spread them (and the pieces of long ones) over its workers.
    """
    out: list[Analysis | None] = [None] * len(texts)
    todo: dict[bytes, list[int]] = {}
    for i, text in enumerate(texts):
        key = slot_key(detector.version, policy.digest, text)
        hit = cache.get(key) if cache is not None else None
        if hit is not None:
            out[i] = hit
        else:
            todo.setdefault(key, []).append(i)
    if todo:
        keys = list(todo)
        first = [texts[todo[k][0]] for k in keys]
        languages = [detector.language_of(t) for t in first]
        found = _analyze_many(detector, list(zip(first, languages, strict=True)))
        for key, text, language, findings in zip(keys, first, languages, found, strict=True):
            analysis = Analysis(language, tuple(plan(text, findings, policy, language)))
            if cache is not None:
                cache.put(key, analysis)
            for i in todo[key]:
                out[i] = analysis
    return [a for a in out if a is not None]


def inspect_slots(
    slots: list[Slot],
    policy: Policy,
    detector: TextAnalyzer,
    transformer: Transformer,
    cache: AnalysisCache | None = None,
) -> Inspection:
    result = Inspection()
    plans = [a.planned for a in analyze_texts([s.text for s in slots], policy, detector, cache)]
    # A block anywhere refuses the whole request, before any placeholder is issued.
    for slot, planned in zip(slots, plans, strict=True):
        for p in planned:
            if p.action == "block":
                result.blocked = Blocked(p, slot.location)
                return result
    for slot, planned in zip(slots, plans, strict=True):
        if not planned:
            continue
        new_text, applied = transformer.apply(slot.text, list(planned), result.vault)
        result.changes.append((slot, new_text))
        result.applied.extend((slot, a) for a in applied)
    return result
