"""Assertions shared by the table-driven recognizer tests."""

from __future__ import annotations

from guard.detect import Detector, Finding
from guard.policy import Policy
from guard.scan import scan_text
from guard.transform import Transformer

# The lowest threshold a shipped policy applies by default (kimi: 0.5, qwen: 0.45).
THRESHOLD = 0.5


def findings(detector: Detector, text: str) -> list[Finding]:
    return [f for f in detector.analyze(text, detector.language_of(text)) if f.score >= THRESHOLD]


def assert_found(detector: Detector, text: str, entity: str, value: str) -> None:
    """Some finding of `entity` covers `value` (which must occur in `text`)."""
    start = text.index(value)
    end = start + len(value)
    got = findings(detector, text)
    assert any(f.entity_type == entity and f.start <= start and f.end >= end for f in got), (
        f"{entity} {value!r} not found; got {[(f.entity_type, text[f.start : f.end]) for f in got]}"
    )


def assert_not_found(detector: Detector, text: str, entity: str) -> None:
    got = [f for f in findings(detector, text) if f.entity_type == entity]
    assert not got, f"unexpected {[(f.entity_type, text[f.start : f.end], f.score) for f in got]}"


def assert_untouched(detector: Detector, policy: Policy, text: str) -> None:
    """The policy sends `text` to the vendor as written."""
    result = scan_text(text, policy, detector, Transformer(b"test-key"))
    assert result.blocked is None, f"blocked: {result.blocked}"
    assert result.text == text, [
        (a.planned.entity_type, text[a.planned.start : a.planned.end]) for a in result.applied
    ]
