"""Text helpers shared by the recognizers: NFKC with offsets, boundaries that work next to CJK.

Users paste full-width digits (１３８００１３８０００), ligatures and non-breaking spaces; every
recognizer matches the NFKC form, and findings are mapped back to the text as written so the
transform replaces exactly what the user typed.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

# Python's \b is a boundary between \w and \W, and CJK characters are \w: "卡号4111..." has no \b
# before the 4. Identifiers therefore use ASCII lookarounds instead.
LEFT = r"(?<![0-9A-Za-z])"
RIGHT = r"(?![0-9A-Za-z])"
# Same, for identifiers whose neighbours must not be digits only (letters may touch them).
LEFT_DIGIT = r"(?<![0-9])"
RIGHT_DIGIT = r"(?![0-9])"
# A separator people put inside long numbers: space, hyphen, dot, slash (at most one at a time).
SEP = r"[ \-./]?"

# Between a label and its value: "Konto: 123", "account is 123", "账号是123", and the key of a JSON
# or YAML document a tool argument carries: "account": "123", account_number='123'.
LABEL_SEP = r"[\"']?\s?(?:is|ist|lautet|:|：|=|#|是|为)?\s?[\"']?"
# A word joint inside a label: "member id", "member_id", "member-id", "memberid".
JOINT = r"[ _\-]?"

# A capitalised word of a personal name in Latin script, with diacritics and a hyphenated
# second part: "Jörg", "Yılmaz", "Hans-Jürgen", "O'Neil".
_NAME_UP = "A-ZÀ-ÖØ-ÞŁŚŠŽĆČŘŃ"
_NAME_LO = "a-zß-öø-ÿıłśšžğşćčńřęąő"
NAME_WORD = rf"(?:Mc|Mac|O')?[{_NAME_UP}][{_NAME_LO}]+(?:[-'][{_NAME_UP}][{_NAME_LO}]+)?"

CJK_CHARS = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
CJK_RE = re.compile(f"[{CJK_CHARS}]")


@dataclass(frozen=True, slots=True)
class Normalised:
    """NFKC text, and for each of its characters the span of the original it came from."""

    text: str
    starts: tuple[int, ...] | None  # None: the text was already normal, offsets are the same
    ends: tuple[int, ...] | None

    def original_span(self, start: int, end: int) -> tuple[int, int]:
        if self.starts is None or self.ends is None:
            return start, end
        if start >= len(self.starts):
            last = self.ends[-1] if self.ends else 0
            return last, last
        return self.starts[start], self.ends[max(start, end - 1)]


def normalise(text: str) -> Normalised:
    if text.isascii():
        return Normalised(text, None, None)
    whole = unicodedata.normalize("NFKC", text)
    if whole == text:
        return Normalised(text, None, None)
    # Character by character, so every output character knows its source. This differs from
    # whole-string NFKC only for combining sequences, which no identifier we look for contains.
    out: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    for i, ch in enumerate(text):
        norm = unicodedata.normalize("NFKC", ch) if not ch.isascii() else ch
        out.append(norm)
        starts.extend([i] * len(norm))
        ends.extend([i + 1] * len(norm))
    return Normalised("".join(out), tuple(starts), tuple(ends))


def lower_same_length(text: str) -> str:
    """Lower-case text without changing offsets (a few characters lower to two)."""
    low = text.lower()
    if len(low) == len(text):
        return low
    return "".join(c if len(c.lower()) != 1 else c.lower() for c in text)


def has_cjk(text: str) -> bool:
    return CJK_RE.search(text) is not None


def digits(text: str) -> str:
    return "".join(c for c in text if c.isdigit())
