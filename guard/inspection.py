"""Detect, decide and transform every slot of one request: the CPU-bound part of the pipeline.

`inspect_slots` is synchronous and pure (apart from the cache); the proxy runs it in a worker, off
the event loop. Slots are processed in the order the vendor reads them, so pseudonym numbers follow
the conversation (see transform.Vault).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from guard.adapters.openai import Slot
from guard.chunking import pieces
from guard.detect import Detector, Finding
from guard.policy import Policy
from guard.transform import Applied, Blocked, Planned, Transformer, Vault, plan


@dataclass
class Inspection:
    changes: list[tuple[Slot, str]] = field(default_factory=list)
    applied: list[tuple[Slot, Applied]] = field(default_factory=list)
    vault: Vault = field(default_factory=Vault)
    blocked: Blocked | None = None


def plan_slot(slot: Slot, policy: Policy, detector: Detector) -> list[Planned]:
    language = detector.language_of(slot.text)
    return plan(slot.text, analyze_long(detector, slot.text, language), policy, language)


def analyze_long(detector: Detector, text: str, language: str) -> list[Finding]:
    """Findings in a text of any length, analysed piece by piece (see guard.chunking)."""
    parts = pieces(text)
    if len(parts) == 1:
        return detector.analyze(text, language)
    found: list[Finding] = []
    for part in parts:
        for f in detector.analyze(text[part.start : part.end], language):
            start = f.start + part.start
            if part.own_start <= start < part.own_end:
                found.append(replace(f, start=start, end=f.end + part.start))
    return found


def inspect_slots(
    slots: list[Slot], policy: Policy, detector: Detector, transformer: Transformer
) -> Inspection:
    result = Inspection()
    plans = [plan_slot(slot, policy, detector) for slot in slots]
    # A block anywhere refuses the whole request, before any placeholder is issued.
    for slot, planned in zip(slots, plans, strict=True):
        for p in planned:
            if p.action == "block":
                result.blocked = Blocked(p, slot.location)
                return result
    for slot, planned in zip(slots, plans, strict=True):
        if not planned:
            continue
        new_text, applied = transformer.apply(slot.text, planned, result.vault)
        result.changes.append((slot, new_text))
        result.applied.extend((slot, a) for a in applied)
    return result
