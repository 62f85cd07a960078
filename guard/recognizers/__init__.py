"""The recognizers the detector runs: Presidio's predefined ones that fit, made offline, plus ours.

Each recognizer of our own lives in a module of this package named after what it finds. The
detector analyses every text with one spaCy pipeline (English), so every recognizer is
registered for language "en", whatever language it is about; Presidio's German ones ship for
"de" only and are re-created here for "en".
"""

from __future__ import annotations

from collections.abc import Callable

from presidio_analyzer import EntityRecognizer, RecognizerRegistry
from presidio_analyzer.predefined_recognizers import (
    AbaRoutingRecognizer,
    DeBsnrRecognizer,
    DeFuehrerscheinRecognizer,
    DeHandelsregisterRecognizer,
    DeHealthInsuranceRecognizer,
    DeIdCardRecognizer,
    DeKfzRecognizer,
    DeLanrRecognizer,
    DePassportRecognizer,
    DePlzRecognizer,
    DeSocialSecurityRecognizer,
    DeTaxNumberRecognizer,
    DeVatIdRecognizer,
    UsLicenseRecognizer,
    UsMbiRecognizer,
    UsNpiRecognizer,
)

from guard.recognizers import person_name, words
from guard.recognizers.api_key import ApiKeyRecognizer
from guard.recognizers.bank_account import BankAccountRecognizer
from guard.recognizers.bic import BicRecognizer
from guard.recognizers.cn_address import CnAddressRecognizer
from guard.recognizers.cn_name import CnNameRecognizer
from guard.recognizers.cn_passport import CnPassportRecognizer
from guard.recognizers.cn_phone import CnPhoneRecognizer
from guard.recognizers.cn_resident_id import CnResidentIdRecognizer
from guard.recognizers.cn_uscc import CnUsccRecognizer
from guard.recognizers.condition import MedicalConditionRecognizer
from guard.recognizers.connection_string import ConnectionStringRecognizer
from guard.recognizers.credential_assignment import CredentialAssignmentRecognizer
from guard.recognizers.crypto import CryptoWalletRecognizer
from guard.recognizers.de_address import DeAddressRecognizer
from guard.recognizers.de_name import DeNameRecognizer
from guard.recognizers.de_phone import DePhoneRecognizer
from guard.recognizers.de_tax import DeSteuerIdRecognizer
from guard.recognizers.email import OfflineEmailRecognizer
from guard.recognizers.en_address import EnAddressRecognizer
from guard.recognizers.en_name import EnNameRecognizer
from guard.recognizers.gates import gate
from guard.recognizers.iban import IbanCodeRecognizer
from guard.recognizers.icd10 import Icd10Recognizer
from guard.recognizers.jwt import JwtRecognizer
from guard.recognizers.medical_record import MedicalRecordNumberRecognizer
from guard.recognizers.medication import MedicationRecognizer, drug_names
from guard.recognizers.money import MoneyRecognizer
from guard.recognizers.ner_noise import NoiseFilteredSpacyRecognizer
from guard.recognizers.password import PasswordRecognizer
from guard.recognizers.payment_card import PaymentCardRecognizer
from guard.recognizers.person_name import PersonNameRecognizer
from guard.recognizers.phone import InternationalPhoneRecognizer, NanpPhoneRecognizer
from guard.recognizers.presidio_phone import LinePhoneRecognizer
from guard.recognizers.private_key import PrivateKeyRecognizer
from guard.recognizers.procedure import MedicalProcedureRecognizer
from guard.recognizers.secret_scanner import DetectSecretsRecognizer
from guard.recognizers.symptom import SymptomRecognizer
from guard.recognizers.test_result import MedicalTestResultRecognizer
from guard.recognizers.us_tax import UsEinRecognizer, UsSsnCompactRecognizer

# Presidio recognizers we do not run:
# - replaced by ours (offline email; cards up to 19 digits and CJK-safe boundaries; IBAN and
#   crypto with CJK-safe boundaries; bank accounts only after an account label, where
#   UsBankRecognizer matches any 8-17 digits),
# - UUIDs identify records, not people (users complain about UUIDs redacted in code).
_REPLACED = {
    "EmailRecognizer",
    "UuidRecognizer",
    "CreditCardRecognizer",
    "IbanRecognizer",
    "CryptoRecognizer",
    "UsBankRecognizer",
    "UsLicenseRecognizer",
    "SpacyRecognizer",  # re-added as NoiseFilteredSpacyRecognizer
}

