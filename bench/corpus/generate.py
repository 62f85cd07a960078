"""Generate the labelled detection corpus: `python bench/corpus/generate.py [--out PATH]`.

Deterministic: Faker instances and `random.Random` are seeded per language, so the same Faker
and python-stdnum versions always write the same file (tests/test_corpus.py checks the committed
corpus against a fresh run). One JSON object per line:

    {"id", "language": en|zh|de, "form": message|document|tool_args, "text",
     "entities": [{"type", "category", "start", "end", "value", "identifying"?}],
     "negatives": [{"kind", "start", "end", "value"}]}

`identifying` (optional) lists the parts of a value whose presence in the vendor text means the
value leaked, where the type's general rule would not find them (the street and house number of
an address, the password inside a connection string, the core term of "type 2 diabetes").
Offsets are code-point offsets into `text` and are checked as the sample is written. Tool
arguments are a JSON object; their values hold nothing JSON escapes, so offsets into the JSON
string are offsets into the values too.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from faker import Faker

if __package__ in (None, ""):  # run as a script: make `bench` importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from bench.corpus import templates as T
from bench.corpus import values as V
from guard.entities import ENTITY_CATEGORIES

CORPUS = Path(__file__).with_name("corpus.jsonl")
LANGUAGES = ("en", "zh", "de")
LOCALES = {"en": "en_US", "zh": "zh_CN", "de": "de_DE"}
SEEDS = {"en": 1101, "zh": 2202, "de": 3303}

# How many samples of each kind per language.
COUNTS = {
    "message": 260,
    "document": 120,
    "tool_args": 150,
    "neg_message": 40,
    "neg_document": 15,
    "neg_tool_args": 25,
}

_COMMON: dict[str, V.Gen] = {
    "EMAIL_ADDRESS": V.email,
    "CRYPTO": V.crypto,
    "ICD10_CODE": V.icd10,
    "MEDICAL_RECORD_NUMBER": V.mrn,
    "API_KEY": V.api_key,
    "PRIVATE_KEY": V.private_key,
    "JWT": V.jwt,
    "PASSWORD": V.password,
    "CONNECTION_STRING": V.connection_string,
}

GENERATORS: dict[str, dict[str, V.Gen]] = {
    "en": {
        **_COMMON,
        "PERSON": V.en_person,
        "PHONE_NUMBER": V.en_phone,
        "STREET_ADDRESS": V.en_address,
        "LOCATION": V.en_city,
        "CREDIT_CARD": V.credit_card,
        "IBAN_CODE": lambda f, r: V.iban(f, r, ("GB", "GB", "DE", "FR", "NL")),
        "BANK_ACCOUNT": V.bank_account,
        "SWIFT_CODE": V.swift("en"),
        "ABA_ROUTING_NUMBER": V.aba,
        "US_SSN": V.us_ssn,
        "US_ITIN": V.us_itin,
        "US_EIN": V.us_ein,
        "SALARY": V.en_salary,
        "ACCOUNT_BALANCE": V.en_balance,
        "MEDICAL_CONDITION": V.CONDITIONS["en"],
        "MEDICATION": V.MEDICATIONS["en"],
        "MEDICAL_PROCEDURE": V.PROCEDURES["en"],
        "MEDICAL_TEST_RESULT": V.TEST_RESULTS["en"],
        "US_MBI": V.us_mbi,
        "US_NPI": V.us_npi,
    },
    "zh": {
        **_COMMON,
        "EMAIL_ADDRESS": V.zh_email,
        "PERSON": V.zh_person,
        "PHONE_NUMBER": V.zh_phone,
        "STREET_ADDRESS": V.zh_address,
        "LOCATION": V.zh_city,
        "CREDIT_CARD": V.zh_card,
        "IBAN_CODE": V.iban,
        "BANK_ACCOUNT": V.zh_bank_account,
        "SWIFT_CODE": V.swift("zh"),
        "CN_RESIDENT_ID": V.cn_resident_id,
        "CN_PASSPORT": V.cn_passport,
        "CN_USCC": V.cn_uscc,
        "SALARY": V.zh_salary,
        "ACCOUNT_BALANCE": V.zh_balance,
        "MEDICAL_CONDITION": V.CONDITIONS["zh"],
        "MEDICATION": V.MEDICATIONS["zh"],
        "MEDICAL_PROCEDURE": V.PROCEDURES["zh"],
        "MEDICAL_TEST_RESULT": V.TEST_RESULTS["zh"],
    },
    "de": {
        **_COMMON,
        "PERSON": V.de_person,
        "PHONE_NUMBER": V.de_phone,
        "STREET_ADDRESS": V.de_address,
        "LOCATION": V.de_city,
        "CREDIT_CARD": V.credit_card,
        "IBAN_CODE": V.de_iban,
        "BANK_ACCOUNT": V.de_bank_account,
        "SWIFT_CODE": V.swift("de"),
        "DE_TAX_ID": V.de_tax_id,
        "SALARY": V.de_salary,
        "ACCOUNT_BALANCE": V.de_balance,
        "MEDICAL_CONDITION": V.CONDITIONS["de"],
        "MEDICATION": V.MEDICATIONS["de"],
        "MEDICAL_PROCEDURE": V.PROCEDURES["de"],
        "MEDICAL_TEST_RESULT": V.TEST_RESULTS["de"],
        "DE_HEALTH_INSURANCE": V.de_health_insurance,
    },
}

_SLOT = re.compile(r"\{(neg:[a-z_0-9]+|[A-Z][A-Z0-9_]*)\}")
_JSON_UNSAFE = re.compile(r'["\\\x00-\x1f]')


class Sample:
    """Text built piece by piece, recording the offsets of every labelled value as it goes."""

    def __init__(self, lang: str, fake: Faker, rng: random.Random, json_safe: bool = False):
        self.lang, self.fake, self.rng, self.json_safe = lang, fake, rng, json_safe
        self.parts: list[str] = []
        self.pos = 0
        self.entities: list[dict[str, Any]] = []
        self.negatives: list[dict[str, Any]] = []

    def text(self, s: str) -> None:
        self.parts.append(s)
        self.pos += len(s)

    def _value(self, s: str) -> tuple[int, int]:
        if self.json_safe:
            assert not _JSON_UNSAFE.search(s), s
        start = self.pos
        self.text(s)
        return start, self.pos

    def fill(self, template: str) -> None:
        pos = 0
        for m in _SLOT.finditer(template):
            self.text(template[pos : m.start()])
            slot = m.group(1)
            if slot.startswith("neg:"):
                kind = slot[4:]
                value = V.NEGATIVES[kind](self.rng)
                start, end = self._value(value)
                self.negatives.append({"kind": kind, "start": start, "end": end, "value": value})
            else:
                v = GENERATORS[self.lang][slot](self.fake, self.rng)
                start, end = self._value(v.text)
                ent: dict[str, Any] = {
                    "type": slot,
                    "category": ENTITY_CATEGORIES[slot],
                    "start": start,
                    "end": end,
                    "value": v.text,
                }
                if v.identifying:
                    ent["identifying"] = list(v.identifying)
                self.entities.append(ent)
            pos = m.end()
        self.text(template[pos:])

    def done(self, sid: str, form: str) -> dict[str, Any]:
        text = "".join(self.parts)
        for item in (*self.entities, *self.negatives):
            assert text[item["start"] : item["end"]] == item["value"], (sid, item)
            for part in item.get("identifying", ()):
                assert part in item["value"], (sid, item)
        if form == "tool_args":
            parsed = json.loads(text)
            assert isinstance(parsed, dict) and "\\" not in text, sid
        return {
            "id": sid,
            "language": self.lang,
            "form": form,
            "text": text,
            "entities": self.entities,
            "negatives": self.negatives,
        }


def _cycle(items: list[str], rng: random.Random) -> Iterator[str]:
    while True:
        batch = list(items)
        rng.shuffle(batch)
        yield from batch


def _join(lang: str, pieces: list[str]) -> str:
    return ("" if lang == "zh" else " ").join(p for p in pieces if p)


def _message(s: Sample, primary: str, with_negative: bool) -> None:
    rng, lang = s.rng, s.lang
    sentences = T.SENTENCES[lang]
    chosen = [primary]
    if primary not in T.SECRET_TYPES:
        others = [t for t in sentences if t not in T.SECRET_TYPES and t != primary]
        chosen += rng.sample(others, rng.choice([0, 1, 1, 2]))
    pieces = [rng.choice(T.OPENERS[lang])]
    templates = [rng.choice(sentences[t]) for t in chosen]
    if with_negative:
        templates.insert(rng.randrange(len(templates) + 1), rng.choice(T.NEGATIVE_SENTENCES[lang]))
    pieces += templates
    pieces.append(rng.choice(T.CLOSERS[lang]))
    s.fill(_join(lang, pieces))


def _document(s: Sample, lines: list[str]) -> None:
    s.fill("\n".join(lines))


def _tool_args(s: Sample, pairs: list[tuple[str, str]]) -> None:
    s.text("{")
    for i, (key, template) in enumerate(pairs):
        s.text(("" if i == 0 else ", ") + f'"{key}": "')
        s.fill(template)
        s.text('"')
    s.text("}")


def generate_language(lang: str) -> list[dict[str, Any]]:
    fake = Faker(LOCALES[lang])
    fake.seed_instance(SEEDS[lang])
    rng = random.Random(SEEDS[lang])
    out: list[dict[str, Any]] = []

    def new(json_safe: bool = False) -> Sample:
        return Sample(lang, fake, rng, json_safe)

    def sid() -> str:
        return f"{lang}-{len(out):04d}"

    primaries = _cycle(sorted(T.SENTENCES[lang]), rng)
    for _ in range(COUNTS["message"]):
        s = new()
        _message(s, next(primaries), with_negative=rng.random() < 0.3)
        out.append(s.done(sid(), "message"))
    docs = [*T.DOCUMENTS[lang], *T.SECRET_DOCUMENTS[lang]]
    for i in range(COUNTS["document"]):
        s = new()
        _document(s, docs[i % len(docs)])
        out.append(s.done(sid(), "document"))
    for i in range(COUNTS["tool_args"]):
        s = new(json_safe=True)
        _tool_args(s, T.TOOL_ARGS[lang][i % len(T.TOOL_ARGS[lang])])
        out.append(s.done(sid(), "tool_args"))
    for _ in range(COUNTS["neg_message"]):
        s = new()
        n = rng.choice([1, 2, 3])
        s.fill(_join(lang, rng.sample(T.NEGATIVE_SENTENCES[lang], n)))
        out.append(s.done(sid(), "message"))
    for i in range(COUNTS["neg_document"]):
        s = new()
        _document(s, T.NEGATIVE_DOCUMENTS[lang][i % len(T.NEGATIVE_DOCUMENTS[lang])])
        out.append(s.done(sid(), "document"))
    for i in range(COUNTS["neg_tool_args"]):
        s = new(json_safe=True)
        _tool_args(s, T.NEGATIVE_TOOL_ARGS[i % len(T.NEGATIVE_TOOL_ARGS)])
        out.append(s.done(sid(), "tool_args"))
    return out


def generate() -> list[dict[str, Any]]:
    return [sample for lang in LANGUAGES for sample in generate_language(lang)]


def dumps(samples: list[dict[str, Any]]) -> str:
    return "".join(json.dumps(s, ensure_ascii=False, separators=(",", ":")) + "\n" for s in samples)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", type=Path, default=CORPUS)
    args = ap.parse_args(argv)
    samples = generate()
    args.out.write_text(dumps(samples), encoding="utf-8")
    n_ent = sum(len(s["entities"]) for s in samples)
    n_neg = sum(len(s["negatives"]) for s in samples)
    size = args.out.stat().st_size
    print(
        f"{args.out}: {len(samples)} samples, {n_ent} entities, {n_neg} hard negatives, {size / 1e6:.2f} MB"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
