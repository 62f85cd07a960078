"""Term lists matched in one pass (Aho-Corasick), for recognizers of named things.

A lexicon is built once when the detector starts; matching a text is then linear in its length
whatever the number of terms. Terms are matched case-insensitively; an ASCII term must stand as
a whole word (so "ecg" does not match inside "checkecg"), a CJK term may touch anything, since
Chinese has no spaces between words.
"""

from __future__ import annotations

import importlib.resources
from collections.abc import Iterable
from typing import ClassVar

import ahocorasick
from presidio_analyzer import RecognizerResult
from presidio_analyzer.nlp_engine import NlpArtifacts

from guard.recognizers.base import GuardRecognizer
from guard.recognizers.text import lower_same_length


def data_terms(filename: str) -> list[str]:
    """Terms of a list in guard/data/: one a line (or several, space-separated, for CJK lists)."""
    text = importlib.resources.files("guard").joinpath("data", filename).read_text("utf-8")
    terms: list[str] = []
    for line in text.splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            terms.append(line)
    return terms


def _is_word_char(c: str) -> bool:
    return c.isascii() and (c.isalnum() or c == "_")


class Lexicon:
    """Terms -> (entity, score), matched leftmost-longest without overlaps."""

    def __init__(self) -> None:
        self._automaton = ahocorasick.Automaton()
        self._size = 0

    def add(self, term: str, entity: str, score: float) -> None:
        key = " ".join(term.lower().split())
        if len(key) < 2:
            return
        self._automaton.add_word(key, (len(key), entity, score))
        self._size += 1

    def add_all(self, terms: Iterable[str], entity: str, score: float) -> None:
        for t in terms:
            self.add(t, entity, score)

    def freeze(self) -> None:
        if self._size:
            self._automaton.make_automaton()

    def __len__(self) -> int:
        return self._size

    def find(self, text: str) -> list[tuple[int, int, str, float]]:
        if not self._size:
            return []
        low = lower_same_length(text)
        found: list[tuple[int, int, str, float]] = []
        for end_index, (length, entity, score) in self._automaton.iter(low):
            start, end = end_index - length + 1, end_index + 1
            # ASCII terms must be whole words; CJK ones need no boundary.
            if _is_word_char(low[start]) and start > 0 and _is_word_char(low[start - 1]):
                continue
            if _is_word_char(low[end - 1]) and end < len(low) and _is_word_char(low[end]):
                continue
            found.append((start, end, entity, score))
        # leftmost-longest, no overlaps: "type 2 diabetes" wins over "diabetes"
        found.sort(key=lambda f: (f[0], -(f[1] - f[0])))
        kept: list[tuple[int, int, str, float]] = []
        last_end = -1
        for f in found:
            if f[0] >= last_end:
                kept.append(f)
                last_end = f[1]
        return kept


class LexiconRecognizer(GuardRecognizer):
    """A recognizer whose matches come from a `Lexicon` built by `build_lexicon`."""

    LEXICON_CACHE: ClassVar[dict[str, Lexicon]] = {}

    def __init__(self, supported_language: str = "en") -> None:
        super().__init__(supported_language)
        # Built once per process: several detectors (tests, policies) share the term lists.
        key = type(self).__name__
        if key not in self.LEXICON_CACHE:
            lexicon = Lexicon()
            self.build_lexicon(lexicon)
            lexicon.freeze()
            self.LEXICON_CACHE[key] = lexicon
        self.lexicon = self.LEXICON_CACHE[key]

    def build_lexicon(self, lexicon: Lexicon) -> None:
        raise NotImplementedError

    def keep(self, text: str, start: int, end: int) -> bool:
        """False drops a lexicon match (a term used in a non-medical sense, say)."""
        return True

    def analyze(
        self, text: str, entities: list[str], nlp_artifacts: NlpArtifacts | None = None
    ) -> list[RecognizerResult]:
        results = super().analyze(text, entities, nlp_artifacts)
        for start, end, entity, score in self.lexicon.find(text):
            if entities and entity not in entities:
                continue
            if not self.keep(text, start, end):
                continue
            if self.context_found(text, start, end):
                score = min(1.0, score + 0.2)
            results.append(self.result(entity, start, end, score))
        return results
