"""Presidio's PhoneRecognizer, run only where a number of each region can be.

Presidio matches phone numbers with python-phonenumbers once per region (eight of them), and
the matcher spends Python time on every digit group it meets: dates, versions, amounts. It was
the costliest recognizer, on short messages as on long texts. Three facts make most of those
runs pointless, and skipping them leaves the findings as they were:

- The candidate pattern cannot cross a newline, so a line with fewer digits than a region's
  shortest valid number cannot hold one. A number written with "+" is read the same in every
  region and has at least six digits (country code and national number), so each region's
  matcher runs only on lines with min(6, that region's shortest national number) digits:
  four for Germany, six elsewhere. The matcher sees those lines with their newlines.
- Regions that parse numbers alike (same country code, prefixes and prefix rules, such as the
  US and Canada) find the same numbers: `is_valid_number` judges a number by the region it
  belongs to, not by the region it was parsed from. One of them runs.
- The matcher stops after 65,535 candidates per text, which a long document can exceed;
  matching window by window avoids that limit.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable

import phonenumbers
from phonenumbers import PhoneMetadata
from presidio_analyzer import EntityRecognizer, RecognizerResult
from presidio_analyzer.nlp_engine import NlpArtifacts
from presidio_analyzer.predefined_recognizers import PhoneRecognizer

MIN_DIGITS = 4
# The fewest digits of a number written with "+": a country code and the shortest national
# number anywhere (phonenumbers' metadata; checked in tests/test_phone_windows.py).
MIN_INTERNATIONAL_DIGITS = 6
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


def shortest_number(region: str) -> int:
    """Digits of the shortest valid national number of `region` (0 if phonenumbers has no
    metadata for it: its matcher then runs on every line with MIN_DIGITS digits)."""
    metadata = PhoneMetadata.metadata_for_region(region)
    if metadata is None or metadata.general_desc is None:
        return 0
    lengths = [n for n in metadata.general_desc.possible_length or () if n > 0]
    return min(lengths) if lengths else 0


def _parsing_rules(region: str) -> tuple[object, ...] | None:
    metadata = PhoneMetadata.metadata_for_region(region)
    if metadata is None:
        return None
    return (
        metadata.country_code,
        metadata.international_prefix,
        metadata.national_prefix,
        metadata.national_prefix_for_parsing,
        metadata.national_prefix_transform_rule,
        metadata.leading_digits,
    )


@functools.cache
def distinct_regions(regions: tuple[str, ...]) -> tuple[tuple[str, int], ...]:
    """(region, digits a line needs) for each region that parses differently from those
    before it."""
    seen: set[tuple[object, ...]] = set()
    out: list[tuple[str, int]] = []
    for region in regions:
        rules = _parsing_rules(region)
        if rules is not None and rules in seen:
            continue
        if rules is not None:
            seen.add(rules)
        out.append((region, min(MIN_INTERNATIONAL_DIGITS, max(MIN_DIGITS, shortest_number(region)))))
    return tuple(out)


class LinePhoneRecognizer(PhoneRecognizer):
    def analyze(
        self, text: str, entities: list[str], nlp_artifacts: NlpArtifacts | None = None
    ) -> list[RecognizerResult]:
        results: list[RecognizerResult] = []
        windows: dict[int, list[tuple[int, int]]] = {}
        for region, min_digits in distinct_regions(tuple(self.supported_regions)):
            if min_digits not in windows:
                windows[min_digits] = phone_windows(text, min_digits)
            for a, b in windows[min_digits]:
                results.extend(self._matches(text, a, b, region))
        return list(EntityRecognizer.remove_duplicates(results))

    def _matches(self, text: str, a: int, b: int, region: str) -> Iterable[RecognizerResult]:
        leniency = 1 if self.leniency is None else self.leniency  # Presidio's default
        for match in phonenumbers.PhoneNumberMatcher(text[a:b], region, leniency=leniency):
            result = RecognizerResult(
                entity_type=self.supported_entities[0],
                start=match.start + a,
                end=match.end + a,
                score=self.SCORE,
                analysis_explanation=self._get_analysis_explanation(region),
                recognition_metadata={
                    RecognizerResult.RECOGNIZER_NAME_KEY: "PhoneRecognizer",
                    RecognizerResult.RECOGNIZER_IDENTIFIER_KEY: self.id,
                },
            )
            yield result
