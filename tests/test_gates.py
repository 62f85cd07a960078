"""Pre-filters are exact: a recognizer gated on digits finds nothing in digit-free text."""

from __future__ import annotations

import json
import re
from pathlib import Path

from guard.detect import Detector
from guard.recognizers.gates import NEEDS_DIGIT, name_of

ROOT = Path(__file__).resolve().parent.parent


def _texts() -> list[str]:
    corpus = ROOT / "bench" / "corpus" / "corpus.jsonl"
    texts = [json.loads(line)["text"] for line in corpus.read_text("utf-8").splitlines() if line]
    # The same texts with every digit removed: realistic text in which only digits are missing.
    return [re.sub(r"\d", "", t) for t in texts[::3]]


def test_digit_gated_recognizers_find_nothing_without_digits(detector: Detector) -> None:
    gated = [r for r in detector.engine.registry.recognizers if name_of(r) in NEEDS_DIGIT]
    assert {name_of(r) for r in gated} == NEEDS_DIGIT  # every listed name is a real recognizer
    for text in _texts():
        for r in gated:
            # The class's own analyze, not the gate's, with its full regexes.
            found = type(r).analyze(r, text, [], None)
            assert not found, (name_of(r), [text[f.start : f.end] for f in found])
