"""`guard policy test`: the cases a policy states about itself, run with the real detector.

The shipped policies' own cases run here too, so `make test` (and CI) fails when a policy stops
doing what its rationale promises.
"""

from __future__ import annotations

from pathlib import Path

import pytest

import guard.detect
from guard import cli
from guard.detect import Detector
from guard.policy_tests import run_file

ROOT = Path(__file__).resolve().parent.parent
SHIPPED = sorted(str(p) for p in (ROOT / "policies").glob("*.yaml"))

HEAD = """
vendor: test
rationale: a policy for the tests of policy tests
categories:
  pii: pseudonymize
  health: redact
  financial: redact
  secret: block
entities:
  US_SSN: block
tests:
"""
REMINDER = "Please draft a friendly reminder to Jonathan Whitfield about the budget review."


@pytest.fixture
def shared_detector(monkeypatch: pytest.MonkeyPatch, detector: Detector) -> Detector:
    # The CLI builds a Detector (seconds); the session's real one is handed to it instead.
    monkeypatch.setattr(guard.detect, "Detector", lambda *a, **k: detector)
    return detector


def run_cli(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, list[str]]:
    code = cli.main(list(argv))
    return code, capsys.readouterr().out.splitlines()


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: Path(p).stem)
def test_shipped_policy_keeps_its_promises(path: str, detector: Detector) -> None:
    result = run_file(path, detector)
    assert result.error is None, result.error
    lines = "\n".join(c.line() for c in result.cases)
    assert result.passed, f"{path}:\n{lines}"
    # What the rationale promises is checked in each language the detector reads.
    assert {c.language for c in result.cases} >= {"en", "de", "zh"}, lines
    assert len(result.cases) >= 7


def test_passing_and_failing_cases_each_get_a_line_with_the_reason(
    tmp_path: Path, shared_detector: Detector, capsys: pytest.CaptureFixture[str]
) -> None:
    policy = tmp_path / "p.yaml"
    policy.write_text(
        HEAD
        + f"""
  - name: a name becomes a placeholder
    text: {REMINDER}
    finds: [{{entity: PERSON, text: Jonathan Whitfield, action: pseudonymize}}]
    vendor_sees: <PERSON_1>
    vendor_sees_not: Whitfield
    answer: Dear <PERSON_1>, the review is on Friday.
    client_sees: Dear Jonathan Whitfield,
  - name: expects a block that does not happen
    text: {REMINDER}
    blocked: PERSON
  - name: expects the name to reach the vendor
    text: {REMINDER}
    vendor_sees: Jonathan Whitfield
  - name: expects the wrong action
    text: I was diagnosed with asthma last year.
    finds: [{{entity: MEDICAL_CONDITION, action: mask}}]
  - name: expects a type to be left alone
    text: {REMINDER}
    finds_not: [PERSON]
  - name: expects another value back
    text: {REMINDER}
    answer: Dear <PERSON_2>,
    client_sees: Dear Jonathan
  - name: blocked by a type the case does not name
    text: My social security number is 219-09-9999.
    blocked: secret
  - name: blocked though the case expects it sent
    text: My social security number is 219-09-9999.
    vendor_sees_not: 219-09-9999
  - name: blocked as stated, by category
    text: My social security number is 219-09-9999.
    blocked: financial
"""
    )
    code, out = run_cli(capsys, "policy", "test", str(policy))
    assert code == 1
    assert out[0] == f"{policy} (vendor test): 9 tests"
    lines = {line.split(")", 1)[0].split()[1]: line.strip() for line in out[1:-1]}
    assert lines["tests.0"] == "pass  tests.0 (en) a name becomes a placeholder"
    assert lines["tests.1"].startswith("FAIL  tests.1 (en) expects a block that does not happen: ")
    assert "expected the request to be blocked by PERSON, but the request was forwarded" in lines["tests.1"]
    assert "the vendor does not see 'Jonathan Whitfield'" in lines["tests.2"]
    # The reason shows what the vendor would have seen, so the author can fix the case.
    assert "the vendor sees 'Please draft a friendly reminder to <PERSON_1> about" in lines["tests.2"]
    assert (
        "no finding MEDICAL_CONDITION with action mask; found: MEDICAL_CONDITION 'asthma' -> redact"
        in (lines["tests.3"])
    )
    assert "PERSON was acted upon: 'Jonathan Whitfield' -> pseudonymize" in lines["tests.4"]
    assert "the client does not get 'Dear Jonathan' back; it gets 'Dear <PERSON_2>,'" in lines["tests.5"]
    assert (
        "expected the request to be blocked by secret, but it was blocked by policy: financial data "
        "(US_SSN) found in messages[0].content" in lines["tests.6"]
    )
    assert "the request was blocked by policy: financial data (US_SSN)" in lines["tests.7"]
    assert lines["tests.8"] == "pass  tests.8 (en) blocked as stated, by category"
    assert out[-1] == "2 passed, 7 failed"


