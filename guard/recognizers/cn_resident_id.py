"""Chinese resident identity card numbers (GB 11643): 18 characters, ISO 7064 check digit.

The check digit may be written as a lower-case x. Birth date and checksum are required; the
region code is checked against python-stdnum's table, but an unknown region only lowers the
score: the table lags behind re-drawn districts, and a valid checksum is rare by chance.
"""

from __future__ import annotations

from stdnum.cn import ric
from stdnum.exceptions import ValidationError

from guard.recognizers.base import GuardRecognizer, Rule
from guard.recognizers.text import LEFT, RIGHT

_SEP = r"[ \-]?"


class CnResidentIdRecognizer(GuardRecognizer):
    ENTITIES = ("CN_RESIDENT_ID",)
    RULES = (
        Rule(
            "resident id",
            rf"{LEFT}[1-9][0-9]{{5}}{_SEP}(?:18|19|20)[0-9]{{2}}[01][0-9][0-3][0-9]{_SEP}"
            rf"[0-9]{{3}}[0-9Xx]{RIGHT}",
            0.85,
            1.0,
        ),
    )
    CONTEXT = (
        "身份证",
        "身份证号",
        "证件号",
        "公民身份号码",
        "id card",
        "resident id",
        "identity card",
        "Personalausweis",
        "chinese id",
    )

    def validate(self, value: str, rule: Rule) -> bool:
        number = ric.compact(value.replace(" ", "").replace("-", ""))
        if number[-1] != ric.calc_check_digit(number):
            return False
        try:
            ric.get_birth_date(number)
        except ValidationError:
            return False
        return True
