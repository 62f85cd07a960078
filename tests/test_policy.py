"""Policy validation names file, key and reason; the shipped policies are valid and strict."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from guard.detect import Detector
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


# --- warnings: valid, but likely mistakes (issue 9) ----------------------------------------

RISKY = """
version: 1
vendor: kimmi
rationale: a test
categories:
  pii: pseudonymize
  health: {action: redact, restore: true}
  financial: redact
  secret: allow
entities:
  DATE_TIME: allow
languages:
  zh: {categories: {financial: {action: allow, reason: tested elsewhere}}}
"""


def test_policy_warnings_name_each_likely_mistake(tmp_path: Path) -> None:
    from guard.policy import policy_warnings

    path = tmp_path / "kimi.yaml"
    path.write_text(RISKY)
    policy = load_policy(path)
    warnings = policy_warnings(policy, ["kimi", "kimi-cn"], ["kimi", "kimi-cn", "qwen"])
    assert len(warnings) == 3, warnings
    assert "vendor: 'kimmi'" in warnings[0] and "kimi, kimi-cn" in warnings[0]
    assert warnings[1].startswith("categories.health: restore: true does nothing with action redact")
    assert warnings[2].startswith("categories.secret: allow sends every value")
    # An entity set to allow needs no reason; a category with one is fine (languages.zh above).
    # A file no vendor loads: its vendor must at least be one the config knows.
    assert "names no configured vendor" in policy_warnings(policy, [], ["kimi", "qwen"])[0]
    assert policy_warnings(load_policy(ROOT / "policies/kimi.yaml"), ["kimi"], ["kimi"]) == []


def test_policy_check_warns_and_strict_fails(tmp_path: Path) -> None:
    risky = tmp_path / "kimi.yaml"
    risky.write_text(RISKY)
    cfg = tmp_path / "guard.yaml"
    cfg.write_text("vendors:\n  kimi:\n    upstream: http://127.0.0.1:9/v1\n    policy: kimi.yaml\n")

    def check(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "guard", "policy", "check", *args],
            capture_output=True,
            text=True,
            timeout=60,
        )

    run = check("--config", str(cfg))  # no files: the config's policies
    assert run.returncode == 0
    assert run.stdout.startswith(f"warn {risky}") and run.stdout.count("warning:") == 3
    assert "but the file is loaded for kimi" in run.stdout
    run = check("--config", str(cfg), "--strict")
    assert run.returncode == 1 and "--strict" in run.stdout
    # The shipped policies, against the built-in vendors: no warning.
    run = check("--strict", "shipped:kimi.yaml", "shipped:qwen.yaml", "shipped:qwen-local.yaml")
    assert run.returncode == 0, run.stdout
    assert run.stdout.count("ok   ") == 3


def test_policy_warnings_are_logged_at_start_up(
    tmp_path: Path, caplog: pytest.LogCaptureFixture, detector: Detector
) -> None:
    from guard.config import GuardConfig, VendorConfig
    from guard.proxy import build_state

    risky = tmp_path / "kimi.yaml"
    risky.write_text(RISKY)
    cfg = GuardConfig(
        vendors={"kimi": VendorConfig(upstream="http://127.0.0.1:9/v1", policy=str(risky))}
    )
    cfg.audit.path, cfg.audit.key_path = str(tmp_path / "a.db"), str(tmp_path / "a.key")
    caplog.set_level("WARNING", logger="guard")
    state = build_state(cfg, detector=detector)
    state.audit.close()
    state.pool.shutdown()
    state.audit_writer.shutdown()
    logged = [r.getMessage() for r in caplog.records if r.name == "guard"]
    assert len(logged) == 3 and all(m.startswith(f"policy {risky}: ") for m in logged)
