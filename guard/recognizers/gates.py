"""Cheap pre-filters: a recognizer whose every match holds a digit does not run on text
without one.

Most of the recognizers find numbers (cards, phones, tax and health IDs, dates); a chat message
or a paragraph of prose often has no digit at all, and one search for a digit settles them all.
tests/test_gates.py checks that these recognizers find nothing in digit-free text.
"""

from __future__ import annotations

import re
from typing import Any

from presidio_analyzer import EntityRecognizer, RecognizerResult

_DIGIT = re.compile(r"\d")

NEEDS_DIGIT: frozenset[str] = frozenset(
    {
        # Presidio's
        "UsSsnRecognizer",
        "UsItinRecognizer",
        "UsPassportRecognizer",
        "NhsRecognizer",
        "MedicalLicenseRecognizer",
        "DateRecognizer",
        "PhoneRecognizer",
        "UsMbiRecognizer",
        "UsNpiRecognizer",
        "AbaRoutingRecognizer",
        "DeTaxNumberRecognizer",
        "DeSocialSecurityRecognizer",
        "DeHealthInsuranceRecognizer",
        "DePlzRecognizer",
        "DeLanrRecognizer",
        "DeBsnrRecognizer",
        "DeHandelsregisterRecognizer",
        "DeVatIdRecognizer",
        # ours
        "PaymentCardRecognizer",
        "IbanCodeRecognizer",
        "BankAccountRecognizer",
        "UsEinRecognizer",
        "UsSsnCompactRecognizer",
        "CnResidentIdRecognizer",
        "CnPhoneRecognizer",
        "CnPassportRecognizer",
        "CnUsccRecognizer",
        "InternationalPhoneRecognizer",
        "NanpPhoneRecognizer",
        "DePhoneRecognizer",
        "DeSteuerIdRecognizer",
        "Icd10Recognizer",
    }
)


def name_of(recognizer: EntityRecognizer) -> str:
    return str(getattr(recognizer, "name", "")) or type(recognizer).__name__


def gate(recognizer: EntityRecognizer) -> EntityRecognizer:
    """The recognizer itself, made to skip digit-free text if it is in NEEDS_DIGIT."""
    if name_of(recognizer) not in NEEDS_DIGIT:
        return recognizer
    analyze = recognizer.analyze

    def gated(text: str, entities: list[str], nlp_artifacts: Any = None) -> list[RecognizerResult]:
        if _DIGIT.search(text) is None:
            return []
        return list(analyze(text, entities, nlp_artifacts))

    # An instance attribute: the recognizer keeps its class, id and name, which Presidio and
    # the detector's per-recognizer settings look up.
    recognizer.analyze = gated  # type: ignore[method-assign]
    return recognizer
