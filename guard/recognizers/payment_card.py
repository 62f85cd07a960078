"""Payment cards: 13 to 19 digits that pass Luhn (UnionPay's 19-digit 62... cards included).

Presidio's card regex stops at 16 digits and needs \b, which never holds between a Chinese
character and a digit. A Luhn-valid number with a Chinese card label ("银行卡", "卡号") is
reported as CN_BANK_CARD, so policies can treat Chinese bank cards on their own.
"""

from __future__ import annotations

import re

from presidio_analyzer import RecognizerResult
from presidio_analyzer.nlp_engine import NlpArtifacts
from stdnum import ean, luhn

from guard.recognizers.base import GuardRecognizer, Rule, context_regex, has_context
from guard.recognizers.text import LEFT_DIGIT, RIGHT_DIGIT, digits

# Issuer prefixes in use (Visa 4, Mastercard 51-55/2221-2720, Amex 34/37, Diners 30/36/38,
# Discover/UnionPay/Maestro 6, JCB 35, Maestro 50/56-58). A 13-digit millisecond timestamp
# starts with 1 and never matches.
_PREFIXES = ("2", "3", "4", "5", "6")
_CN_CONTEXT = context_regex(
    (
        "银行卡",
        "卡号",
        "储蓄卡",
        "借记卡",
        "信用卡",
        "银联",
        "开户行",
        "工商银行",
        "建设银行",
        "农业银行",
        "中国银行",
        "招商银行",
        "交通银行",
        "unionpay",
    )
)
# A run of digits with single separators; a card is the whole run or a run of its groups
# ("4111 1111 1111 1111 12/25" holds a card followed by an expiry date).
_RUN = re.compile(rf"{LEFT_DIGIT}[0-9](?:[ \-]?[0-9]){{12,}}{RIGHT_DIGIT}")
_GROUP = re.compile(r"[0-9]+")


def _is_card(number: str) -> bool:
    return (
        13 <= len(number) <= 19
        and number.startswith(_PREFIXES)
        and len(set(number)) >= 2
        and bool(luhn.is_valid(number))
    )


def card_spans(text: str) -> list[tuple[int, int]]:
    spans: list[tuple[int, int]] = []
    for run in _RUN.finditer(text):
        if _is_card(digits(run.group())):
            spans.append(run.span())
            continue
        groups = [
            (m.start() + run.start(), m.end() + run.start(), m.group())
            for m in _GROUP.finditer(run.group())
        ]
        i = 0
        while i < len(groups):
            found = False
            for j in range(len(groups) - 1, i, -1):
                number = "".join(g[2] for g in groups[i : j + 1])
                if _is_card(number):
                    spans.append((groups[i][0], groups[j][1]))
                    i, found = j + 1, True
                    break
            if not found:
                i += 1
    return spans


class PaymentCardRecognizer(GuardRecognizer):
    ENTITIES = ("CREDIT_CARD", "CN_BANK_CARD")
    RULES = (
        # A Chinese bank card number labelled as such, even where the bank skipped Luhn.
        Rule(
            "labelled Chinese bank card",
            r"(?:银行卡|卡号|储蓄卡|借记卡)(?:号|号码)?\s?(?:是|为|:|：)?\s?"
            r"([0-9](?:[ \-]?[0-9]){15,18})(?![0-9])",
            0.8,
            0.8,
            entity="CN_BANK_CARD",
            group=1,
        ),
    )
    CONTEXT = (
        "card",
        "credit",
        "debit",
        "visa",
        "mastercard",
        "amex",
        "卡",
        "Karte",
        "Kreditkarte",
        "EC-Karte",
    )

    def analyze(
        self, text: str, entities: list[str], nlp_artifacts: NlpArtifacts | None = None
    ) -> list[RecognizerResult]:
        results = super().analyze(text, entities, nlp_artifacts)
        labelled = {(r.start, r.end) for r in results}
        for start, end in card_spans(text):
            if (start, end) in labelled:
                continue
            chinese = has_context(_CN_CONTEXT, text, start, end, 20, 0)
            context = chinese or self.context_found(text, start, end)
            number = digits(text[start:end])
            # 13 digits: a legacy Visa length no issuer hands out any more, and the length of
            # an EAN barcode ("4006381333931"); one with a valid EAN check digit is a card only
            # next to a card word.
            if not context and len(number) == 13 and ean.is_valid(number):
                continue
            score = 1.0 if context else 0.8
            results.append(
                self.result("CN_BANK_CARD" if chinese else "CREDIT_CARD", start, end, score)
            )
        return results
