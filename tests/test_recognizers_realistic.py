"""Sentences written apart from the corpus templates: names before a colon, US spellings."""

from __future__ import annotations

import pytest

from guard.detect import Detector


@pytest.mark.parametrize(
    ("text", "value", "entity"),
    [
        ("quick update from Lisa Chen: the deploy finished.", "Lisa Chen", "PERSON"),
        ("Alice Wong: can you resend the invoice?", "Alice Wong", "PERSON"),
        ("He was treated for hypercholesterolemia last year.", "hypercholesterolemia", "MEDICAL_CONDITION"),
        ("She has iron deficiency anemia.", "iron deficiency anemia", "MEDICAL_CONDITION"),
    ],
)
def test_found(detector: Detector, text: str, value: str, entity: str) -> None:
    start = text.index(value)
    hits = [f for f in detector.analyze(text) if f.entity_type == entity]
    assert any(f.start <= start and f.end >= start + len(value) for f in hits), hits


@pytest.mark.parametrize(
    ("text", "not_a_name"),
    [
        ("Kurze Frage: geht das heute noch?", "Kurze Frage"),
        ("Customer Name: see the attached form.", "Customer Name"),
    ],
)
def test_field_labels_are_not_names(detector: Detector, text: str, not_a_name: str) -> None:
    hits = [text[f.start : f.end] for f in detector.analyze(text) if f.entity_type == "PERSON"]
    assert not_a_name not in hits
