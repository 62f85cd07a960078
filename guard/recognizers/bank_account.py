"""Bank account numbers, which have no national format in the US or China: digits after an
account label ("account number", "Kontonummer", "账号"). Without the label nothing is found."""

from __future__ import annotations

from guard.recognizers.base import GuardRecognizer, Rule
from guard.recognizers.text import JOINT, LABEL_SEP

_LABEL = (
    rf"(?i:(?:bank{JOINT})?account(?:{JOINT}(?:number|num|no\.?|nr|#))?|acct\.?(?:{JOINT}(?:no\.?|num|#))?|a/c"
    r"|checking|savings"
    r"|konto(?:nummer|nr\.?)?|kto\.?(?:-?nr\.?)?|账号|账户|帐号|帐户|收款账号|银行账号|开户账号)"
)
_SEP = LABEL_SEP


class BankAccountRecognizer(GuardRecognizer):
    ENTITIES = ("BANK_ACCOUNT",)
    RULES = (
        Rule(
            "labelled account",
            rf"{_LABEL}{_SEP}([0-9](?:[ \-]?[0-9]){{5,19}})(?![0-9A-Za-z])",
            0.75,
            0.75,
            group=1,
        ),
    )
