"""Chinese passport numbers: E or G plus 8 digits (ordinary), or E + letter + 7 digits, and
the P/S/D prefixes of official and diplomatic passports. Short and plain, so a label is needed
to score high."""

from __future__ import annotations

from guard.recognizers.base import GuardRecognizer, Rule
from guard.recognizers.text import LEFT, RIGHT


class CnPassportRecognizer(GuardRecognizer):
    ENTITIES = ("CN_PASSPORT",)
    RULES = (
        Rule(
            "passport",
            rf"{LEFT}(?:[EG][0-9]{{8}}|E[A-HJ-NP-Z][0-9]{{7}}|[DSP]E[0-9]{{7}}){RIGHT}",
            0.4,
            0.9,
        ),
    )
    CONTEXT = ("护照", "护照号", "passport", "Reisepass", "证件")