def test_every_case_passing_exits_0_and_a_chat_body_is_a_case(
    tmp_path: Path, shared_detector: Detector, capsys: pytest.CaptureFixture[str]
) -> None:
    policy = tmp_path / "p.yaml"
    policy.write_text(
        HEAD
        + """
  - name: a name in a tool call's arguments
    messages:
      - {role: system, content: You book meetings.}
      - role: assistant
        content: null
        tool_calls:
          - id: c1
            type: function
            function: {name: book, arguments: '{"with": "jonathan.whitfield@example.org"}'}
    finds: [{entity: EMAIL_ADDRESS, action: pseudonymize}]
    vendor_sees: <EMAIL_ADDRESS_1>
    vendor_sees_not: jonathan.whitfield@example.org
  - text: 请联系李秀英女士，确认下周的会议时间。
    finds: [{category: pii}]
"""
    )
    code, out = run_cli(capsys, "policy", "test", str(policy))
    assert code == 0, out
    assert out[1].strip() == "pass  tests.0 (en) a name in a tool call's arguments"
    # Without a name, a case is named by its text.
    assert out[2].strip() == "pass  tests.1 (zh) 请联系李秀英女士，确认下周的会议时间。"
    assert out[-1] == "2 passed, 0 failed"


BROKEN = [
    # (the second case of the file, the key the message names, a phrase of the reason)
    (
        f"  - {{text: {REMINDER}, messages: [{{role: user, content: hi}}], blocked: true}}",
        "tests.1",
        "one of the two",
    ),
    (f"  - {{text: {REMINDER}}}", "tests.1", "say what must happen"),
    (
        f"  - {{text: {REMINDER}, finds: [{{entity: PERSN}}]}}",
        "tests.1.finds.0.entity",
        "unknown entity type(s) PERSN",
    ),
    (f"  - {{text: {REMINDER}, vendor_sess: x}}", "tests.1.vendor_sess", "unknown key"),
    (
        f"  - {{text: {REMINDER}, blocked: US_SSN, vendor_sees: x}}",
        "tests.1",
        "a blocked request reaches no vendor",
    ),
    (
        f"  - {{text: {REMINDER}, blocked: NOT_A_TYPE}}",
        "tests.1.blocked",
        "unknown entity type(s) NOT_A_TYPE",
    ),
    (
        f"  - {{text: {REMINDER}, vendor_sees_not: 2190999}}",
        "tests.1.vendor_sees_not",
        "write numbers in quotes",
    ),
    (
        f"  - {{text: {REMINDER}, answer: 'Dear <PERSON_1>'}}",
        "tests.1",
        "`answer` and `client_sees` go together",
    ),
    (
        f"  - {{text: {REMINDER}, finds: [{{entity: PERSON, action: allow}}]}}",
        "tests.1.finds.0",
        "`allow` is no finding",
    ),
    (
        f"  - {{text: {REMINDER}, finds: [{{action: redact}}]}}",
        "tests.1.finds.0",
        "name the entity or the category",
    ),
    ("  - just a string", "tests.1", "Input should be a valid dictionary"),
]


@pytest.mark.parametrize(("case", "key", "reason"), BROKEN)
def test_a_broken_case_is_answered_with_file_index_and_reason(
    tmp_path: Path,
    shared_detector: Detector,
    capsys: pytest.CaptureFixture[str],
    case: str,
    key: str,
    reason: str,
) -> None:
    policy = tmp_path / "broken.yaml"
    good = f"  - {{text: {REMINDER}, finds: [{{entity: PERSON}}]}}\n"
    policy.write_text(HEAD + good + case + "\n")
    code, out = run_cli(capsys, "policy", "test", str(policy))
    assert code == 1
    assert out[0].startswith(f"FAIL  {policy}: {key}: "), out
    assert reason in out[0]
    assert out[-1] == "0 passed, 1 failed"
    # The schema check reports the same: the tests are part of the file.
    code, out = run_cli(capsys, "policy", "check", str(policy))
    assert code == 1 and f"{policy}: {key}: " in out[0] and reason in out[0]


def test_files_without_tests_pass_and_others_still_run(
    tmp_path: Path, shared_detector: Detector, capsys: pytest.CaptureFixture[str]
) -> None:
    empty = tmp_path / "empty.yaml"
    empty.write_text(HEAD.replace("tests:\n", ""))
    missing = tmp_path / "missing.yaml"
    code, out = run_cli(capsys, "policy", "test", str(empty), str(missing), SHIPPED[0])
    assert code == 1  # the missing file
    assert out[0] == f"{empty}: no tests (add a `tests:` list; see the README)"
    assert out[1].startswith(f"FAIL  {missing}: cannot read policy file")
    assert out[2].startswith(f"{SHIPPED[0]} (vendor ")
    assert out[-1].endswith(" passed, 1 failed")
