"""BIC / SWIFT codes. Eight or eleven capitals look like many words ("DATABASE" has a valid
country in it), so a BIC counts only next to a label."""

from __future__ import annotations

from stdnum import bic

from guard.recognizers.base import GuardRecognizer, Rule
from guard.recognizers.text import LEFT, RIGHT


class BicRecognizer(GuardRecognizer):
    ENTITIES = ("SWIFT_CODE",)
    RULES = (Rule("bic", rf"{LEFT}[A-Z]{{6}}[A-Z0-9]{{2}}(?:[A-Z0-9]{{3}})?{RIGHT}", 0.0, 0.85),)
    CONTEXT = ("bic", "swift", "bank code", "bankleitzahl", "银行代码", "swift code")
    CONTEXT_BEFORE = 25

    def validate(self, value: str, rule: Rule) -> bool:
        return bool(bic.is_valid(value))
