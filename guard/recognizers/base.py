"""The shape of our own recognizers: patterns, context words and a validator, declared as data.

A recognizer module declares `RULES` (regexes with the score they earn alone and with context),
`CONTEXT` (words in any language that make a match more likely to be the identifier) and, where
the identifier has one, a `validate` checksum. Context is looked for in a window of characters
around the match, not in spaCy tokens: the English tokenizer does not split Chinese text, so
"身份证号码110101..." has no token "身份证" for Presidio's context enhancer to find.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import ClassVar

from presidio_analyzer import EntityRecognizer, RecognizerResult
from presidio_analyzer.nlp_engine import NlpArtifacts

_META_NAME = RecognizerResult.RECOGNIZER_NAME_KEY
_META_ID = RecognizerResult.RECOGNIZER_IDENTIFIER_KEY
# Our scores already account for context: Presidio's enhancer must not add to them again.
_META_ENHANCED = RecognizerResult.IS_SCORE_ENHANCED_BY_CONTEXT_KEY


@dataclass(frozen=True, slots=True)
class Rule:
    """One regex. `score` alone; `with_context` when a context word is near; `group` is the
    capture group that holds the value (0: the whole match)."""

    name: str
    regex: str
    score: float
    with_context: float = 0.85
    entity: str | None = None  # when a recognizer reports several types
    group: int = 0
    flags: int = 0


def context_regex(words: Iterable[str]) -> re.Pattern[str] | None:
    """One case-insensitive alternation for a list of context words.

    ASCII words must start a word ("card" must not match "discard"); CJK words have no word
    boundaries to respect. Words may end anywhere, so plurals and compounds count
    ("Kontonummer" for "konto").
    """
    parts = []
    for w in sorted(set(words), key=len, reverse=True):
        esc = re.escape(w.lower())
        parts.append(rf"(?<![a-z]){esc}" if w[:1].isascii() and w[:1].isalpha() else esc)
    if not parts:
        return None
    return re.compile("|".join(parts), re.IGNORECASE)


def has_context(
    pattern: re.Pattern[str] | None, text: str, start: int, end: int, before: int, after: int
) -> bool:
    if pattern is None:
        return False
    return (
        pattern.search(text, max(0, start - before), start) is not None
        or pattern.search(text, end, min(len(text), end + after)) is not None
    )


class GuardRecognizer(EntityRecognizer):
    """Base of our regex recognizers. Subclasses set the class attributes and maybe `validate`."""

    ENTITIES: ClassVar[Sequence[str]] = ()
    RULES: ClassVar[Sequence[Rule]] = ()
    CONTEXT: ClassVar[Sequence[str]] = ()
    # Characters looked at before and after a match for context words.
    CONTEXT_BEFORE: ClassVar[int] = 40
    CONTEXT_AFTER: ClassVar[int] = 10
    # The text languages the recognizer applies to (None: all). The detector drops findings of a
    # recognizer for slots in other languages.
    TEXT_LANGUAGES: ClassVar[frozenset[str] | None] = None

    def __init__(self, supported_language: str = "en") -> None:
        self._compiled = [(r, re.compile(r.regex, r.flags)) for r in self.RULES]
        self._context = context_regex(self.CONTEXT)
        super().__init__(
            supported_entities=list(self.ENTITIES),
            name=type(self).__name__,
            supported_language=supported_language,
        )

    def load(self) -> None:
        return None

    def validate(self, value: str, rule: Rule) -> bool:
        """False drops the match (a failed checksum, a known non-identifier)."""
        return True

    def context_found(self, text: str, start: int, end: int) -> bool:
        return has_context(self._context, text, start, end, self.CONTEXT_BEFORE, self.CONTEXT_AFTER)

    def analyze(
        self, text: str, entities: list[str], nlp_artifacts: NlpArtifacts | None = None
    ) -> list[RecognizerResult]:
        results: list[RecognizerResult] = []
        for rule, regex in self._compiled:
            entity = rule.entity or self.ENTITIES[0]
            if entities and entity not in entities:
                continue
            for m in regex.finditer(text):
                start, end = m.span(rule.group)
                if start == end or not self.validate(m.group(rule.group), rule):
                    continue
                score = rule.with_context if self.context_found(text, start, end) else rule.score
                if score <= 0:
                    continue
                results.append(self.result(entity, start, end, score))
        return results

    def result(self, entity: str, start: int, end: int, score: float) -> RecognizerResult:
        return RecognizerResult(
            entity_type=entity,
            start=start,
            end=end,
            score=score,
            recognition_metadata={
                _META_NAME: type(self).__name__,
                _META_ID: self.id,
                _META_ENHANCED: True,
            },
        )
