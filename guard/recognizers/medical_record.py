"""Medical record numbers and health-insurance member numbers, found by their labels.

These numbers have no fixed format (each hospital and insurer picks its own), so only the label
in front of them tells them apart from any other reference: a label is required.
"""

from __future__ import annotations

from guard.recognizers.base import GuardRecognizer, Rule

_ID = r"[A-Z]{0,4}[-\s]?[0-9][0-9\-]{4,14}[0-9A-Z]?(?![0-9A-Za-z])"
_SEP = r"(?:\s?(?:number|no\.?|nr\.?|#|id|号|号码))?\s?(?:is|ist|:|：|#|是|为)?\s?"


class MedicalRecordNumberRecognizer(GuardRecognizer):
    ENTITIES = ("MEDICAL_RECORD_NUMBER", "US_HEALTH_INSURANCE_ID")
    RULES = (
        Rule(
            "medical record label",
            r"(?i)(?:mrn|medical record|patient id|patient number|chart|病历|病案|住院|门诊|就诊卡"
            r"|patientennummer|fallnummer|patienten-id|aktenzeichen der klinik)"
            rf"{_SEP}(?-i:({_ID}))",
            0.85,
            0.85,
            entity="MEDICAL_RECORD_NUMBER",
            group=1,
        ),
        Rule(
            "insurance member label",
            r"(?i)(?:member id|member number|insurance id|insurance number|policy number"
            r"|subscriber id|health plan id|医保卡|医保|社保卡|保险单|保单"
            r"|versicherungsnummer|mitgliedsnummer|policennummer)"
            rf"{_SEP}(?-i:({_ID}))",
            0.8,
            0.8,
            entity="US_HEALTH_INSURANCE_ID",
            group=1,
        ),
    )
