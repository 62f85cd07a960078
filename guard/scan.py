"""Dry run: what a policy would do to one text, without a proxy or an upstream (`guard scan`)."""

from __future__ import annotations

from dataclasses import dataclass

from guard.detect import TextAnalyzer
from guard.inspection import analyze_texts
from guard.policy import Policy
from guard.transform import Applied, Blocked, Transformer, Vault, names_in


@dataclass
class ScanResult:
    text: str  # what the vendor would see (the input unchanged when blocked)
    applied: list[Applied]
    vault: Vault
    blocked: Blocked | None = None
    language: str = "en"


def scan_text(
    text: str,
    policy: Policy,
    detector: TextAnalyzer,
    transformer: Transformer,
    vault: Vault | None = None,
    where: str = "text",
) -> ScanResult:
    """The proxy's own analysis (long texts in pieces), applied to one text."""
    # Placeholders the text already holds (a template's `<PERSON_1>`) are never issued.
    vault = vault if vault is not None else Vault(names_in([text]))
    analysis = analyze_texts([text], policy, detector)[0]
    for p in analysis.planned:
        if p.action == "block":
            return ScanResult(text, [], vault, Blocked(p, where), analysis.language)
    new_text, applied = transformer.apply(text, analysis.planned, vault)
    return ScanResult(new_text, applied, vault, None, analysis.language)
