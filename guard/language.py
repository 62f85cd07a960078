"""Which language a text slot is in: "zh", "de" or "en" (the default).

A script and stop-word count, not a model: it runs on every slot of every request, so it must
cost microseconds, and these three languages are told apart easily. Han characters decide for
Chinese (one character carries about as much as a Latin word, so they are weighed against
words); between German and English, function words decide, and umlauts and ß weigh for German.
Only the first few thousand characters are looked at.
"""

from __future__ import annotations

import re
from typing import Literal

Language = Literal["en", "zh", "de"]

_SAMPLE = 4000
_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_WORD = re.compile(r"[A-Za-zÄÖÜäöüß]+")
_GERMAN = frozenset(
    [
        "der",
        "die",
        "das",
        "und",
        "ist",
        "nicht",
        "ich",
        "sie",
        "er",
        "es",
        "wir",
        "ihr",
        "ein",
        "eine",
        "einen",
        "einem",
        "einer",
        "mit",
        "von",
        "zu",
        "auf",
        "für",
        "den",
        "dem",
        "des",
        "im",
        "bei",
        "aus",
        "auch",
        "sich",
        "nach",
        "wie",
        "wird",
        "wurde",
        "sind",
        "habe",
        "hat",
        "haben",
        "bitte",
        "mein",
        "meine",
        "meinen",
        "kann",
        "können",
        "über",
        "oder",
        "aber",
        "noch",
        "nur",
        "dass",
        "wenn",
        "schon",
        "sehr",
        "hier",
        "heute",
        "ob",
        "uns",
        "euch",
        "diese",
        "dieser",
        "dieses",
        "zum",
        "zur",
        "vom",
        "gibt",
        "wo",
        "warum",
        "weil",
        "dann",
        "denn",
        "doch",
        "mir",
        "mich",
        "dir",
        "dich",
        "sein",
        "seine",
        "ihre",
        "kein",
        "keine",
        "mehr",
        "wurden",
        "werden",
        "bin",
        "bist",
        "ja",
        "nein",
        "danke",
    ]
)
_ENGLISH = frozenset(
    [
        "the",
        "and",
        "is",
        "are",
        "was",
        "were",
        "to",
        "of",
        "for",
        "on",
        "with",
        "that",
        "this",
        "it",
        "you",
        "my",
        "your",
        "be",
        "have",
        "has",
        "not",
        "what",
        "can",
        "please",
        "from",
        "at",
        "by",
        "or",
        "but",
        "will",
        "would",
        "there",
        "their",
        "about",
        "which",
        "who",
        "how",
        "when",
        "why",
        "do",
        "does",
        "did",
        "been",
        "they",
        "them",
        "we",
        "our",
        "us",
        "he",
        "she",
        "his",
        "her",
        "its",
        "me",
        "if",
        "than",
        "then",
        "some",
        "any",
        "just",
        "also",
        "into",
        "should",
        "could",
        "yes",
        "no",
        "thanks",
        "thank",
    ]
)
# Function words of either language: no name or place starts with one.
FUNCTION_WORDS = _GERMAN | _ENGLISH | frozenset({"i", "a", "an", "in", "so", "as"})
_GERMAN_LETTERS = re.compile(r"[äöüßÄÖÜ]")


def detect_language(text: str) -> Language:
    sample = text[:_SAMPLE]
    han = len(_HAN.findall(sample))
    words = _WORD.findall(sample)
    if han and han >= len(words):
        return "zh"
    if not words:
        return "zh" if han else "en"
    german = english = 0
    for w in words:
        lw = w.lower()
        if lw in _GERMAN:
            german += 1
        elif lw in _ENGLISH:
            english += 1
    german += len(_GERMAN_LETTERS.findall(sample)) // 2
    return "de" if german > english else "en"
