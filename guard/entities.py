"""Every entity type the detector can report, and the category each belongs to.

Policies decide per category and per entity type, so a type that is missing here could never be
governed by a policy: the detector refuses to start with a recognizer whose entity is unknown.
"""

from typing import Final, Literal, get_args

Category = Literal["pii", "health", "financial", "secret"]
CATEGORIES: Final[tuple[Category, ...]] = get_args(Category)

# One table, grouped by category. Entity names follow Presidio's where Presidio has the type.
ENTITY_CATEGORIES: Final[dict[str, Category]] = {
    # --- pii: who a person is and how to reach them
    "PERSON": "pii",
    "EMAIL_ADDRESS": "pii",
    "PHONE_NUMBER": "pii",
    "LOCATION": "pii",
    "STREET_ADDRESS": "pii",
    "IP_ADDRESS": "pii",
    "MAC_ADDRESS": "pii",
    "URL": "pii",
    "DATE_TIME": "pii",
    "NRP": "pii",
    # organisations are not personal data; shipped policies allow them, a policy may not
    "ORGANIZATION": "pii",
    "US_DRIVER_LICENSE": "pii",
    "US_PASSPORT": "pii",
    "CN_RESIDENT_ID": "pii",
    "CN_PASSPORT": "pii",
    "DE_ID_CARD": "pii",
    "DE_PASSPORT": "pii",
    "DE_DRIVER_LICENSE": "pii",
    # Presidio's name for the German driving licence (DeFuehrerscheinRecognizer)
    "DE_FUEHRERSCHEIN": "pii",
    "DE_SOCIAL_SECURITY": "pii",
    "DE_KFZ": "pii",
    "DE_PLZ": "pii",
    "UK_NHS": "health",
    # --- health: conditions, treatment, and the numbers that tie a person to their records
    "MEDICAL_CONDITION": "health",
    "SYMPTOM": "health",
    "MEDICATION": "health",
    "MEDICAL_PROCEDURE": "health",
    "MEDICAL_TEST_RESULT": "health",
    "ICD10_CODE": "health",
    "MEDICAL_RECORD_NUMBER": "health",
    "MEDICAL_LICENSE": "health",
    "US_MBI": "health",
    "US_NPI": "health",
    "US_HEALTH_INSURANCE_ID": "health",
    "DE_HEALTH_INSURANCE": "health",
    "DE_LANR": "health",
    "DE_BSNR": "health",
    # --- financial: money, accounts and tax identity
    "CREDIT_CARD": "financial",
    "IBAN_CODE": "financial",
    "SWIFT_CODE": "financial",
    "US_BANK_NUMBER": "financial",
    "BANK_ACCOUNT": "financial",
    "ABA_ROUTING_NUMBER": "financial",
    "US_SSN": "financial",
    "US_ITIN": "financial",
    "US_EIN": "financial",
    "DE_TAX_ID": "financial",
    "DE_TAX_NUMBER": "financial",
    "DE_VAT_ID": "financial",
    "DE_HANDELSREGISTER": "financial",
    "CN_USCC": "financial",
    "CN_BANK_CARD": "financial",
    "CRYPTO": "financial",
    "SALARY": "financial",
    "ACCOUNT_BALANCE": "financial",
    # --- secret: credentials that give access to systems
    "API_KEY": "secret",
    "PRIVATE_KEY": "secret",
    "JWT": "secret",
    "PASSWORD": "secret",
    "CONNECTION_STRING": "secret",
    # Terms a policy's deny-list names; their category is set by the list entry.
    "DENY_LIST": "pii",
}


def is_known(entity_type: str) -> bool:
    return entity_type in ENTITY_CATEGORIES
