"""Chinese Unified Social Credit Codes (GB 32100): 18 characters with a mod-31 check digit."""

from __future__ import annotations

from stdnum.cn import uscc

from guard.recognizers.base import GuardRecognizer, Rule
from guard.recognizers.text import LEFT, RIGHT

_C = "[0-9A-HJ-NPQRTUWXY]"


class CnUsccRecognizer(GuardRecognizer):
    ENTITIES = ("CN_USCC",)
    RULES = (
        Rule("uscc", rf"{LEFT}(?=[0-9]*[A-Z]){_C}{{2}}[0-9]{{6}}{_C}{{10}}{RIGHT}", 0.7, 0.95),
        # All digits (one valid code in 31 has no letter): far more often an order or tracking
        # number, so only next to a label ("税号", "统一社会信用代码").
        Rule("uscc, digits only", rf"{LEFT}[0-9]{{18}}{RIGHT}", 0.0, 0.9),
    )
    CONTEXT = (
        "统一社会信用代码",
        "信用代码",
        "社会信用代码",
        "营业执照",
        "税号",
        "纳税人识别号",
        "uscc",
        "credit code",
        "tax id",
        "tax_id",
        "taxid",
        "credit_code",
    )

    def validate(self, value: str, rule: Rule) -> bool:
        return len(value) == 18 and bool(uscc.is_valid(value))
