"""German identifiers: Presidio's German recognizers (run for our single analysis language),
phone numbers, addresses and names."""

from __future__ import annotations

import pytest

from guard.detect import Detector
from guard.policy import Policy
from tests.recognizer_cases import assert_found, assert_not_found, assert_untouched


@pytest.mark.parametrize(
    ("text", "entity", "value"),
    [
        ("Telefon: 030 12345678", "PHONE_NUMBER", "030 12345678"),
        ("Handy 0171 1234567", "PHONE_NUMBER", "0171 1234567"),
        ("Ruf mich an unter +49 (0)30 1234-5678.", "PHONE_NUMBER", "+49 (0)30 1234-5678"),
        ("Tel. 089/12345678", "PHONE_NUMBER", "089/12345678"),
        ("erreichbar unter 0049 171 1234567", "PHONE_NUMBER", "0049 171 1234567"),
        (
            "Ich wohne in der Hauptstraße 5, 10115 Berlin.",
            "STREET_ADDRESS",
            "Hauptstraße 5, 10115 Berlin",
        ),
        (
            "Lieferadresse: Berliner Straße 12a, 60311 Frankfurt am Main",
            "STREET_ADDRESS",
            "Berliner Straße 12a, 60311 Frankfurt am Main",
        ),
        ("Am Alten Markt 3, 14467 Potsdam", "STREET_ADDRESS", "Am Alten Markt 3, 14467 Potsdam"),
        ("Goethestr. 7", "STREET_ADDRESS", "Goethestr. 7"),
        ("Sehr geehrter Herr Müller,", "PERSON", "Müller"),
        ("Frau Dr. Anna Schmidt-Weber ist meine Ärztin", "PERSON", "Anna Schmidt-Weber"),
        ("Ich heiße Jürgen Becker und brauche Hilfe", "PERSON", "Jürgen Becker"),
        ("Versichertennummer A123456780", "DE_HEALTH_INSURANCE", "A123456780"),
        ("Meine Steuer-ID ist 65929970489", "DE_TAX_ID", "65929970489"),
        ("IBAN DE89 3704 0044 0532 0130 00", "IBAN_CODE", "DE89 3704 0044 0532 0130 00"),
        ("Kontonummer 0532013000 bei der Commerzbank", "BANK_ACCOUNT", "0532013000"),
        ("Meine Personalausweisnummer ist T22000129", "DE_ID_CARD", "T22000129"),
    ],
)
def test_german_found(detector: Detector, text: str, entity: str, value: str) -> None:
    assert_found(detector, text, entity, value)


@pytest.mark.parametrize(
    ("text", "entity"),
    [
        ("Die Version 2024.10.1 ist fertig", "PHONE_NUMBER"),
        ("Ich bin Arzt und arbeite viel", "PERSON"),
        ("Die Straße ist lang", "STREET_ADDRESS"),
        ("Bestellung 0301234 wurde versandt", "PHONE_NUMBER"),
    ],
)
def test_german_hard_negatives(detector: Detector, text: str, entity: str) -> None:
    assert_not_found(detector, text, entity)


@pytest.mark.parametrize(
    "text",
    [
        "Kannst du mir erklären, wie async/await in Python funktioniert?",
        "Der Build 4.2.1 ist am 03.05.2024 um 14:30 Uhr fehlgeschlagen.",
    ],
)
def test_german_technical_text_untouched(
    detector: Detector, kimi_policy: Policy, text: str
) -> None:
    assert_untouched(detector, kimi_policy, text)
