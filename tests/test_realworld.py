"""The pure parts of bench/realworld.py (leak rules, word shares, the secrets split) and the
generator of the international set. Strings here are written for the tests, never taken from
the dev sets."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench import realworld as R  # noqa: E402
from bench.detection import leaks, name_pieces  # noqa: E402
from bench.international import generate as G  # noqa: E402

# ---------------------------------------------------------------------------------------------
# Chinese addresses


@pytest.mark.parametrize(
    ("value", "parts"),
    [
        ("北京市海淀区中关村大街27号", ["北京", "海淀", "中关"]),
        ("浦东新区", ["浦东"]),
        ("北美地区", ["北美"]),
        ("杭州", ["杭州"]),
        ("西湖边的白堤", ["西湖边的白堤"]),
        ("南山区科技园5栋302室", ["南山", "科技园"]),
        ("oakland", ["oakland"]),
    ],
)
def test_address_parts(value: str, parts: list[str]) -> None:
    assert R.address_parts(value) == parts


@pytest.mark.parametrize(
    ("value", "vendor_sees", "leaked"),
    [
        ("北京市海淀区中关村大街27号", "北京市海淀区中关村大街27号", True),
        ("北京市海淀区中关村大街27号", "<STREET_ADDRESS_1>", False),
        # the street replaced, the city and district left: a place still identifies the address
        ("北京市海淀区中关村大街27号", "北京市海淀区<STREET_ADDRESS_1>", True),
        ("北京市海淀区中关村大街27号", "<LOCATION_1>中关村大街<STREET_ADDRESS_1>", True),
        # a suffix or a house number alone does not
        ("北京市海淀区中关村大街27号", "<LOCATION_1>区大街27号", False),
        ("浦东新区", "浦东<LOCATION_1>", True),
        ("浦东新区", "<LOCATION_1>新区", False),
        ("杭州", "杭州", True),
        ("杭州", "<LOCATION_1>", False),
    ],
)
def test_chinese_address_leaks(value: str, vendor_sees: str, leaked: bool) -> None:
    assert R.address_leaks(value, vendor_sees) is leaked


def test_street_or_place() -> None:
    assert R.is_street_address("南京西路88号")
    assert R.is_street_address("朝阳门外大街")
    assert R.is_street_address("科技园5栋")
    assert not R.is_street_address("巴黎")
    assert not R.is_street_address("浙江省杭州市")
    assert R.row_label("ADDRESS", "南京西路88号", "public") == "ADDRESS (street)"
    assert R.row_label("ADDRESS", "四川", "public") == "ADDRESS (place)"


# ---------------------------------------------------------------------------------------------
# Occurrences and the shared leak rule


def test_occurrences_at_word_boundaries() -> None:
    assert R.occurrences("Ann met Annabel and Ann", "Ann") == [(0, 3), (20, 23)]
    assert R.occurrences("xAnnx", "Ann") == [(1, 4)]  # no bounded one: every occurrence
    assert R.occurrences("王芳和王芳", "王芳") == [(0, 2), (3, 5)]


def test_value_inside_a_longer_value_of_another_label() -> None:
    sample = {
        "id": "t",
        "text": "Uni Hamburg is in Hamburg",
        "expect": [
            {"type": "ORGANIZATION", "value": "Uni Hamburg"},
            {"type": "LOCATION", "value": "Hamburg"},
        ],
    }
    loc = R.labelled_values(sample, "public")[1]
    assert loc.spans == [(18, 25)]


def test_name_particles_and_foreign_digits() -> None:
    assert name_pieces("Maria dos Santos") == ["Maria", "Santos"]
    assert not leaks("PERSON", "Maria dos Santos", "<PERSON_1> dos <PERSON_2>")
    assert leaks("PHONE_NUMBER", "+৮৮০ ১৯১২ ১৭৮৮৮১", "call +৮৮০ ১৯১২ ১৭৮৮৮১ now")
    assert leaks("PHONE_NUMBER", "+৮৮০ ১৯১২ ১৭৮৮৮১", "call 8801912178881")
    assert not leaks("PHONE_NUMBER", "+৮৮০ ১৯১২ ১৭৮৮৮১", "call <PHONE_NUMBER_1>")


# ---------------------------------------------------------------------------------------------
# Words removed


def test_word_removal_counts_other_words_and_health_apart() -> None:
    text = "Ann met Bob in Paris on Monday about asthma"
    labelled = [(0, 3), (15, 20)]  # Ann, Paris
    acted = [
        (0, 3, "PERSON", "pii"),  # a labelled value: not an "other" word
        (8, 11, "PERSON", "pii"),  # Bob, not labelled: removed
        (24, 30, "DATE_TIME", "pii"),  # Monday
        (37, 43, "MEDICAL_CONDITION", "health"),  # asthma
    ]
    wc = R.word_removal(text, labelled, acted, None)
    assert (wc.other, wc.removed, wc.health) == (7, 2, 1)  # met Bob in on Monday about asthma
    assert [text[a:b] for a, b, _ in wc.examples] == ["Bob", "Monday", "asthma"]


def test_word_removal_when_blocked_and_in_chinese() -> None:
    wc = R.word_removal("key is abc123", [(7, 13)], [], ("API_KEY", "secret"))
    assert (wc.other, wc.removed, wc.health, wc.examples) == (2, 2, 0, [])
    wc = R.word_removal("王芳住在北京", [(0, 2)], [(4, 6, "LOCATION", "pii")], None)
    assert (wc.other, wc.removed) == (4, 2)  # 住 在 北 京: each character a word


def test_covered_and_vanilla_merge() -> None:
    assert R.covered([(0, 2), (1, 4)], 0, 8) == 0.5
    assert R.covered([], 0, 4) == 0.0
    out = R.vanilla_outcome(
        "Call Ann Lee at 555-0100",
        [["PERSON", 5, 12, 0.85], ["LOCATION", 9, 12, 0.85], ["PHONE_NUMBER", 16, 24, 0.4]],
    )
    assert out.vendor_text == "Call <PERSON> at <PHONE_NUMBER>"
    assert [(s, e, t) for s, e, t, _ in out.acted] == [(5, 12, "PERSON"), (16, 24, "PHONE_NUMBER")]


def test_judge_one_sample() -> None:
    text = "Tell Ann Lee in Oslo that Bob is late"
    sample = {
        "id": "t",
        "text": text,
        "expect": [
            {"type": "PERSON", "value": "Ann Lee"},
            {"type": "LOCATION", "value": "Oslo"},
            {"type": "PERSON", "value": "Bob"},
        ],
    }
    # the detector replaced "Ann" only, and the word "late"
    outcome = R.Outcome(
        "Tell <PERSON_1> Lee in Oslo that Bob is <X>",
        [(5, 8, "<PERSON_1>"), (33, 37, "<X>")],
        [(5, 8, "PERSON", "pii"), (33, 37, "DATE_TIME", "pii")],
    )
    j = R.judge(sample, "public", outcome)
    assert [(v.value, v.found, v.leaked) for v in j.values] == [
        ("Ann Lee", False, True),  # "Lee" was sent
        ("Oslo", False, True),
        ("Bob", False, True),
    ]
    assert (j.words.other, j.words.removed) == (5, 1)  # Tell in that is late


def test_organisations_are_removed_or_not_never_leaked() -> None:
    text = "Acme Corp hired Bo"
    sample = {
        "id": "t",
        "text": text,
        "expect": [{"type": "ORGANIZATION", "value": "Acme Corp"}, {"type": "PERSON", "value": "Bo"}],
    }
    kept = R.judge(sample, "public", R.Outcome(text, [], []))
    assert [(v.found, v.leaked) for v in kept.values] == [(False, False), (False, True)]
    outcome = R.Outcome("<ORG> hired Bo", [(0, 9, "<ORG>")], [(0, 9, "ORGANIZATION", "pii")])
    removed = R.judge(sample, "public", outcome)
    assert [(v.found, v.leaked) for v in removed.values] == [(True, False), (False, True)]


# ---------------------------------------------------------------------------------------------
# Secrets: the form of a line, identifiers, what of a credential counts


@pytest.mark.parametrize(
    ("line", "value", "form"),
    [
        ('fooToken = "s3cr3tValue42"', "s3cr3tValue42", "template"),
        ("foo_token: 's3cr3tValue42'", "s3cr3tValue42", "template"),
        ('{\n    "foo_token": "s3cr3tValue42"\n}', "s3cr3tValue42", "template"),
        ('{"config.ini": "FOO_TOKEN=s3cr3tValue42\\nBACKUP_ENABLED=true"}', "s3cr3tValue42", "template"),
        ('System.setProperty("FOO_TOKEN", "s3cr3tValue42")', "s3cr3tValue42", "template"),
        ('FOO_TOKEN ?= "s3cr3tValue42"', "s3cr3tValue42", "template"),
        ("<fooToken>\n    s3cr3tValue42\n</fooToken>", "s3cr3tValue42", "template"),
        ('password = "s3cr3tValue42"', "s3cr3tValue42", "author"),
        ("curl -u admin:s3cr3tValue42 https://example.com", "admin:s3cr3tValue42", "author"),
        ('fooToken = "s3cr3tValue42" # rotated', "s3cr3tValue42", "author"),
    ],
)
def test_line_form(line: str, value: str, form: str) -> None:
    assert R.line_form(line, value) == form


def test_identifier_types_and_secret_material() -> None:
    assert R.is_identifier_type("acme-client-id")
    assert R.is_identifier_type("lob-pub-api-key")
    assert not R.is_identifier_type("acme-client-secret")
    assert R.row_label("acme-client-id", "x", "secrets") == "identifiers (not secrets)"
    assert R.row_label("github-pat", "x", "secrets") == "credentials"
    assert R.secret_material("curl-auth-user", "admin:hunter22") == "hunter22"
    assert R.secret_material("curl-auth-user", '"tok3nAsUser:"') == '"tok3nAsUser:"'
    item = R.Labelled("curl-auth-user", "credentials", "admin:hunter22", [(0, 14)])
    spec = R.spec_of("credentials")
    assert not R.value_leaks(item, spec, "admin:<PASSWORD_1>", blocked=False)
    assert R.value_leaks(item, spec, "<USER>:hunter22", blocked=False)
    assert not R.value_leaks(item, spec, "admin:hunter22", blocked=True)


def test_targets() -> None:
    assert R.set_target(R.spec_of("Disease"), "Disease", "en") == 0.15
    assert R.set_target(R.spec_of("DRUG"), "DRUG", "zh") == 0.20
    assert R.set_target(R.spec_of("SYMPTOM"), "SYMPTOM", "zh") is None
    assert R.set_target(R.spec_of("PERSON"), "PERSON", "de") == 0.05
    assert R.set_target(R.spec_of("credentials"), "credentials, template lines", "code") is None
    biomed = R.SetScore("ncbi", "public", "en", rows={"Disease": R.Row()})
    news = R.SetScore("conll", "public", "en", rows={"PERSON": R.Row()})
    assert R.words_target(biomed) == 0.05
    assert R.words_target(news) == 0.03


# ---------------------------------------------------------------------------------------------
# The generated international set


def test_generator_is_deterministic_and_the_committed_set_is_current() -> None:
    assert G.generate_locale("de_DE", 6) == G.generate_locale("de_DE", 6)
    committed = G.OUT.read_text(encoding="utf-8")
    assert G.dumps(G.generate()) == committed, (
        "bench/international/international.jsonl is stale: run .venv/bin/python "
        "bench/international/generate.py"
    )
    assert G.OUT.stat().st_size < 2_000_000


def test_generated_samples_are_well_formed() -> None:
    samples = [json.loads(line) for line in G.OUT.read_text(encoding="utf-8").splitlines()]
    ids = [s["id"] for s in samples]
    assert len(ids) == len(set(ids))
    assert len({s["locale"] for s in samples if s["locale"]}) == len(G.LOCALES) >= 80
    frames = {s["frame"] for s in samples}
    assert frames >= {"chat", "lower", "list", "letter", "form", "json", "postal", "transcript", "negative"}
    for s in samples:
        for e in s["expect"]:
            assert e["value"] in s["text"] and e["type"] in R.LABELS, (s["id"], e)
            assert all(p in e["value"] for p in e.get("identifying", ())), (s["id"], e)
        if s["frame"] == "json":
            json.loads(s["text"])
    assert sum(not s["expect"] for s in samples) >= 100
