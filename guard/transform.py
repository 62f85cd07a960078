"""From findings to new text: thresholds, allow/deny lists, overlaps, then the policy's actions.

Two steps, both pure: `plan` decides what happens to which span of one text slot, `apply` writes
the new text, issuing placeholders from the exchange's `Vault`.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from presidio_anonymizer.operators import Mask

from guard.detect import Finding
from guard.entities import Category
from guard.policy import Action, Policy

# When overlapping findings are merged into one span, the strictest action wins.
_SEVERITY: dict[str, int] = {"block": 5, "redact": 4, "hash": 3, "mask": 2, "pseudonymize": 1}


@dataclass(frozen=True, slots=True)
class Planned:
    """What the policy does to one span of a slot. Holds offsets, never the value itself."""

    entity_type: str
    category: Category
    start: int
    end: int
    score: float
    action: Action
    restore: bool
    source: str  # the policy key that decided


class Blocked(Exception):
    """The policy blocks this request. The message names category and entity type, never a value.

    `where` is the place as an error may name it (no key the request chose); the audit trail
    records the blocked findings like any other (see inspection.Inspection.block_findings).
    """

    def __init__(self, planned: Planned, where: str) -> None:
        self.planned = planned
        self.where = where
        super().__init__(
            f"blocked by policy: {planned.category} data ({planned.entity_type}) found in {where}"
        )


def plan(text: str, findings: list[Finding], policy: Policy, language: str = "en") -> list[Planned]:
    """Decide every span of `text` that the policy transforms, overlaps merged, in text order."""
    candidates: list[Planned] = []
    for f in findings:
        if f.score < policy.threshold(f.entity_type, language):
            continue
        if policy.is_allowed_term(text[f.start : f.end]):
            continue
        d = policy.decide(f.entity_type, language)
        if d.action == "allow":
            continue
        candidates.append(
            Planned(
                f.entity_type, f.category, f.start, f.end, f.score, d.action, d.restore, d.source
            )
        )
    for term, pattern in policy.deny_terms:
        for m in pattern.finditer(text):
            d = policy.decide("DENY_LIST", language, term.category)
            action = term.action or d.action
            if action == "allow":
                continue
            candidates.append(
                Planned(
                    "DENY_LIST",
                    term.category,
                    m.start(),
                    m.end(),
                    1.0,
                    action,
                    d.restore and action == "pseudonymize",
                    "deny_list",
                )
            )
    return _merge_overlaps(candidates)


def _merge_overlaps(spans: list[Planned]) -> list[Planned]:
    # Overlapping findings (an email that is also reported as a URL, a name inside an address)
    # become one span covering both, so no part of either reaches the vendor and no replacement
    # is written into the middle of another.
    spans = sorted(spans, key=lambda p: (p.start, -p.end))
    merged: list[Planned] = []
    for p in spans:
        if merged and p.start < merged[-1].end:
            cur = merged[-1]
            winner = max((cur, p), key=lambda q: (_SEVERITY[q.action], q.end - q.start, q.score))
            merged[-1] = Planned(
                winner.entity_type,
                winner.category,
                cur.start,
                max(cur.end, p.end),
                max(cur.score, p.score),
                winner.action,
                winner.restore,
                winner.source,
            )
        else:
            merged.append(p)
    return merged


# ---------------------------------------------------------------------------------------------
# Placeholders


# value_key on ASCII text (most values) without NFKC or a per-character loop: the separators
# `[\s\-./()]` stands for, and the digits, deleted by str.translate.
_ASCII_SEPARATORS = str.maketrans("", "", " \t\n\r\x0b\x0c\x1c\x1d\x1e\x1f-./()")
_ASCII_DIGITS = str.maketrans("", "", "0123456789")
_SEPARATORS_RE = re.compile(r"[\s\-./()]")


def value_key(entity_type: str, value: str) -> str:
    """The identity of a value for pseudonyms: variants that mean the same value share a key.

    Identifiers made of digits (cards, phones, accounts) compare by their characters without
    separators; everything else by case-folded, whitespace-collapsed NFKC text. Names are not
    merged beyond that: "J. Smith" and "John Smith" may be different people.
    """
    if value.isascii():
        # NFKC leaves ASCII unchanged; the same rule as below, by translation.
        compact = value.translate(_ASCII_SEPARATORS)
        digits = len(compact) - len(compact.translate(_ASCII_DIGITS))
        if compact and digits >= max(4, len(compact) * 0.6):
            return compact.upper()
        return " ".join(value.lower().split())
    norm = unicodedata.normalize("NFKC", value)
    compact = _SEPARATORS_RE.sub("", norm)
    if compact and sum(c.isdigit() for c in compact) >= max(4, len(compact) * 0.6):
        return compact.upper()
    return " ".join(norm.casefold().split())


# A name the restorer could take for a placeholder (guard.restore): an ASCII letter, then letters,
# digits and underscores, ending in `_<digits>`, with no ASCII word character on either side.
# Found from its end (`_1`, a literal the regex engine scans for quickly), then walked back to
# the start of the word: a pattern tried at every position costs ~25 ms per 100 KB of text.
_NAME_END = re.compile(r"_[0-9]+(?![A-Za-z0-9_])", re.ASCII)
_WORD_CHARS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_")
_LETTERS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz")
_HEX = frozenset("0123456789ABCDEFabcdef")


def names_in(texts: Iterable[str]) -> set[str]:
    """Every placeholder name already written in `texts`, in any form the restorer accepts
    (`<PERSON_1>`, `<person_1>`, `＜PERSON_1＞`, bare `PERSON_1`), upper-cased: "PERSON_1".

    In JSON source a name may also follow an escape (`\\u003cPERSON_1`, `\\nPERSON_1`), whose
    letters then run into it: both readings are taken (a number skipped needlessly costs nothing).
    """
    out: set[str] = set()
    for text in texts:
        if "_" not in text:
            continue
        for m in _NAME_END.finditer(text):
            i = m.start()
            while i > 0 and text[i - 1] in _WORD_CHARS:
                i -= 1
            word = text[i : m.end()]
            if word[0] in _LETTERS:
                out.add(word.upper())
            if i > 0 and text[i - 1] == "\\":
                if word[0] == "u" and all(c in _HEX for c in word[1:5]):
                    word = word[5:]
                elif word[0] in "nrtbf":
                    word = word[1:]
                else:
                    continue
                if word and word[0] in _LETTERS:
                    out.add(word.upper())
    return out


def names_in_json(node: Any) -> set[str]:
    """`names_in` every string and key of a parsed JSON document (a request body)."""
    texts: list[str] = []
    stack = [node]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            texts.append(item)
        elif isinstance(item, dict):
            texts.extend(k for k in item if isinstance(k, str))
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return names_in(texts)


class Vault:
    """The placeholders issued for one exchange (one request and its response).

    Numbering follows the order in which values first appear in the request, walking the slots
    in the order the vendor sees them. Clients resend the whole history each turn, so the values
    of earlier turns come first and keep their numbers: the placeholders stay stable across the
    turns of a conversation without the proxy keeping any state between requests.

    `reserved` names placeholders the request already holds as text (a template's literal
    `<PERSON_1>`, see `names_in`): their numbers are skipped, so the vendor never sees one token
    for two things, and the user's own token is never restored into a value.
    """

    def __init__(self, reserved: Iterable[str] = ()) -> None:
        self._reserved = frozenset(reserved)
        self._by_key: dict[tuple[str, str], str] = {}
        self._counters: dict[str, int] = {}
        self.values: dict[str, str] = {}  # placeholder -> the value as first written
        self.restorable: set[str] = set()

    def placeholder(
        self, entity_type: str, value: str, restore: bool, identity: str | None = None
    ) -> str:
        """The placeholder of `value`. `identity` may stand in for its value_key: the audit
        fingerprint is a keyed hash of it, and a cached analysis carries it, so a resent history
        is not normalised again."""
        key = (entity_type, identity if identity is not None else value_key(entity_type, value))
        ph = self._by_key.get(key)
        if ph is None:
            n = self._counters.get(entity_type, 0) + 1
            while f"{entity_type}_{n}" in self._reserved:
                n += 1
            self._counters[entity_type] = n
            ph = f"<{entity_type}_{n}>"
            self._by_key[key] = ph
            self.values[ph] = value
        if restore:
            self.restorable.add(ph)
        return ph

    def restore_map(self) -> dict[str, str]:
        """Placeholder -> value, for the placeholders the policy lets come back in the answer."""
        return {ph: self.values[ph] for ph in self.restorable}


# ---------------------------------------------------------------------------------------------
# Applying the actions


@dataclass(frozen=True, slots=True)
class Applied:
    """One transformation made to a slot: for the audit trail. `fingerprint` is a keyed HMAC."""

    planned: Planned
    replacement: str
    fingerprint: str


class Transformer:
    """Applies planned actions. Holds the keys; one per proxy, shared by all exchanges."""

    def __init__(self, fingerprint_key: bytes) -> None:
        # Two keys derived from one secret: the audit fingerprints never equal the hashes the
        # vendor sees, so the vendor cannot match its logs against our audit trail.
        self._audit_key = hmac.new(fingerprint_key, b"guard/audit-fingerprint", "sha256").digest()
        self._hash_key = hmac.new(fingerprint_key, b"guard/hash-action", "sha256").digest()
        # Names the audit key without revealing it: cached fingerprints are used only by the
        # transformer that made them.
        self.key_id = hmac.digest(self._audit_key, b"guard/key-id", "sha256").hex()[:16]

    def fingerprint(self, entity_type: str, value: str) -> str:
        msg = f"{entity_type}\x00{value_key(entity_type, value)}".encode()
        return hmac.digest(self._audit_key, msg, "sha256").hex()[:32]

    def fingerprints(self, text: str, planned: Sequence[Planned]) -> tuple[str, ...]:
        """The audit fingerprint of every planned span of `text`, in order.

        These are keyed hashes, never values, so an AnalysisCache may keep them next to the spans
        (tagged with `key_id`): a resent history then costs no HMAC per finding.
        """
        return tuple(self.fingerprint(p.entity_type, text[p.start : p.end]) for p in planned)

    def apply(
        self,
        text: str,
        planned: Sequence[Planned],
        vault: Vault,
        fingerprints: Sequence[str] | None = None,
    ) -> tuple[str, list[Applied]]:
        """The new text and what was done; `fingerprints` (from `fingerprints`) saves their HMACs."""
        if fingerprints is None:
            fingerprints = self.fingerprints(text, planned)
        out: list[str] = []
        applied: list[Applied] = []
        pos = 0
        for p, fp in zip(planned, fingerprints, strict=True):
            value = text[p.start : p.end]
            replacement = self._replacement(p, value, vault, fp)
            out.append(text[pos : p.start])
            out.append(replacement)
            pos = p.end
            applied.append(Applied(p, replacement, fp))
        out.append(text[pos:])
        return "".join(out), applied

    def _replacement(self, p: Planned, value: str, vault: Vault, fingerprint: str) -> str:
        if p.action == "pseudonymize":
            # Fingerprints are keyed hashes of (type, value_key): equal exactly when the keys are.
            return vault.placeholder(p.entity_type, value, p.restore, "#" + fingerprint)
        if p.action == "redact":
            return f"[REDACTED:{p.entity_type}]"
        if p.action == "hash":
            digest = hmac.new(
                self._hash_key, value_key(p.entity_type, value).encode(), hashlib.sha256
            ).hexdigest()[:12]
            return f"[{p.entity_type}:{digest}]"
        if p.action == "mask":
            return mask(value)
        raise ValueError(f"action {p.action!r} has no replacement")  # block is handled before


def mask(value: str) -> str:
    """Mask every letter and digit; long identifiers keep their last four (as card slips do)."""
    alnum = [i for i, c in enumerate(value) if c.isalnum()]
    keep = 4 if len(alnum) >= 12 else 0
    to_mask = len(alnum) - keep
    if to_mask <= 0:
        return value
    # Presidio's Mask operator masks a count of characters; separators are kept by masking only
    # the prefix that holds the characters to hide.
    cut = alnum[to_mask - 1] + 1
    masked = Mask().operate(
        value[:cut], {"masking_char": "*", "chars_to_mask": cut, "from_end": False}
    )
    return (
        "".join(m if c.isalnum() else c for m, c in zip(masked, value[:cut], strict=True))
        + value[cut:]
    )

