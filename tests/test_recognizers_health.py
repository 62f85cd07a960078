"""Health data: conditions, medications, procedures, test results, ICD-10 codes and the
numbers that tie a person to records (MRN, MBI, NPI, insurance numbers), in three languages."""

from __future__ import annotations

import pytest

from guard.detect import Detector
from guard.policy import Policy
from tests.recognizer_cases import assert_found, assert_not_found, assert_untouched


@pytest.mark.parametrize(
    ("text", "entity", "value"),
    [
        ("I was diagnosed with type 2 diabetes last year", "MEDICAL_CONDITION", "type 2 diabetes"),
        ("She has Asthma.", "MEDICAL_CONDITION", "Asthma"),
        ("history of bipolar disorder", "MEDICAL_CONDITION", "bipolar disorder"),
        ("He tested for Lyme disease", "MEDICAL_CONDITION", "Lyme disease"),
        ("我有糖尿病和高血压", "MEDICAL_CONDITION", "糖尿病"),
        ("确诊抑郁症两年了", "MEDICAL_CONDITION", "抑郁症"),
        ("Ich habe Bluthochdruck", "MEDICAL_CONDITION", "Bluthochdruck"),
        ("seit Jahren Depressionen", "MEDICAL_CONDITION", "Depressionen"),
        ("I take metformin 500mg twice a day", "MEDICATION", "metformin"),
        ("she's on Lipitor", "MEDICATION", "Lipitor"),
        ("two Tylenol and an Ozempic shot", "MEDICATION", "Ozempic"),
        ("每天服用二甲双胍", "MEDICATION", "二甲双胍"),
        ("Ich nehme Ibuprofen", "MEDICATION", "Ibuprofen"),
        ("scheduled for a colonoscopy on Monday", "MEDICAL_PROCEDURE", "colonoscopy"),
        ("下周做化疗", "MEDICAL_PROCEDURE", "化疗"),
        ("nach der Chemotherapie", "MEDICAL_PROCEDURE", "Chemotherapie"),
        ("my HbA1c was 7.8%", "MEDICAL_TEST_RESULT", "HbA1c was 7.8%"),
        ("blood pressure 150/95 mmHg", "MEDICAL_TEST_RESULT", "blood pressure 150/95 mmHg"),
        ("my HIV test came back positive", "MEDICAL_TEST_RESULT", "HIV test came back positive"),
        ("I tested positive for covid", "MEDICAL_TEST_RESULT", "tested positive"),
        ("空腹血糖8.5mmol/L", "MEDICAL_TEST_RESULT", "血糖8.5mmol/L"),
        ("Blutdruck 160/100", "MEDICAL_TEST_RESULT", "Blutdruck 160/100"),
        ("diagnosis code E11.9", "ICD10_CODE", "E11.9"),
        ("ICD-10: F32", "ICD10_CODE", "F32"),
        ("诊断编码J45.9", "ICD10_CODE", "J45.9"),
        ("MRN: 00123456", "MEDICAL_RECORD_NUMBER", "00123456"),
        ("病历号：ZY20240015", "MEDICAL_RECORD_NUMBER", "ZY20240015"),
        ("member ID W123456789", "US_HEALTH_INSURANCE_ID", "W123456789"),
        ("医保卡号 1234567890123", "US_HEALTH_INSURANCE_ID", "1234567890123"),
        ("Medicare MBI 1EG4-TE5-MK73", "US_MBI", "1EG4-TE5-MK73"),
        ("provider NPI 1234567893", "US_NPI", "1234567893"),
        ("Krankenversichertennummer: A123456780", "DE_HEALTH_INSURANCE", "A123456780"),
    ],
)
def test_health_found(detector: Detector, text: str, entity: str, value: str) -> None:
    assert_found(detector, text, entity, value)


@pytest.mark.parametrize(
    ("text", "entity"),
    [
        ("the M16 and the A380", "ICD10_CODE"),
        ("compile with python3.11", "ICD10_CODE"),
        ("Ship it in Java or Python", "MEDICATION"),
        ("add more iron to the alloy", "MEDICATION"),
        ("run the checkecg tool", "MEDICAL_PROCEDURE"),
        ("the build is positive", "MEDICAL_TEST_RESULT"),
        ("call 1234567893 tomorrow", "US_NPI"),
    ],
)
def test_health_hard_negatives(detector: Detector, text: str, entity: str) -> None:
    assert_not_found(detector, text, entity)


@pytest.mark.parametrize(
    "text",
    [
        "Set the cache TTL to 300 seconds and retry 3 times.",
        "Run the migration E11 on the staging database.",
    ],
)
def test_technical_text_untouched(detector: Detector, kimi_policy: Policy, text: str) -> None:
    assert_untouched(detector, kimi_policy, text)
