"""The German tax identification number (Steuer-ID, IdNr): 11 digits with a check digit, written
whole (80164733295) or grouped as on the tax office's letters (80 164 733 295).

This replaces Presidio's DeTaxIdRecognizer, which finds the compact form only and misses context
in a JSON key ("steuer_id"). One number in ten passes the check digit, so a label is required.
"""

from __future__ import annotations

from stdnum.de import idnr

from guard.recognizers.base import GuardRecognizer, Rule
from guard.recognizers.text import LEFT_DIGIT, RIGHT_DIGIT


class DeSteuerIdRecognizer(GuardRecognizer):
    ENTITIES = ("DE_TAX_ID",)
    RULES = (
        Rule(
            "steuer-id",
            rf"{LEFT_DIGIT}[1-9][0-9](?:[ \u00a0]?[0-9]{{3}}){{3}}{RIGHT_DIGIT}(?![ \u00a0]?[0-9])",
            0.0,
            0.9,
        ),
    )
    CONTEXT = (
        "steuer-id",
        "steuer_id",
        "steuerid",
        "steuer id",
        "steuer-identifikationsnummer",
        "steueridentifikationsnummer",
        "steuerliche identifikationsnummer",
        "identifikationsnummer",
        "steuerliche identifikation",
        "persönliche identifikationsnummer",
        "steuer identifikation",
        "idnr",
        "steuer-idnr",
        "steuernummer",
        "bzst",
        "tin",
        "tax id",
        "tax_id",
    )
    CONTEXT_BEFORE = 50

    def validate(self, value: str, rule: Rule) -> bool:
        return bool(idnr.is_valid(value))
