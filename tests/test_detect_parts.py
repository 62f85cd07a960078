"""The pool may run spaCy's NER and the other recognizers side by side, in two workers
(Detector.analyze_batch with part="ner" and part="rules"); together they must plan exactly
what one whole analysis plans."""

from __future__ import annotations

import json

import pytest

from guard.detect import Detector, Finding
from guard.policy import Policy, load_policy
from guard.transform import plan
from tests.conftest import ROOT


def _spans(
    text: str, findings: list[Finding], policy: Policy, language: str
) -> list[tuple[str, int, int, str]]:
    return sorted((p.entity_type, p.start, p.end, p.action) for p in plan(text, findings, policy, language))


@pytest.mark.parametrize("policy_file", ["kimi.yaml", "qwen.yaml"])
def test_halves_plan_what_the_whole_plans(detector: Detector, policy_file: str) -> None:
    policy = load_policy(ROOT / "policies" / policy_file)
    with (ROOT / "bench" / "corpus" / "corpus.jsonl").open(encoding="utf-8") as fh:
        samples = [json.loads(line) for line in fh][::6]
    items = [(s["text"], detector.language_of(s["text"])) for s in samples]
    whole = detector.analyze_batch(items)
    ner = detector.analyze_batch(items, "ner")
    rules = detector.analyze_batch(items, "rules")
    planned = 0
    for (text, language), w, n, r in zip(items, whole, ner, rules, strict=True):
        assert {f.recognizer for f in n} <= {"SpacyRecognizer"}
        assert "SpacyRecognizer" not in {f.recognizer for f in r}

        expected = _spans(text, w, policy, language)
        assert _spans(text, n + r, policy, language) == expected, text
        planned += len(expected)
    assert planned > 500
