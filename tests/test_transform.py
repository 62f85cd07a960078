"""Planning and applying actions: overlaps, placeholders, masks, hashes."""

from __future__ import annotations

from pathlib import Path

import pytest

from guard.detect import Finding
from guard.policy import load_policy
from guard.transform import Transformer, Vault, mask, plan, value_key

ROOT = Path(__file__).resolve().parent.parent


def test_vault_numbers_by_first_appearance_and_merges_variants() -> None:
    v = Vault()
    assert v.placeholder("PERSON", "Maria Gonzalez", True) == "<PERSON_1>"
    assert v.placeholder("EMAIL_ADDRESS", "m@example.com", True) == "<EMAIL_ADDRESS_1>"
    assert v.placeholder("PERSON", "John Carter", False) == "<PERSON_2>"
    assert v.placeholder("PERSON", "maria  GONZALEZ", True) == "<PERSON_1>"
    assert v.placeholder("PHONE_NUMBER", "+1 415-555-0132", True) == "<PHONE_NUMBER_1>"
    assert v.placeholder("PHONE_NUMBER", "+1 (415) 555 0132", True) == "<PHONE_NUMBER_1>"
    assert v.placeholder("PERSON", "J. Carter", True) == "<PERSON_3>"
    # Only restorable placeholders come back; the value is the first form written.
    assert v.restore_map() == {
        "<PERSON_1>": "Maria Gonzalez",
        "<EMAIL_ADDRESS_1>": "m@example.com",
        "<PHONE_NUMBER_1>": "+1 415-555-0132",
        "<PERSON_3>": "J. Carter",
    }


def test_value_key_separates_what_differs() -> None:
    assert value_key("CREDIT_CARD", "4111 1111 1111 1111") == value_key("CREDIT_CARD", "4111-1111-1111-1111")
    assert value_key("PERSON", "Anna") != value_key("PERSON", "Anne")


@pytest.mark.parametrize(
    ("value", "masked"),
    [
        ("4111 1111 1111 1111", "**** **** **** 1111"),
        ("DE89 3704 0044 0532 0130 00", "**** **** **** **** **30 00"),
        ("John", "****"),
        ("a-b", "*-*"),
    ],
)
def test_mask(value: str, masked: str) -> None:
    assert mask(value) == masked


def test_overlapping_findings_become_one_span_with_the_strictest_action() -> None:
    policy = load_policy(ROOT / "policies/kimi.yaml")
    text = "write to m.vollstedt@example.org now, card 4111 1111 1111 1111."
    email_start = text.index("m.v")
    email_end = text.index(" now")
    findings = [
        Finding("EMAIL_ADDRESS", email_start, email_end, 1.0, "email"),
        # URL inside the email (allowed by the policy: ignored), and a PERSON overlapping its start
        Finding("URL", email_start + 12, email_end, 0.6, "url"),
        Finding("PERSON", email_start - 3, email_start + 5, 0.85, "spacy"),
    ]
    planned = plan(text, findings, policy)
    assert len(planned) == 1
    p = planned[0]
    assert (p.start, p.end) == (email_start - 3, email_end)
    vault = Vault()
    new, _ = Transformer(b"k" * 32).apply(text, planned, vault)
    assert new.count("<") == 1 and "vollstedt" not in new and new.endswith("now, card 4111 1111 1111 1111.")


def test_threshold_allow_list_and_deny_list(tmp_path: Path) -> None:
    path = tmp_path / "p.yaml"
    path.write_text(
        "vendor: t\nrationale: r\n"
        "categories: {pii: redact, health: redact, financial: redact, secret: block}\n"
        "defaults: {threshold: 0.5}\nallow_list: [Kimi]\nallow_patterns: ['TICKET-\\d+']\n"
        "deny_list: [{term: Project Falcon, category: pii, action: hash}, Blue  Harbor]\n"
    )
    policy = load_policy(path)
    text = "Kimi met Anna about TICKET-42 and project falcon, also blue harbor."
    findings = [
        Finding("PERSON", 0, 4, 0.9, "spacy"),  # allow-listed term
        Finding("PERSON", 9, 13, 0.4, "spacy"),  # below the threshold
        Finding("PERSON", 20, 29, 0.9, "x"),  # matches an allow pattern
    ]
    planned = plan(text, findings, policy)
    assert [(text[p.start : p.end], p.action) for p in planned] == [
        ("project falcon", "hash"),
        ("blue harbor", "redact"),
    ]


def test_hash_is_keyed_and_stable() -> None:
    t1, t2 = Transformer(b"a" * 32), Transformer(b"b" * 32)
    policy = load_policy(ROOT / "policies/kimi.yaml")
    f = [Finding("EMAIL_ADDRESS", 0, 13, 1.0, "e")]
    planned = [
        p.__class__(**{**{s: getattr(p, s) for s in p.__slots__}, "action": "hash"})
        for p in plan("m@example.com", f, policy)
    ]
    h1 = t1.apply("m@example.com", planned, Vault())[0]
    assert h1 == t1.apply("M@example.com", planned, Vault())[0]
    assert h1 != t2.apply("m@example.com", planned, Vault())[0]
    assert h1.startswith("[EMAIL_ADDRESS:") and "example" not in h1
    # The fingerprint for the audit trail is a different derivation from the vendor-visible hash.
    assert t1.fingerprint("EMAIL_ADDRESS", "m@example.com")[:12] not in h1
