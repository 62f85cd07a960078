"""Medical record numbers and health-insurance member numbers, found by their labels.

These numbers have no fixed format (each hospital and insurer picks its own), so only the label
in front of them tells them apart from any other reference: a label is required.
"""

from __future__ import annotations

from guard.recognizers.base import GuardRecognizer, Rule
from guard.recognizers.text import JOINT, LABEL_SEP

_ID = r"[A-Z]{0,4}[-\s]?[0-9][0-9\-]{4,14}[0-9A-Z]?(?![0-9A-Za-z])"
_SEP = rf"(?:{JOINT}(?:number|no\.?|nr\.?|#|id|号|号码))?{LABEL_SEP}"
_INSURANCE_LABEL = (
    rf"(?i:member{JOINT}(?:id|number)|insurance{JOINT}(?:id|number)|policy{JOINT}number"
    rf"|subscriber{JOINT}id|health{JOINT}plan{JOINT}id|medicare(?:{JOINT}(?:id|number))?|mbi"
    r"|医保卡|医保|社保卡|保险单|保单|versicherungsnummer|mitgliedsnummer|policennummer)"
)
# The Medicare Beneficiary Identifier (CMS): 11 characters, C A AN N A AN N A A N N, letters
# other than S L O I B Z, written with or without dashes after the 4th and 7th.
_L = "[AC-HJKMNP-RT-Y]"
_MBI = rf"[1-9]{_L}[0-9{_L[1:-1]}][0-9]-?{_L}[0-9{_L[1:-1]}][0-9]-?{_L}{{2}}[0-9]{{2}}(?![0-9A-Za-z])"


class MedicalRecordNumberRecognizer(GuardRecognizer):
    ENTITIES = ("MEDICAL_RECORD_NUMBER", "US_HEALTH_INSURANCE_ID", "US_MBI")
    RULES = (
        Rule(
            "medical record label",
            rf"(?i)(?:mrn|medical{JOINT}record|patient{JOINT}id|patient{JOINT}number|chart"
            r"|病历|病案|住院|门诊|就诊卡|patientennummer|fallnummer|patienten-id"
            r"|aktenzeichen der klinik)"
            rf"{_SEP}(?-i:({_ID}))",
            0.85,
            0.85,
            entity="MEDICAL_RECORD_NUMBER",
            group=1,
        ),
        Rule(
            "labelled medicare beneficiary identifier",
            rf"{_INSURANCE_LABEL}{_SEP}({_MBI})",
            0.85,
            0.85,
            entity="US_MBI",
            group=1,
        ),
        Rule(
            "insurance member label",
            rf"{_INSURANCE_LABEL}{_SEP}({_ID})",
            0.8,
            0.8,
            entity="US_HEALTH_INSURANCE_ID",
            group=1,
        ),
    )
