"""Detect, decide and transform every slot of one request: the CPU-bound part of the pipeline.

`inspect_slots` is synchronous and pure (apart from the cache); the proxy runs it in a worker, off
the event loop. Slots are processed in the order the vendor reads them, so pseudonym numbers follow
the conversation (see transform.Vault).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from guard.adapters.openai import Slot
from guard.cache import Analysis, AnalysisCache, slot_key
from guard.chunking import pieces
from guard.detect import Finding, TextAnalyzer
from guard.policy import Policy
from guard.transform import Applied, Blocked, Planned, Transformer, Vault, names_in, names_in_json, plan


@dataclass(frozen=True, slots=True)
class BlockFinding:
    """A span the policy blocks, for the audit trail: its fingerprint like any other finding's."""

    slot: Slot
    planned: Planned
    fingerprint: str


@dataclass
class Inspection:
    changes: list[tuple[Slot, str]] = field(default_factory=list)
    applied: list[tuple[Slot, Applied]] = field(default_factory=list)
    vault: Vault = field(default_factory=Vault)
    blocked: Blocked | None = None  # the first block, named in the error
    block_findings: list[BlockFinding] = field(default_factory=list)  # every block


def analyze_long(detector: TextAnalyzer, text: str, language: str) -> list[Finding]:
    """Findings in a text of any length, analysed piece by piece (see guard.chunking)."""
    return _analyze_many(detector, [(text, language)])[0]


def _analyze_many(detector: TextAnalyzer, items: Sequence[tuple[str, str]]) -> list[list[Finding]]:
    """Findings for several texts, all their pieces in one batch (a pool spreads the batch)."""
    return _start_many(detector, items)()


def _start_many(
    detector: TextAnalyzer, items: Sequence[tuple[str, str]]
) -> Callable[[], list[list[Finding]]]:
    """`_analyze_many`, started: a pool works on the batch while the caller does other work;
    calling the result waits for the findings."""
    jobs = [(i, p) for i, (text, _) in enumerate(items) for p in pieces(text)]
    batch = [(items[i][0][p.start : p.end], items[i][1]) for i, p in jobs]
    start = getattr(detector, "start_batch", None)
    if start is not None:
        wait: Callable[[], list[list[Finding]]] = start(batch)
    else:
        results = detector.analyze_batch(batch)

        def wait() -> list[list[Finding]]:
            return results

    def finish() -> list[list[Finding]]:
        found: list[list[Finding]] = [[] for _ in items]
        for (i, p), findings in zip(jobs, wait(), strict=True):
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

    return finish


def analyze_texts(
    texts: Sequence[str],
    policy: Policy,
    detector: TextAnalyzer,
    cache: AnalysisCache | None = None,
    transformer: Transformer | None = None,
) -> list[Analysis]:
    """Language and planned spans of each text: from the cache when seen before, else analysed.

    Texts repeated within the call are analysed once; all the new ones go to the detector in a
    single batch, so a pool can spread them (and the pieces of long ones) over its workers.
    With a transformer, new analyses carry the audit fingerprints of their spans.
    """
    return start_analysis(texts, policy, detector, cache, transformer)[1]()


