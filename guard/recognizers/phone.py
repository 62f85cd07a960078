"""Phone numbers in international form (+CC ...), validated by phonenumbers, and North American
numbers written with separators ("(415) 867-5309", "415.867.5309").

Presidio's PhoneRecognizer scores every number 0.4, under the shipped policies' thresholds, so
phones without a context word would leak; numbers in these forms are phones on their own.
Chinese and German national forms have their own modules (cn_phone, de_phone).
"""

from __future__ import annotations

import phonenumbers

from guard.recognizers.base import GuardRecognizer, Rule
from guard.recognizers.text import digits

_L = r"(?<![0-9A-Za-z+\-.])"
_R = r"(?![0-9])(?!\.[0-9])(?!-[0-9])"


class InternationalPhoneRecognizer(GuardRecognizer):
    ENTITIES = ("PHONE_NUMBER",)
    RULES = (
        Rule(
            "international",
            rf"{_L}(?:\+|00)[1-9][0-9]{{0,2}}(?:[ \-.]?\(?[0-9]{{1,5}}\)?){{1,6}}{_R}",
            0.8,
            0.95,
        ),
    )
    CONTEXT = (
        "phone",
        "tel",
        "call",
        "mobile",
        "cell",
        "whatsapp",
        "fax",
        "电话",
        "手机",
        "Telefon",
        "Handy",
    )

    def validate(self, value: str, rule: Rule) -> bool:
        d = digits(value)
        if value.startswith("00"):
            d = d[2:]
        if not 8 <= len(d) <= 15:
            return False
        try:
            number = phonenumbers.parse("+" + d, None)
        except phonenumbers.NumberParseException:
            return False
        return bool(phonenumbers.is_valid_number(number))


class NanpPhoneRecognizer(GuardRecognizer):
    ENTITIES = ("PHONE_NUMBER",)
    RULES = (
        Rule(
            "north american",
            rf"{_L}(?:1[ \-.])?(?:\([2-9][0-9]{{2}}\)\s?|[2-9][0-9]{{2}}[ \-.])"
            rf"[2-9][0-9]{{2}}[ \-.][0-9]{{4}}{_R}",
            0.7,
            0.9,
        ),
    )
    CONTEXT = ("phone", "tel", "call", "mobile", "cell", "text me", "fax", "contact")

    def validate(self, value: str, rule: Rule) -> bool:
        # Structure only (area and exchange codes start 2-9): made-up but well-formed numbers
        # are still someone's number, and the 555 range is how examples are written.
        d = digits(value)
        return len(set(d[-7:])) > 1
