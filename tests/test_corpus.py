"""The labelled detection corpus (bench/corpus) and the leak rule of bench/detection.py."""

from __future__ import annotations

import json
import sys
import unicodedata
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from stdnum import iban, luhn
from stdnum.cn import ric, uscc
from stdnum.de import idnr
from stdnum.us import rtn, ssn

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.corpus import generate  # noqa: E402
from bench.detection import leaks, name_pieces, vendor_segment  # noqa: E402
from guard.entities import CATEGORIES, ENTITY_CATEGORIES  # noqa: E402


@pytest.fixture(scope="module")
def samples() -> list[dict[str, Any]]:
    text = generate.CORPUS.read_text(encoding="utf-8")
    return [json.loads(line) for line in text.splitlines()]


def test_committed_corpus_is_what_generate_writes() -> None:
    committed = generate.CORPUS.read_text(encoding="utf-8")
    assert generate.dumps(generate.generate()) == committed, (
        "bench/corpus/corpus.jsonl is stale: run .venv/bin/python bench/corpus/generate.py"
    )
    assert generate.CORPUS.stat().st_size < 2_000_000


def test_offsets_are_exact_and_labels_known(samples: list[dict[str, Any]]) -> None:
    ids = [s["id"] for s in samples]
    assert len(ids) == len(set(ids))
    for s in samples:
        assert s["language"] in ("en", "zh", "de") and s["form"] in (
            "message",
            "document",
            "tool_args",
        )
        text = s["text"]
        for e in s["entities"]:
            assert text[e["start"] : e["end"]] == e["value"], (s["id"], e)
            assert ENTITY_CATEGORIES[e["type"]] == e["category"]
            assert all(p in e["value"] for p in e.get("identifying", ()))
        for n in s["negatives"]:
            assert text[n["start"] : n["end"]] == n["value"], (s["id"], n)
        if s["form"] == "tool_args":
            assert isinstance(json.loads(text), dict)


def test_counts_meet_the_minimums(samples: list[dict[str, Any]]) -> None:
    assert len(samples) >= 1500
    per_lang = Counter(s["language"] for s in samples)
    assert all(per_lang[lang] >= 400 for lang in ("en", "zh", "de")), per_lang
    cats = {(s["language"], e["category"]) for s in samples for e in s["entities"]}
    assert {(lang, c) for lang in ("en", "zh", "de") for c in CATEGORIES} <= cats
    forms = {(s["language"], s["form"]) for s in samples}
    assert len(forms) == 9
    negative_only = [s for s in samples if not s["entities"]]
    assert len(negative_only) >= 150 and all(s["negatives"] for s in negative_only)
    assert sum(1 for s in samples if s["entities"] and s["negatives"]) >= 300


