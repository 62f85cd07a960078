"""Term lists matched in one pass (Aho-Corasick), for recognizers of named things.

A lexicon is built once when the detector starts; matching a text is then linear in its length
whatever the number of terms. Terms are matched case-insensitively; an ASCII term must stand as
a whole word (so "ecg" does not match inside "checkecg"), a CJK term may touch anything, since
Chinese has no spaces between words.

A lexicon built with `fold=True` also treats hyphens, dashes and runs of whitespace as one space,
on both sides: "non-Hodgkin", "non Hodgkin", "non - Hodgkin" and "non-\nHodgkin" are one term.
"""

from __future__ import annotations

import bisect
import importlib.resources
import re
from collections.abc import Iterable
from typing import ClassVar

import ahocorasick
from presidio_analyzer import RecognizerResult
from presidio_analyzer.nlp_engine import NlpArtifacts

from guard.recognizers.base import GuardRecognizer
from guard.recognizers.text import CJK_RE, lower_same_length


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


# Hyphens and dashes (ASCII, Unicode hyphen, non-breaking hyphen, figure dash, en and em dash)
# and the apostrophes people type for "Crohn's": one character each, so offsets do not move.
_FOLD_CHARS = str.maketrans({c: " " for c in "-\u2010\u2011\u2012\u2013\u2014"} | {"\u2019": "'"})
_SPACE_RUN = re.compile(r"\s{2,}|[\t\n\r\f\v\u00a0]")


def fold_key(term: str) -> str:
    """A term as a folding lexicon stores it: lower case, hyphens as spaces, single spaces."""
    return " ".join(term.lower().translate(_FOLD_CHARS).split())


def _fold_text(low: str) -> tuple[str, list[int] | None, list[int] | None]:
    """`low` with hyphens as spaces and whitespace runs as one space; with the folded offsets at
    which a run was shortened and the original offset each of those maps to (None: unchanged)."""
    text = low.translate(_FOLD_CHARS)
    if _SPACE_RUN.search(text) is None:
        return text, None, None
    parts: list[str] = []
    folded_at: list[int] = []
    original_at: list[int] = []
    last = 0
    size = 0
    for m in _SPACE_RUN.finditer(text):
        parts.append(text[last : m.start()])
        size += m.start() - last
        parts.append(" ")
        size += 1
        # folded offset `size` (just after the space) corresponds to original m.end()
        folded_at.append(size)
        original_at.append(m.end())
        last = m.end()
    parts.append(text[last:])
    return "".join(parts), folded_at, original_at


def _unfold(offset: int, folded_at: list[int] | None, original_at: list[int] | None) -> int:
    if folded_at is None or original_at is None:
        return offset
    i = bisect.bisect_right(folded_at, offset) - 1
    if i < 0:
        return offset
    return original_at[i] + (offset - folded_at[i])


class Lexicon:
    """Terms -> (entity, score), matched leftmost-longest without overlaps."""

    def __init__(self, fold: bool = False) -> None:
        self._automaton = ahocorasick.Automaton()
        self._size = 0
        self._fold = fold

    def add(self, term: str, entity: str, score: float) -> None:
        key = fold_key(term) if self._fold else " ".join(term.lower().split())
        if len(key) < 2 and not (key and CJK_RE.match(key)):
            return  # one letter is no term; one Chinese character may be (疣, a wart)
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
        folded_at = original_at = None
        if self._fold:
            low, folded_at, original_at = _fold_text(low)
        found: list[tuple[int, int, str, float]] = []
        for end_index, (length, entity, score) in self._automaton.iter(low):
            start, end = end_index - length + 1, end_index + 1
            # ASCII terms must be whole words; CJK ones need no boundary.
            if _is_word_char(low[start]) and start > 0 and _is_word_char(low[start - 1]):
                continue
            if _is_word_char(low[end - 1]) and end < len(low) and _is_word_char(low[end]):
                continue
            if folded_at is not None:
                start = _unfold(start, folded_at, original_at)
                end = _unfold(end - 1, folded_at, original_at) + 1
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
    # Fold hyphens and whitespace runs when matching (see the module docstring).
    FOLD: ClassVar[bool] = False

    def __init__(self, supported_language: str = "en") -> None:
        super().__init__(supported_language)
        self.lexicon = self.cached_lexicon()

    @classmethod
    def cached_lexicon(cls) -> Lexicon:
        """The class's lexicon, built once per process: several detectors (tests, policies)
        share the term lists, and the detector builds them in its preload thread."""
        key = cls.__name__
        if key not in cls.LEXICON_CACHE:
            lexicon = Lexicon(fold=cls.FOLD)
            # build_lexicon reads no instance state: an instance without __init__ will do
            cls.build_lexicon(cls.__new__(cls), lexicon)
            lexicon.freeze()
            cls.LEXICON_CACHE[key] = lexicon
        return cls.LEXICON_CACHE[key]

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