def start_analysis(
    texts: Sequence[str],
    policy: Policy,
    detector: TextAnalyzer,
    cache: AnalysisCache | None = None,
    transformer: Transformer | None = None,
) -> tuple[list[Analysis | None], Callable[[], list[Analysis]]]:
    """`analyze_texts`, started: the analyses known already (cache hits; None for the rest) at
    once, and a call that waits for the others and returns them all."""
    out: list[Analysis | None] = [None] * len(texts)
    todo: dict[bytes, list[int]] = {}
    for i, text in enumerate(texts):
        key = slot_key(detector.version, policy.digest, text)
        hit = cache.get(key) if cache is not None else None
        if hit is not None:
            out[i] = hit
        else:
            todo.setdefault(key, []).append(i)
    known = list(out)
    if not todo:
        return known, lambda: [a for a in out if a is not None]
    keys = list(todo)
    first = [texts[todo[k][0]] for k in keys]
    languages = [detector.language_of(t) for t in first]
    pending = _start_many(detector, list(zip(first, languages, strict=True)))

    def finish() -> list[Analysis]:
        found = pending()
        for key, text, language, findings in zip(keys, first, languages, found, strict=True):
            planned = tuple(plan(text, findings, policy, language))
            if transformer is not None and planned:
                analysis = Analysis(
                    language, planned, transformer.fingerprints(text, planned), transformer.key_id
                )
            else:
                analysis = Analysis(language, planned)
            if cache is not None:
                cache.put(key, analysis)
            for i in todo[key]:
                out[i] = analysis
        return [a for a in out if a is not None]

    return known, finish


def _first_block(slots: Sequence[Slot], analyses: Sequence[Analysis]) -> Blocked | None:
    for slot, a in zip(slots, analyses, strict=False):
        for p in a.planned:
            if p.action == "block":
                return Blocked(p, slot.place)
    return None


def _block_findings(
    slots: Sequence[Slot], analyses: Sequence[Analysis], transformer: Transformer
) -> list[BlockFinding]:
    found: list[BlockFinding] = []
    for slot, a in zip(slots, analyses, strict=True):
        fingerprints = a.fingerprints if a.key_id == transformer.key_id else None
        for i, p in enumerate(a.planned):
            if p.action == "block":
                fp = (
                    fingerprints[i]
                    if fingerprints is not None
                    else transformer.fingerprint(p.entity_type, slot.text[p.start : p.end])
                )
                found.append(BlockFinding(slot, p, fp))
    return found


def inspect_slots(
    slots: list[Slot],
    policy: Policy,
    detector: TextAnalyzer,
    transformer: Transformer,
    cache: AnalysisCache | None = None,
    body: Any = None,
) -> Inspection:
    """Analyse, decide and transform `slots`. `body`, the parsed request they come from, is
    searched for placeholder-like names the request already holds: those are never issued."""
    known, finish = start_analysis([s.text for s in slots], policy, detector, cache, transformer)
    # While a pool works: the names already taken (slot texts hold tool-argument values decoded).
    taken = names_in(s.text for s in slots if s.json_path is not None)
    if body is not None:
        taken |= names_in_json(body)
    else:
        taken |= names_in(s.text for s in slots)
    result = Inspection(vault=Vault(taken))
    # While a pool analyses the new slots, the slots before the first of them (a resent history)
    # are transformed: in slot order, so placeholder numbers are what they would be anyway. If a
    # block turns up, this work is dropped.
    ready: list[Analysis] = []
    for a in known:
        if a is None:
            break
        ready.append(a)
    done = 0
    if len(ready) < len(slots) and _first_block(slots, ready) is None:
        done = _apply(result, slots, ready, 0, transformer)
    analyses = finish()
    # A block anywhere refuses the whole request, before any placeholder is issued.
    blocked = _first_block(slots, analyses)
    if blocked is not None:
        return Inspection(blocked=blocked, block_findings=_block_findings(slots, analyses, transformer))
    _apply(result, slots, analyses, done, transformer)
    return result


def _apply(
    result: Inspection,
    slots: Sequence[Slot],
    analyses: Sequence[Analysis],
    start: int,
    transformer: Transformer,
) -> int:
    """Transform slots[start:len(analyses)] into `result`; the index reached."""
    for i in range(start, len(analyses)):
        slot, a = slots[i], analyses[i]
        if not a.planned:
            continue
        # Fingerprints cached by another transformer (another key) are not ours to reuse.
        fingerprints = a.fingerprints if a.key_id == transformer.key_id else None
        new_text, applied = transformer.apply(slot.text, a.planned, result.vault, fingerprints)
        result.changes.append((slot, new_text))
        result.applied.extend((slot, x) for x in applied)
    return len(analyses)
