"""English names and street addresses, where spaCy's small model is weakest, and its noise on
technical tokens."""

from __future__ import annotations

import pytest

from guard.detect import Detector
from guard.policy import Policy
from tests.recognizer_cases import assert_found, assert_not_found, assert_untouched


@pytest.mark.parametrize(
    ("text", "entity", "value"),
    [
        (
            "Send it to 1600 Pennsylvania Ave NW, Washington, DC 20500",
            "STREET_ADDRESS",
            "1600 Pennsylvania Ave NW, Washington, DC 20500",
        ),
        ("I live at 221B Baker Street, London", "STREET_ADDRESS", "221B Baker Street, London"),
        (
            "ship to 42 W. Elm St., Apt 3B, Springfield, IL 62704",
            "STREET_ADDRESS",
            "42 W. Elm St., Apt 3B, Springfield, IL 62704",
        ),
        ("my address is 350 Fifth Avenue", "STREET_ADDRESS", "350 Fifth Avenue"),
        ("P.O. Box 1234", "STREET_ADDRESS", "P.O. Box 1234"),
        ("Signed, J. R. Smith", "PERSON", "J. R. Smith"),
        ("contact John Q. Public today", "PERSON", "John Q. Public"),
        ("Martin Luther King Jr. spoke", "PERSON", "Martin Luther King Jr."),
        ("Dr. Okafor will see you", "PERSON", "Okafor"),
        ("my name is Priya Raghunathan", "PERSON", "Priya Raghunathan"),
        ("Call me at (415) 867-5309", "PHONE_NUMBER", "(415) 867-5309"),
        ("phone 415.867.5309 or +44 20 7946 0958", "PHONE_NUMBER", "+44 20 7946 0958"),
        ("reach me at 212-555-0199", "PHONE_NUMBER", "212-555-0199"),
        ("email jane.doe@example.org", "EMAIL_ADDRESS", "jane.doe@example.org"),
    ],
)
def test_english_found(detector: Detector, text: str, entity: str, value: str) -> None:
    assert_found(detector, text, entity, value)


@pytest.mark.parametrize(
    ("text", "entity"),
    [
        ("We run on EKS with S3 and C4 instances", "PERSON"),
        ("import os.path and call useState()", "PERSON"),
        ("Version 3 Release Notes", "STREET_ADDRESS"),
        ("the U.S. Army", "PERSON"),
        ("Fix NPE in step 2 of the build", "PERSON"),
        ("sha256 e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", "PHONE_NUMBER"),
    ],
)
def test_english_hard_negatives(detector: Detector, text: str, entity: str) -> None:
    assert_not_found(detector, text, entity)


@pytest.mark.parametrize(
    "text",
    [
        "Set `replicas: 3` and deploy v2.4.1 to the staging cluster.",
        "UUID 123e4567-e89b-12d3-a456-426614174000 is the request id.",
        "git checkout 3f786850e387550fdab836ed7e6dc881de23001b",
        "md5 d41d8cd98f00b204e9800998ecf8427e, sha1 da39a3ee5e6b4b0d3255bfef95601890afd80709",
        "The job ran at 2024-05-01T10:22:33Z and took 1234 ms.",
        "for i in range(10): print(i * 3.14)",
    ],
)
def test_technical_text_untouched(detector: Detector, kimi_policy: Policy, text: str) -> None:
    assert_untouched(detector, kimi_policy, text)
