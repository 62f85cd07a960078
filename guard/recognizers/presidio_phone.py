"""Presidio's PhoneRecognizer, run only on the lines that can hold a phone number.

Presidio matches phone numbers with python-phonenumbers once per region (eight of them), and
the matcher spends Python time on every digit group it meets: dates, versions, amounts. It was
the costliest recognizer on long texts. Its candidate pattern cannot cross a newline, and no
region's numbers have fewer than four digits, so lines with fewer digits cannot hold one: they
are skipped, and the matcher sees the other lines with their newlines (identical results).
It also stops after 65,535 candidates per text, which a long document can exceed; per-window
matching avoids that limit.
"""

from __future__ import annotations

import re
from typing import cast

from presidio_analyzer import RecognizerResult
from presidio_analyzer.nlp_engine import NlpArtifacts
from presidio_analyzer.predefined_recognizers import PhoneRecognizer

MIN_DIGITS = 4
_LINE = re.compile(r"[^\n]*\n?")
_DIGIT = re.compile(r"\d")
# Windows are merged up to this size, so dense text still makes few matcher runs.
_WINDOW = 4_000


def phone_windows(text: str, min_digits: int = MIN_DIGITS) -> list[tuple[int, int]]:
    """Spans of whole lines (newlines included) that hold at least `min_digits` digits."""
    if _DIGIT.search(text) is None:
        return []
    windows: list[tuple[int, int]] = []
    for m in _LINE.finditer(text):
        a, b = m.span()
        if a == b:
            continue
        digits = 0
        for _ in _DIGIT.finditer(text, a, b):
            digits += 1
            if digits >= min_digits:
                break
        if digits < min_digits:
            continue
        # Start one character early so the matcher sees the newline before the line, as it
        # does in the whole text.
        a = max(0, a - 1)
        if windows and a <= windows[-1][1] and b - windows[-1][0] <= _WINDOW:
            windows[-1] = (windows[-1][0], b)
        else:
            windows.append((a, b))
    return windows


class LinePhoneRecognizer(PhoneRecognizer):
    def analyze(
        self, text: str, entities: list[str], nlp_artifacts: NlpArtifacts | None = None
    ) -> list[RecognizerResult]:
        windows = phone_windows(text)
        if len(windows) == 1 and windows[0] == (0, len(text)):
            return list(super().analyze(text, entities, cast(NlpArtifacts, nlp_artifacts)))
        results: list[RecognizerResult] = []
        for a, b in windows:
            for r in super().analyze(text[a:b], entities, cast(NlpArtifacts, nlp_artifacts)):
                r.start += a
                r.end += a
                results.append(r)
        return results
