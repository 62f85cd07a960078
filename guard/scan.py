"""Dry run: what a policy would do to one text, without a proxy or an upstream (`guard scan`)."""

from __future__ import annotations

from dataclasses import dataclass, field

from guard.detect import Detector
from guard.policy import Policy
from guard.transform import Applied, Blocked, Transformer, Vault, plan


@dataclass
class ScanResult:
    text: str  # what the vendor would see (the input unchanged when blocked)
    applied: list[Applied]
    vault: Vault
    blocked: Blocked | None = None
    language: str = "en"
    findings_below_threshold: int = 0
    extra: dict[str, object] = field(default_factory=dict)


def scan_text(
    text: str,
    policy: Policy,
    detector: Detector,
    transformer: Transformer,
    vault: Vault | None = None,
    where: str = "text",
) -> ScanResult:
    vault = vault if vault is not None else Vault()
    language = detector.language_of(text)
    findings = detector.analyze(text, language)
    planned = plan(text, findings, policy, language)
    for p in planned:
        if p.action == "block":
            return ScanResult(text, [], vault, Blocked(p, where), language)
    new_text, applied = transformer.apply(text, planned, vault)
    return ScanResult(new_text, applied, vault, None, language)
