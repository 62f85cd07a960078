"""Chinese phone numbers: mobiles (1[3-9] + 9 digits) and landlines (0 + area code + 7-8 digits),
with or without +86 / 0086, with spaces, hyphens or full-width digits (normalised before)."""

from __future__ import annotations

import phonenumbers

from guard.recognizers.base import GuardRecognizer, Rule
from guard.recognizers.text import digits

_CC = r"(?:(?:\+|00)\s?86[ \-]?|\(\+?86\)\s?)"
_L = r"(?<![0-9A-Za-z+])"
_R = r"(?![0-9])"


class CnPhoneRecognizer(GuardRecognizer):
    ENTITIES = ("PHONE_NUMBER",)
    RULES = (
        Rule(
            "mobile with country code", rf"{_L}{_CC}1[3-9][0-9](?:[ \-]?[0-9]){{8}}{_R}", 0.9, 1.0
        ),
        Rule("mobile 3-4-4", rf"{_L}1[3-9][0-9][ \-][0-9]{{4}}[ \-][0-9]{{4}}{_R}", 0.75, 0.95),
        Rule("mobile", rf"{_L}1[3-9][0-9]{{9}}{_R}", 0.6, 0.95),
        Rule(
            "landline with country code",
            rf"{_L}{_CC}\(?[1-9][0-9]{{1,2}}\)?[ \-]?[0-9]{{3,4}}[ \-]?[0-9]{{4}}{_R}",
            0.85,
            1.0,
        ),
        Rule(
            "landline",
            rf"{_L}(?:\(0[1-9][0-9]{{1,2}}\)|0[1-9][0-9]{{1,2}})"
            rf"[ \-]?[0-9]{{3,4}}[ \-]?[0-9]{{4}}{_R}",
            0.4,
            0.9,
        ),
    )
    CONTEXT = (
        "手机",
        "电话",
        "联系方式",
        "号码",
        "致电",
        "打给",
        "微信",
        "座机",
        "tel",
        "phone",
        "mobile",
        "call",
        "Telefon",
        "Handy",
        "联系",
    )

    def validate(self, value: str, rule: Rule) -> bool:
        d = digits(value)
        if "mobile" in rule.name:
            return len(set(d[-8:])) > 2  # 13000000000 is a placeholder, not a phone
        try:
            n = phonenumbers.parse(
                d if not d.startswith(("86", "0086")) else "+" + d.removeprefix("00"), "CN"
            )
        except phonenumbers.NumberParseException:
            return False
        return bool(phonenumbers.is_valid_number(n))
