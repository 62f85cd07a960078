"""guard's LinePhoneRecognizer skips work Presidio's PhoneRecognizer does; its findings must be
the same."""

from __future__ import annotations

import random

from phonenumbers import PhoneMetadata
from phonenumbers.phonenumberutil import SUPPORTED_REGIONS
from presidio_analyzer.predefined_recognizers import PhoneRecognizer

from guard.recognizers.presidio_phone import (
    MIN_INTERNATIONAL_DIGITS,
    LinePhoneRecognizer,
    distinct_regions,
    shortest_number,
)


def _spans(results: list) -> list[tuple[int, int, float]]:
    return sorted((r.start, r.end, r.score) for r in results)


def test_no_number_written_with_plus_is_shorter_than_the_gate() -> None:
    shortest = min(
        len(str(PhoneMetadata.metadata_for_region(r).country_code)) + shortest_number(r)
        for r in SUPPORTED_REGIONS
        if shortest_number(r)
    )
    assert shortest >= MIN_INTERNATIONAL_DIGITS


def test_us_and_canada_are_matched_once() -> None:
    regions = [r for r, _ in distinct_regions(PhoneRecognizer.DEFAULT_SUPPORTED_REGIONS)]
    assert "US" in regions and "CA" not in regions and "DE" in regions


def test_same_findings_as_presidio_on_numbers_in_many_forms() -> None:
    stock = PhoneRecognizer()
    ours = LinePhoneRecognizer(name="PhoneRecognizer")
    texts = [
        "Call me at (415) 867-5309 or +1 613 555 0143 tomorrow.",
        "Festnetz 030 1234567, mobil 0151 23456789, Büro 0049 89 123456",
        "UK office: 020 7946 0958\nFrance: 01 23 45 67 89\nIndia: 098765 43210",
        "Israel 03-1234567, Brazil (11) 91234-5678, Canada 1-800-555-0199",
        "order 2024-03-01 total 1,234.50 version 10.2.3 port 8080 pin 1234",
        "short 030 123 and +49 30 1 and 4711",
    ]
    rng = random.Random(5)
    parts = ["call", "+", "(0)", "-", "0", "00", "011", " ", "\n", "+44", "+49", "+1"]
    for _ in range(400):
        texts.append(
            " ".join(
                rng.choice([*parts, str(rng.randrange(10 ** rng.randrange(1, 12)))])
                for _ in range(rng.randrange(1, 14))
            )
        )
    found = 0
    for text in texts:
        expected = _spans(stock.analyze(text, ["PHONE_NUMBER"]))
        assert _spans(ours.analyze(text, ["PHONE_NUMBER"])) == expected, text
        found += len(expected)
    assert found > 20  # the texts do hold numbers
