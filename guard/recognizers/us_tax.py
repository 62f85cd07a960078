"""US tax numbers. EIN: NN-NNNNNNN with a campus prefix python-stdnum knows. SSN and ITIN are
Presidio's recognizers; an SSN written without dashes scores too low there even next to "social
security", so that form is added here, with its label required."""

from __future__ import annotations

from stdnum.us import ein, ssn

from guard.recognizers.base import GuardRecognizer, Rule
from guard.recognizers.text import LEFT_DIGIT, RIGHT_DIGIT


class UsEinRecognizer(GuardRecognizer):
    ENTITIES = ("US_EIN",)
    RULES = (
        Rule(
            "ein",
            rf"{LEFT_DIGIT}(?<![0-9]-)[0-9]{{2}}-[0-9]{{7}}{RIGHT_DIGIT}(?!-[0-9])",
            0.45,
            0.9,
        ),
        Rule("ein compact", rf"{LEFT_DIGIT}[0-9]{{9}}{RIGHT_DIGIT}", 0.0, 0.7),
    )
    CONTEXT = ("ein", "fein", "employer identification", "tax id", "taxpayer", "tin", "irs")

    def validate(self, value: str, rule: Rule) -> bool:
        return bool(ein.is_valid(value))


class UsSsnCompactRecognizer(GuardRecognizer):
    ENTITIES = ("US_SSN",)
    RULES = (Rule("ssn compact", rf"{LEFT_DIGIT}[0-9]{{9}}{RIGHT_DIGIT}", 0.0, 0.85),)
    CONTEXT = ("ssn", "social security", "social-security", "soc sec")

    def validate(self, value: str, rule: Rule) -> bool:
        return bool(ssn.is_valid(value))
