"""Policy validation names file, key and reason; the shipped policies are valid and strict."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from guard.entities import CATEGORIES
from guard.errors import ConfigError
from guard.policy import load_policy

ROOT = Path(__file__).resolve().parent.parent
GOOD = """
vendor: test
rationale: a test
categories:
  pii: pseudonymize
  health: redact
  financial: {action: mask, threshold: 0.7}
  secret: block
"""

BROKEN = [
    # (yaml text, the key the message names, a phrase of the reason)
    (
        "vendor: x\nrationale: r\ncategories: {pii: allow, health: allow, financial: allow}\n",
        "categories",
        "missing: secret",
    ),
    (GOOD.replace("health: redact", "helth: redact"), "categories.helth", "Input should be"),
    (GOOD.replace("pii: pseudonymize", "pii: obliterate"), "categories.pii", "obliterate"),
    (
        GOOD + "entities:\n  PASSPORT_NUMBER: redact\n",
        "entities",
        "unknown entity type(s) PASSPORT_NUMBER",
    ),
    (
        GOOD.replace("threshold: 0.7", "threshold: 7"),
        "categories.financial.threshold",
        "less than or equal to 1",
    ),
    (GOOD + "colour: blue\n", "colour", "unknown key"),
    (GOOD + "allow_patterns: ['([a-z']\n", "allow_patterns", "invalid regular expression"),
    (GOOD.replace("rationale: a test\n", ""), "rationale", "Field required"),
    ("vendor: [unclosed\n", "line 2", "not valid YAML"),
    ("- just\n- a list\n", "(top level)", "a policy is a mapping"),
]


@pytest.mark.parametrize(("text", "key", "reason"), BROKEN)
def test_broken_policy_names_file_key_and_reason(
    tmp_path: Path, text: str, key: str, reason: str
) -> None:
    path = tmp_path / "broken.yaml"
    path.write_text(text)
    with pytest.raises(ConfigError) as info:
        load_policy(path)
    message = str(info.value)
    assert message.startswith(str(path))
    if key != "(top level)":
        assert key in message
    assert reason in message


def test_missing_policy_file(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="cannot read policy file"):
        load_policy(tmp_path / "nope.yaml")


@pytest.mark.parametrize("name", ["kimi", "qwen", "qwen-local"])
def test_shipped_policies_are_valid_and_cover_every_category(name: str) -> None:
    policy = load_policy(ROOT / "policies" / f"{name}.yaml")
    assert set(policy.model.categories) == set(CATEGORIES)
    assert len(policy.model.rationale) > 100


@pytest.mark.parametrize("name", ["kimi", "qwen"])
def test_vendor_policies_are_strict(name: str) -> None:
    policy = load_policy(ROOT / "policies" / f"{name}.yaml")
    for category in CATEGORIES:
        assert policy.model.categories[category].action != "allow", category
    assert policy.decide("API_KEY").action == "block"
    assert policy.decide("PRIVATE_KEY").action == "block"
    assert policy.decide("MEDICAL_CONDITION").action in {"redact", "block"}
    assert policy.decide("US_SSN").action == "block"
    assert policy.decide("PERSON").action == "pseudonymize" and policy.decide("PERSON").restore


def test_rule_precedence_language_entity_category() -> None:
    policy_text = (
        GOOD
        + """
entities:
  PERSON: {action: redact, threshold: 0.8}
languages:
  zh:
    threshold: 0.3
    categories: {health: mask}
    entities: {PERSON: hash}
"""
    )
    import tempfile

    with tempfile.NamedTemporaryFile("w", suffix=".yaml", delete=False) as fh:
        fh.write(policy_text)
    p = load_policy(fh.name)
    assert p.decide("PERSON", "en").action == "redact"
    assert p.decide("PERSON", "zh").action == "hash"
    assert p.decide("MEDICATION", "zh").action == "mask"
    assert p.decide("MEDICATION", "de").action == "redact"
    assert p.threshold("PERSON", "zh") == 0.8  # the entity's own threshold is more specific
    assert p.threshold("EMAIL_ADDRESS", "zh") == 0.3
    assert p.threshold("EMAIL_ADDRESS", "en") == 0.5
    assert p.threshold("CREDIT_CARD", "en") == 0.7


def test_policy_check_command(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(GOOD.replace("secret: block", "secret: shred"))
    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "guard",
            "policy",
            "check",
            str(ROOT / "policies/kimi.yaml"),
            str(bad),
        ],
        capture_output=True,
        text=True,
    )
    assert run.returncode == 1
    assert "ok   " in run.stdout and "FAIL" in run.stdout and "categories.secret" in run.stdout


def test_serve_refuses_to_start_with_an_invalid_policy(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(GOOD.replace("pii: pseudonymize", "pii: 42"))
    cfg = tmp_path / "guard.yaml"
    cfg.write_text(f"vendors:\n  kimi:\n    upstream: http://127.0.0.1:9/v1\n    policy: {bad}\n")
    run = subprocess.run(
        [sys.executable, "-m", "guard", "serve", "--config", str(cfg), "--port", "0"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert run.returncode == 2
    assert str(bad) in run.stderr and "categories.pii" in run.stderr
