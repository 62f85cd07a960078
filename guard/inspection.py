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
from guard.entities import ENTITY_CATEGORIES
from guard.policy import Policy
from guard.recognizers.person_name import name_occurrences, name_words, spread_names
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
        return [whole_text(text, f) for (text, _), f in zip(items, found, strict=True)]

    return finish


def whole_text(text: str, findings: list[Finding]) -> list[Finding]:
    """The findings of a whole text, once those of both halves of the analysis and of all its
    pieces are together: one decision per text (a name found in one place is a name everywhere
    in it; see guard.recognizers.person_name.spread_names). Benchmarks that record the
    detector's findings apply this too."""
    return spread_names(text, findings)


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
        spread = _spread_across_slots(texts, [a for a in out if a is not None], policy, transformer)
        return list(spread), lambda: spread
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
        done = [a for a in out if a is not None]
        return _spread_across_slots(texts, done, policy, transformer)

    # The cache hits before the first new slot, as the spread leaves them (it only looks back).
    prefix = [a for a in known[: known.index(None)] if a is not None]
    known = [*_spread_across_slots(texts, prefix, policy, transformer), *known[len(prefix) :]]
    return known, finish


def _spread_across_slots(
    texts: Sequence[str],
    analyses: list[Analysis],
    policy: Policy,
    transformer: Transformer | None,
) -> list[Analysis]:
    """One decision per request: a name found in a slot is a name in the slots after it ("Anna
    Koch" in the system prompt, "ask Koch" in a later message).

    Only forward, in the order the vendor reads the slots: what a slot becomes depends on the
    slots before it alone, so a resent history is transformed as it was the turn before (the
    vendor sees the same text), and the slots known from the cache can be transformed before the
    new ones are analysed. The cache keeps each slot's own analysis; the spread is worked out per
    request.
    """
    if len(analyses) < 2 or not any(p.entity_type == "PERSON" for a in analyses[:-1] for p in a.planned):
        return analyses
    out = list(analyses)
    words: dict[str, tuple[float, frozenset[str] | None]] = {}
    for i, (text, a) in enumerate(zip(texts, analyses, strict=False)):
        if words:
            out[i] = _with_names(text, a, words, policy, transformer)
        people = [
            Finding("PERSON", p.start, p.end, p.score, "") for p in a.planned if p.entity_type == "PERSON"
        ]
        if people:
            for word, (score, forms) in name_words(text, people, 0.0, a.language).items():
                old = words.get(word)
                if old is None:
                    words[word] = (score, forms)
                else:
                    both = None if old[1] is None or forms is None else old[1] | forms
                    words[word] = (max(old[0], score), both)
    return out


def _with_names(
    text: str,
    a: Analysis,
    words: dict[str, tuple[float, frozenset[str] | None]],
    policy: Policy,
    transformer: Transformer | None,
) -> Analysis:
    """`a` with the occurrences of earlier slots' name words in `text` added."""
    d = policy.decide("PERSON", a.language)
    if d.action == "allow":
        return a
    threshold = policy.threshold("PERSON", a.language)
    extra = [
        Planned("PERSON", ENTITY_CATEGORIES["PERSON"], start, end, score, d.action, d.restore, d.source)
        for start, end, score in name_occurrences(text, words, [(p.start, p.end) for p in a.planned])
        if score >= threshold
    ]
    if not extra:
        return a
    merged = tuple(sorted((*a.planned, *extra), key=lambda p: p.start))
    if transformer is not None:
        return replace(
            a, planned=merged, fingerprints=transformer.fingerprints(text, merged), key_id=transformer.key_id
        )
    return replace(a, planned=merged, fingerprints=None)


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