# Presidio recognizers that ship disabled or for German only, run for our single language.
# Their regexes are weak alone; Presidio's context enhancer (+0.35) lifts them past a policy's
# threshold only next to their context words.
_PRESIDIO_EXTRA: tuple[Callable[..., EntityRecognizer], ...] = (
    UsMbiRecognizer,
    UsNpiRecognizer,
    AbaRoutingRecognizer,
    DeTaxNumberRecognizer,
    DePassportRecognizer,
    DeIdCardRecognizer,
    DeSocialSecurityRecognizer,
    DeHealthInsuranceRecognizer,
    DeKfzRecognizer,
    DePlzRecognizer,
    DeLanrRecognizer,
    DeBsnrRecognizer,
    DeFuehrerscheinRecognizer,
    DeHandelsregisterRecognizer,
    DeVatIdRecognizer,
)

# Our own recognizers, one per identifier family.
_OURS: tuple[Callable[..., EntityRecognizer], ...] = (
    OfflineEmailRecognizer,
    PaymentCardRecognizer,
    IbanCodeRecognizer,
    BicRecognizer,
    BankAccountRecognizer,
    UsEinRecognizer,
    UsSsnCompactRecognizer,
    CryptoWalletRecognizer,
    MoneyRecognizer,
    CnResidentIdRecognizer,
    CnPhoneRecognizer,
    InternationalPhoneRecognizer,
    NanpPhoneRecognizer,
    CnUsccRecognizer,
    CnPassportRecognizer,
    CnNameRecognizer,
    CnAddressRecognizer,
    DePhoneRecognizer,
    DeSteuerIdRecognizer,
    DeAddressRecognizer,
    DeNameRecognizer,
    EnAddressRecognizer,
    EnNameRecognizer,
    PersonNameRecognizer,
    MedicationRecognizer,
    MedicalConditionRecognizer,
    SymptomRecognizer,
    MedicalProcedureRecognizer,
    MedicalTestResultRecognizer,
    Icd10Recognizer,
    MedicalRecordNumberRecognizer,
    ApiKeyRecognizer,
    DetectSecretsRecognizer,
    CredentialAssignmentRecognizer,
    PrivateKeyRecognizer,
    JwtRecognizer,
    PasswordRecognizer,
    ConnectionStringRecognizer,
    NoiseFilteredSpacyRecognizer,
)


def _context_tuned(language: str) -> list[EntityRecognizer]:
    # Presidio matches context words inside tokens: its "lic" made "replicas" a licence context.
    licence = UsLicenseRecognizer(
        context=["driver", "license", "licence", "driving", "permit"], supported_language=language
    )
    return [licence]


# Presidio recognizers whose match alone is weak evidence: a checksum that one number in ten
# passes (NHS, NPI, ABA, Steuer-ID) or a bare format (9 digits, a letter and 9 digits). Presidio
# scores a passed checksum 1.0 whatever surrounds it, so the detector caps their findings below
# any policy threshold unless a context word was found next to them.
CONTEXT_REQUIRED: frozenset[str] = frozenset(
    {getattr(cls, "__name__", "") for cls in _PRESIDIO_EXTRA}
    | {"NhsRecognizer", "UsLicenseRecognizer"}
)
CONTEXT_MISSING_CAP = 0.4


def preload_lexicons() -> None:
    """Load the large term lists (seconds of bz2 decompression, which releases the GIL) and
    build the lexicons made of them: the detector calls this in a thread while spaCy loads."""
    drug_names()
    words.preload()
    person_name.preload()
    # The health lexicons (ICD-10 and ICD-10-CM terms in every spelling: most of a second).
    for recognizer in (MedicalConditionRecognizer, SymptomRecognizer, MedicationRecognizer):
        recognizer.cached_lexicon()


def build_registry(languages: list[str]) -> RecognizerRegistry:
    registry = RecognizerRegistry(supported_languages=languages)
    registry.load_predefined_recognizers(languages=languages)
    registry.recognizers = [
        _line_phone(r) for r in registry.recognizers if type(r).__name__ not in _REPLACED
    ]
    for recognizer in extra_recognizers(languages):
        registry.add_recognizer(recognizer)
    registry.recognizers = [gate(r) for r in registry.recognizers]
    return registry


def _line_phone(recognizer: EntityRecognizer) -> EntityRecognizer:
    """Presidio's phone recognizer, skipping lines without enough digits (same findings)."""
    if type(recognizer).__name__ != "PhoneRecognizer":
        return recognizer
    return LinePhoneRecognizer(
        context=recognizer.context,
        supported_language=recognizer.supported_language,
        supported_regions=recognizer.supported_regions,  # type: ignore[attr-defined]
        leniency=recognizer.leniency,  # type: ignore[attr-defined]
        name="PhoneRecognizer",
    )


def extra_recognizers(languages: list[str]) -> list[EntityRecognizer]:
    found: list[EntityRecognizer] = []
    for language in languages:
        found.extend(cls(supported_language=language) for cls in _PRESIDIO_EXTRA)
        found.extend(_context_tuned(language))
        found.extend(cls(supported_language=language) for cls in _OURS)
    return found