def _compact(value: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKC", value) if c.isalnum()).upper()


def test_check_digits_are_valid(samples: list[dict[str, Any]]) -> None:
    validators: dict[str, Callable[[str], bool]] = {
        "CREDIT_CARD": luhn.is_valid,
        "IBAN_CODE": iban.is_valid,
        "DE_TAX_ID": idnr.is_valid,
        "CN_USCC": uscc.is_valid,
        "CN_RESIDENT_ID": ric.is_valid,
        "ABA_ROUTING_NUMBER": rtn.is_valid,
        "US_SSN": ssn.is_valid,
        "US_NPI": lambda v: luhn.is_valid("80840" + v),
    }
    seen: Counter[str] = Counter()
    for s in samples:
        for e in s["entities"]:
            check = validators.get(e["type"])
            if check is not None:
                assert check(_compact(e["value"])), (s["id"], e)
                seen[e["type"]] += 1
    assert set(seen) == set(validators)
    ids = [e["value"] for s in samples for e in s["entities"] if e["type"] == "CN_RESIDENT_ID"]
    assert any(v.endswith("x") for v in ids) and any(v.endswith("X") for v in ids)
    cards = [_compact(e["value"]) for s in samples for e in s["entities"] if e["type"] == "CREDIT_CARD"]
    assert any(c.startswith("62") and len(c) == 19 for c in cards)


# --- the leak rule -------------------------------------------------------------------------


def test_a_leaked_surname_is_a_leak() -> None:
    assert leaks("PERSON", "John Smith", "Dear Mr. Smith, thanks")
    assert not leaks("PERSON", "John Smith", "Dear <PERSON_1>, thanks")
    # initials and suffixes do not identify; "ed" inside "[REDACTED" is not the name "Ed"
    assert not leaks("PERSON", "J. R. Smith Jr.", "Dear J. R. <PERSON_1> Jr.")
    assert not leaks("PERSON", "Ed Li", "[REDACTED:PERSON]")


def test_chinese_names() -> None:
    assert name_pieces("迪丽热巴·迪力木拉提") == ["迪丽热巴", "迪力木拉提"]
    assert leaks("PERSON", "王小明", "请联系<PERSON_1>小明")  # the given name identifies
    assert not leaks("PERSON", "王小明", "请联系王<PERSON_1>")  # a lone surname does not
    assert not leaks("PERSON", "欧阳娜娜", "欧阳<PERSON_1>")  # nor a compound one
    assert not leaks("PERSON", "王伟", "王")


def test_masked_card_keeping_four_digits_is_no_leak() -> None:
    assert not leaks("CREDIT_CARD", "4111 1111 1111 1111", "**** **** **** 1111")
    assert leaks("CREDIT_CARD", "4111 1111 1111 1111", "4111 1111 **** ****")
    assert leaks("PHONE_NUMBER", "１３８００１３８０００", "call 138-0013-8000")  # full-width
    assert not leaks("PHONE_NUMBER", "+86 138 0013 8000", "+86 <PHONE_NUMBER_1>")


def test_a_blocked_sample_leaks_nothing() -> None:
    assert not leaks("US_SSN", "123-45-6789", "SSN 123-45-6789", blocked=True)
    assert leaks("US_SSN", "123-45-6789", "SSN 123-45-6789")


def test_other_rules() -> None:
    assert leaks("EMAIL_ADDRESS", "jane.doe@example.com", "mail jane.doe@<DOMAIN>")
    assert not leaks("EMAIL_ADDRESS", "jane.doe@example.com", "mail <EMAIL_ADDRESS_1>")
    assert leaks(
        "STREET_ADDRESS",
        "12 Oak St, Boston, MA 02110",
        "12 Oak St, <LOCATION_1>",
        identifying=["12 Oak St"],
    )
    assert not leaks(
        "STREET_ADDRESS",
        "12 Oak St, Boston, MA 02110",
        "<STREET_ADDRESS_1>",
        identifying=["12 Oak St"],
    )
    # an address leaks when its house number and a word of its street name are both sent
    line = "2888 Jones Motorway"
    addr = f"{line} Apt. 645, Keithborough, DC 77847"
    assert leaks("STREET_ADDRESS", addr, "2888 Jones <PERSON_1>. 645", identifying=[line])
    assert not leaks("STREET_ADDRESS", addr, "2888 <PERSON_1>, DC 77847", identifying=[line])
    assert not leaks("STREET_ADDRESS", "建国路88号", "<LOCATION_1>88号", identifying=["建国路88号"])
    assert leaks("SALARY", "$195,500.00", "$195,500 a year")
    assert not leaks("ACCOUNT_BALANCE", "4.250,17 €", "[REDACTED:ACCOUNT_BALANCE] €")
    dsn = "postgres://app:Secr3tPassw0rd@db/orders"
    assert not leaks("CONNECTION_STRING", dsn, "postgres://app:[REDACTED]@db/orders")
    assert leaks("CONNECTION_STRING", dsn, "postgres://[REDACTED]:Secr3tPassw0rd@db")
    key = "sk-" + "a1B2c3D4e5" * 4
    assert leaks("API_KEY", key, "key ..." + key[10:20] + "...")
    assert leaks("MEDICAL_CONDITION", "type 2 diabetes", "type 2 diabetes", identifying=["diabetes"])
    assert leaks("MEDICAL_CONDITION", "type 2 diabetes", "type 2 Diabetes [x]", identifying=["diabetes"])
    assert not leaks("MEDICAL_CONDITION", "type 2 diabetes", "type 2 [REDACTED]", identifying=["diabetes"])


def test_vendor_segment_follows_replacements() -> None:
    text = "Call John Smith at 555."
    out = "Call <PERSON_1> Smith at 555."
    assert vendor_segment(text, out, [(5, 9, "<PERSON_1>")], 5, 15) == "<PERSON_1> Smith"
    out = "Ring <PERSON_1> at 555."
    spans = [(0, 4, "Ring"), (5, 15, "<PERSON_1>")]
    assert vendor_segment(text, out, spans, 5, 15) == "<PERSON_1>"
    assert vendor_segment(text, out, spans, 19, 22) == "555"
    # spans that do not rebuild the vendor text: the whole of it is checked
    assert vendor_segment(text, "something else", spans, 5, 15) == "something else"
