"""NFKC normalisation with offsets, CJK-safe boundaries, and the language of a slot."""

from __future__ import annotations

import pytest

from guard.detect import Detector
from guard.recognizers.text import normalise
from tests.recognizer_cases import findings


@pytest.mark.parametrize(
    ("text", "value", "entity"),
    [
        ("电话：１３８－００１３－８０００。", "１３８－００１３－８０００", "PHONE_NUMBER"),
        (
            "ｃａｒｄ ４１１１ １１１１ １１１１ １１１１",
            "４１１１ １１１１ １１１１ １１１１",
            "CREDIT_CARD",
        ),
        (
            "邮箱ｊａｎｅ＠ｅｘａｍｐｌｅ．ｏｒｇ谢谢",
            "ｊａｎｅ＠ｅｘａｍｐｌｅ．ｏｒｇ",
            "EMAIL_ADDRESS",
        ),
        ("ﬁnal: call +49\u00a030\u00a012345678", "+49\u00a030\u00a012345678", "PHONE_NUMBER"),
    ],
)
def test_findings_cover_the_text_as_written(
    detector: Detector, text: str, value: str, entity: str
) -> None:
    start = text.index(value)
    spans = [(f.start, f.end) for f in findings(detector, text) if f.entity_type == entity]
    assert (start, start + len(value)) in spans


def test_normalise_maps_offsets_back() -> None:
    text = "ﬁ１２３"  # the ligature becomes two characters
    norm = normalise(text)
    assert norm.text == "fi123"
    assert norm.original_span(2, 5) == (1, 4)
    assert norm.original_span(0, 2) == (0, 1)


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("Please summarise this email for me.", "en"),
        ("请帮我总结一下这封邮件。", "zh"),
        ("Kannst du mir bitte diese E-Mail zusammenfassen?", "de"),
        ("Translate into English: 我的电话是13800138000，明天给我打电话。", "zh"),
        ("What does 你好 mean?", "en"),
        ("Grüße aus München, ich hätte eine Frage zur Steuer.", "de"),
        ("", "en"),
        ("12345 67890", "en"),
    ],
)
def test_language_of(detector: Detector, text: str, language: str) -> None:
    assert detector.language_of(text) == language
