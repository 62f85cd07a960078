"""IBANs, validated by python-stdnum (country length and mod-97 check), in groups of four or
written as one block. Replaces Presidio's, whose \b fails next to Chinese characters."""

from __future__ import annotations

from stdnum import iban

from guard.recognizers.base import GuardRecognizer, Rule

_L = r"(?<![0-9A-Za-z])"
_R = r"(?![0-9A-Za-z])"


class IbanCodeRecognizer(GuardRecognizer):
    ENTITIES = ("IBAN_CODE",)
    RULES = (
        Rule(
            "iban grouped",
            rf"{_L}[A-Z]{{2}}[0-9]{{2}}(?:[ \-][0-9A-Z]{{4}}){{2,7}}(?:[ \-][0-9A-Z]{{1,3}})?{_R}",
            0.9,
            1.0,
        ),
        Rule("iban", rf"{_L}[A-Z]{{2}}[0-9]{{2}}[0-9A-Z]{{11,30}}{_R}", 0.9, 1.0),
    )
    CONTEXT = ("iban", "konto", "bank", "überweisung", "账户", "账号")

    def validate(self, value: str, rule: Rule) -> bool:
        return bool(iban.is_valid(value))
