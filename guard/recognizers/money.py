"""Salaries and account balances: an amount of money near a word that says whose money it is.

Prices, budgets and costs are not personal data, so an amount alone is never reported; the
label decides between SALARY and ACCOUNT_BALANCE (policies may allow either).
"""

from __future__ import annotations

import re

from presidio_analyzer import RecognizerResult
from presidio_analyzer.nlp_engine import NlpArtifacts

from guard.recognizers.base import GuardRecognizer, context_regex, has_context

_NUMBER = r"[0-9]{1,3}(?:[,.' ][0-9]{3})+(?:[.,][0-9]{1,2})?|[0-9]+(?:[.,][0-9]{1,2})?"
_CURRENCY = r"(?:\$|€|£|¥|￥|US\$|USD|EUR|CNY|RMB|GBP|CHF)"
_UNIT = (
    r"(?:\s?(?:k|K|m|M|million|thousand|万元|千元|万美元|万欧元|万|千|元|块|美元|欧元|人民币"
    r"|euro|euros|dollars|Euro|EUR|USD|CNY|RMB|€)(?![A-Za-z]))"
)
_AMOUNT = re.compile(
    rf"(?<![0-9A-Za-z]){_CURRENCY}\s?(?:{_NUMBER}){_UNIT}?(?:\s?(?:/|per|a|pro)\s?(?:year|month|yr|mo|hour|hr|Jahr|Monat|年|月))?"
    rf"|(?<![0-9A-Za-z.,])(?:{_NUMBER}){_UNIT}(?:\s?(?:/|per|a|pro)\s?(?:year|month|yr|mo|hour|hr|Jahr|Monat|年|月))?"
)
_SALARY = context_regex(
    (
        "salary",
        "salaries",
        "wage",
        "wages",
        "earn",
        "earns",
        "earning",
        "income",
        "paid",
        "pay is",
        "take-home",
        "take home",
        "compensation",
        "paycheck",
        "bonus",
        "raise to",
        "工资",
        "月薪",
        "年薪",
        "薪水",
        "薪资",
        "收入",
        "税前",
        "税后",
        "奖金",
        "底薪",
        "Gehalt",
        "Lohn",
        "verdiene",
        "verdient",
        "Einkommen",
        "brutto",
        "netto",
        "Jahresgehalt",
    )
)
_BALANCE = context_regex(
    (
        "balance",
        "account has",
        "in my account",
        "savings of",
        "savings are",
        "net worth",
        "overdrawn",
        "debt",
        "owe",
        "余额",
        "存款",
        "账户里",
        "卡里",
        "负债",
        "欠款",
        "Kontostand",
        "Guthaben",
        "Saldo",
        "Ersparnisse",
        "Schulden",
        "im Minus",
    )
)


class MoneyRecognizer(GuardRecognizer):
    ENTITIES = ("SALARY", "ACCOUNT_BALANCE")

    def analyze(
        self, text: str, entities: list[str], nlp_artifacts: NlpArtifacts | None = None
    ) -> list[RecognizerResult]:
        results: list[RecognizerResult] = []
        for m in _AMOUNT.finditer(text):
            start, end = m.span()
            if not any(c.isdigit() for c in m.group()):
                continue
            if has_context(_BALANCE, text, start, end, 40, 5):
                entity = "ACCOUNT_BALANCE"
            elif has_context(_SALARY, text, start, end, 40, 12):
                entity = "SALARY"
            else:
                continue
            if entities and entity not in entities:
                continue
            results.append(self.result(entity, start, end, 0.7))
        return results
