"""German phone numbers: +49 / 0049 / 0 followed by area code and subscriber number, in the ways
Germans write them ("030 12345678", "0171 1234567", "+49 (0)30 1234-5678", "089/12345678"),
validated by phonenumbers."""

from __future__ import annotations

import phonenumbers

from guard.recognizers.base import GuardRecognizer, Rule
from guard.recognizers.text import digits

_L = r"(?<![0-9A-Za-z+])"
_R = r"(?![0-9])"


class DePhoneRecognizer(GuardRecognizer):
    ENTITIES = ("PHONE_NUMBER",)
    RULES = (
        Rule(
            "german phone with country code",
            rf"{_L}(?:\+|00)\s?49[ \-]?(?:\(0\)\s?)?[1-9][0-9]{{1,4}}[ \-/]?[0-9]{{2,8}}"
            rf"(?:[ \-][0-9]{{1,6}})?{_R}",
            0.85,
            1.0,
        ),
        Rule(
            "german phone",
            rf"{_L}(?:\(0[1-9][0-9]{{1,4}}\)\s?|0[1-9][0-9]{{1,4}}[ \-/])[0-9]{{3,8}}"
            rf"(?:[ \-][0-9]{{1,6}})?{_R}",
            0.55,
            0.9,
        ),
        # A bare run of digits starting with 0 is as often an order or customer number.
        Rule("german phone compact", rf"{_L}0[1-9][0-9]{{6,11}}{_R}", 0.3, 0.9),
    )
    CONTEXT = (
        "telefon",
        "tel",
        "handy",
        "mobil",
        "rufnummer",
        "anrufen",
        "erreichbar",
        "fax",
        "phone",
        "call",
        "mobile",
        "电话",
        "手机",
    )

    def validate(self, value: str, rule: Rule) -> bool:
        d = digits(value)
        if "country code" in rule.name:
            national = d.removeprefix("00").removeprefix("49")
            if value.find("(0)") >= 0:
                national = national.removeprefix("0")
            candidate = "+49" + national
        else:
            candidate = d
        try:
            n = phonenumbers.parse(candidate, "DE")
        except phonenumbers.NumberParseException:
            return False
        return bool(phonenumbers.is_valid_number(n))
