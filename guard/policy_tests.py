"""`guard policy test`: run the cases a policy file states about itself, with the real detector.

A case is an input (a text, or a chat body's messages) and what must happen to it under the
policy: blocked (by an entity type or a category), what the vendor sees and must not see, which
findings are acted upon and how, and what the client gets back from an answer written with the
placeholders. The input takes the proxy's own path (the OpenAI-format adapter, the inspection with
its decisions and transformations, the restorer), so a passing case is what the proxy does.

The texts of a case are written by the policy's authors, so the output may quote them: it goes
to their terminal, never to a log or the audit trail.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from guard.adapters import openai as adapter
from guard.detect import TextAnalyzer
from guard.errors import ConfigError
from guard.inspection import Inspection, inspect_slots
from guard.policy import ExpectedFinding, Policy, PolicyTestModel, load_policy
from guard.restore import Restorer
from guard.transform import Planned, Transformer

# Longest stretch of the vendor's text quoted in a failure reason.
_QUOTE = 240


@dataclass
class CaseResult:
    index: int
    name: str
    language: str
    failures: list[str] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        return not self.failures

    def line(self) -> str:
        head = f"{'pass' if self.passed else 'FAIL'}  tests.{self.index} ({self.language}) {self.name}"
        return head if self.passed else head + ": " + "; ".join(self.failures)


@dataclass
class FileResult:
    path: str
    error: str | None = None  # the file or one of its cases is invalid: nothing was run
    vendor: str = ""
    cases: list[CaseResult] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        return self.error is None and all(c.passed for c in self.cases)


def run_case(
    index: int, case: PolicyTestModel, policy: Policy, detector: TextAnalyzer, transformer: Transformer
) -> CaseResult:
    if case.text is not None:
        messages: list[dict[str, Any]] = [{"role": "user", "content": case.text}]
    else:
        messages = [dict(m) for m in case.messages or []]
    body: dict[str, Any] = {"model": "policy-test", "messages": messages}
    name = case.name or _short(case.text if case.text is not None else str(messages[-1].get("content")))
    try:
        slots = adapter.extract("chat/completions", body)
    except (adapter.UninspectableInput, ValueError, TypeError, AttributeError) as exc:
        result = CaseResult(index, name, "?")
        result.failures.append(f"the messages cannot be read as a chat body: {exc}")
        return result
    language = detector.language_of("\n".join(s.text for s in slots)) if slots else "?"
    result = CaseResult(index, name, language)
    inspection = inspect_slots(slots, policy, detector, transformer)
    if inspection.blocked is not None:
        _check_blocked(case, inspection, result)
        return result
    if case.blocked not in (None, False):
        result.failures.append(f"expected {_block_wanted(case.blocked)}, but the request was forwarded")
    adapter.rewrite(body, inspection.changes)
    if case.text is not None:
        seen = body["messages"][0]["content"]
    else:
        seen = "\n".join(s.text for s in adapter.extract("chat/completions", body))
    for want in case.vendor_sees:
        if want not in seen:
            result.failures.append(f"the vendor does not see {want!r}")
    for unwanted in case.vendor_sees_not:
        if unwanted in seen:
            result.failures.append(f"the vendor sees {unwanted!r}")
    acted = [(slot.text[a.planned.start : a.planned.end], a.planned) for slot, a in inspection.applied]
    for expected in case.finds:
        if not any(_matches(expected, p, span) for span, p in acted):
            found = ", ".join(f"{p.entity_type} {span!r} -> {p.action}" for span, p in acted)
            result.failures.append(f"no finding {_describe(expected)}; found: {found or 'nothing'}")
    for entity in case.finds_not:
        hits = [f"{span!r} -> {p.action}" for span, p in acted if p.entity_type == entity]
        if hits:
            result.failures.append(f"{entity} was acted upon: {', '.join(hits)}")
    if case.answer is not None:
        restored = Restorer(inspection.vault.restore_map()).restore_text(case.answer)
        for want in case.client_sees:
            if want not in restored:
                result.failures.append(
                    f"the client does not get {want!r} back; it gets {_short(restored, _QUOTE)!r}"
                )
    if result.failures and (case.vendor_sees or case.vendor_sees_not):
        result.failures.append(f"the vendor sees {_short(seen, _QUOTE)!r}")
    return result


def _check_blocked(case: PolicyTestModel, inspection: Inspection, result: CaseResult) -> None:
    blocked = inspection.blocked
    assert blocked is not None
    p = blocked.planned
    if case.blocked in (None, False):
        result.failures.append(f"the request was {blocked}, so nothing reaches the vendor")
    elif isinstance(case.blocked, str) and case.blocked not in (p.entity_type, p.category):
        result.failures.append(f"expected {_block_wanted(case.blocked)}, but it was {blocked}")


def _block_wanted(blocked: bool | str) -> str:
    return "the request to be blocked" + (f" by {blocked}" if isinstance(blocked, str) else "")


def _matches(expected: ExpectedFinding, p: Planned, span: str) -> bool:
    return (
        (expected.entity is None or expected.entity == p.entity_type)
        and (expected.category is None or expected.category == p.category)
        and (expected.action is None or expected.action == p.action)
        and (expected.text is None or expected.text == span)
    )


def _describe(expected: ExpectedFinding) -> str:
    parts = [expected.entity or f"of category {expected.category}"]
    if expected.text is not None:
        parts.append(f"on {expected.text!r}")
    if expected.action is not None:
        parts.append(f"with action {expected.action}")
    return " ".join(parts)


def _short(text: str, limit: int = 60) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def run_file(path: str, detector: TextAnalyzer, transformer: Transformer | None = None) -> FileResult:
    """Load one policy (a broken case is a ConfigError naming file, index and reason) and run its tests."""
    try:
        policy = load_policy(path)
    except ConfigError as exc:
        return FileResult(path, error=str(exc))
    # A fresh key: `hash` replacements differ from the proxy's, and the tests never need them equal.
    transformer = transformer or Transformer(secrets.token_bytes(32))
    result = FileResult(path, vendor=policy.vendor)
    for index, case in enumerate(policy.model.tests):
        result.cases.append(run_case(index, case, policy, detector, transformer))
    return result


def run_files(
    paths: Sequence[str], detector_factory: Callable[[], TextAnalyzer], out: Callable[[str], None] = print
) -> int:
    """Run the tests of every file, print a line per case; 0 when every case passed, else 1.

    The detector (seconds to load) is made only once a file has loaded and has tests.
    """
    detector: TextAnalyzer | None = None
    failed = passed = 0
    for path in paths:
        try:
            tests = load_policy(path).model.tests
        except ConfigError as exc:
            out(f"FAIL  {exc}")
            failed += 1
            continue
        if not tests:
            out(f"{path}: no tests (add a `tests:` list; see the README)")
            continue
        if detector is None:
            detector = detector_factory()
        result = run_file(path, detector)
        out(f"{path} (vendor {result.vendor}): {len(result.cases)} tests")
        for case in result.cases:
            out("  " + case.line())
            if case.passed:
                passed += 1
            else:
                failed += 1
    out(f"{passed} passed, {failed} failed")
    return 1 if failed else 0
