"""Personal names from combined signals (issue 10): lexicons, word shape, everyday-word lists and
context, in English, German, Chinese and other scripts; one decision per text.

Every case goes through the real detector and the proxy's own analysis (guard.scan.scan_text),
so what is asserted is what the vendor would see. The names are made up or common given names
and surnames; none comes from the dev sets.
"""

from __future__ import annotations

import pytest

from guard.detect import Detector
from guard.policy import Policy
from guard.recognizers.person_name import find_names
from guard.scan import scan_text
from guard.transform import Transformer


def vendor_text(detector: Detector, policy: Policy, text: str) -> str:
    result = scan_text(text, policy, detector, Transformer(b"test-key"))
    assert result.blocked is None
    return result.text


def person_values(detector: Detector, policy: Policy, text: str) -> list[str]:
    result = scan_text(text, policy, detector, Transformer(b"test-key"))
    return [
        text[a.planned.start : a.planned.end] for a in result.applied if a.planned.entity_type == "PERSON"
    ]


# (text, the names that must not reach the vendor), one signal or cue each.
POSITIVES = [
    # English: full names with a surname no list knows, lists, cues
    ("Lunch with Daniela Zwiebelhuber tomorrow?", ["Daniela", "Zwiebelhuber"]),
    ("Dinner with Priya, Tomasz and Kenji on Friday", ["Priya", "Tomasz", "Kenji"]),
    ("Halldór: are we still on for tonight?\nSigrún: yes, at 8", ["Halldór", "Sigrún"]),
    ("[10:02] Baptiste: did anyone get the slides?", ["Baptiste"]),
    ("my kid Rose has a fever since yesterday, what should I do?", ["Rose"]),
    ("Can you ask Will whether the report is done?", ["Will"]),
    ("Hi Oksana,\nthe invoice is attached.", ["Oksana"]),
    ("Thanks for the help.\n\nCheers,\nMaelle", ["Maelle"]),
    ("Brasnovic said the deal is off.", ["Brasnovic"]),
    ("Steve Jobs and Ada Lovelace were on the poster", ["Steve", "Jobs", "Ada", "Lovelace"]),
    # lower case and capitals
    ("can you remind steve and tanya about the party on saturday", ["steve", "tanya"]),
    ("i had coffee with phil collins yesterday", ["phil", "collins"]),
    ("Great to see you today, going to the gym with jolanta later", ["jolanta"]),
    ("MEETING WITH SVETLANA KUZNETSOVA AT NOON", ["SVETLANA", "KUZNETSOVA"]),
    # German: lexicon, cues, lists; capitalised nouns around them
    ("Hallo Jana, kannst du morgen mit Sebastian Krüger telefonieren?", ["Jana", "Sebastian", "Krüger"]),
    ("Meine Kollegin Ute Wiesner kommt heute später.", ["Ute", "Wiesner"]),
    ("Im Team sind Malte, Svenja und Jörg.", ["Malte", "Svenja", "Jörg"]),
    ("Die Rechnung hat Herr Thomas Koch schon bezahlt.", ["Thomas", "Koch"]),
    # other locales and scripts inside English or German text
    ("Please add Şeyma Yıldırım and Oğuz Çelik to the guest list.", ["Şeyma", "Yıldırım", "Oğuz", "Çelik"]),
    ("Meeting with Ольга Петрова tomorrow at ten", ["Ольга", "Петрова"]),
    ("Can you write to محمد الأحمد about the rent?", ["محمد", "الأحمد"]),
    ("Email Γιώργος Παπαδόπουλος the signed form", ["Γιώργος", "Παπαδόπουλος"]),
    ("Bitte schick die Unterlagen an Zdeněk Dvořák.", ["Zdeněk", "Dvořák"]),
    # Chinese: roles before, speech after, transliterated names
    ("工程师孙立峰介绍了新的方案。", ["孙立峰"]),
    ("据了解，周海明表示同意这个计划。", ["周海明"]),
    ("娜塔莉·波特曼出演了这部电影", ["娜塔莉·波特曼"]),
]


@pytest.mark.parametrize(("text", "names"), POSITIVES)
def test_names_do_not_reach_the_vendor(
    detector: Detector, kimi_policy: Policy, text: str, names: list[str]
) -> None:
    sent = vendor_text(detector, kimi_policy, text)
    for name in names:
        assert name not in sent, (name, sent)


# Everyday words that are also names, places, technical words, German nouns, Chinese words that
# start with a surname: no PERSON.
NEGATIVES = [
    "I will may be there with a rose in my hand.",
    "Mark the date: the bill is due in May.",
    "We flew from Paris to Sydney and then on to Victoria.",
    "The German team and the French coach met in the hotel lobby.",
    "Set up Django and Kafka on the new server.",
    "Compare the sha1 and md5 hashes, then call os.path.join.",
    "Grace period ends soon, so pay the bill.",
    "Die Verwaltung hat die Besatzung über das neue Muster informiert.",
    "Zwei Mann Besatzung sitzen im Turm in Tandemanordnung.",
    "Stolze 1,5 Millionen Euro zahlte der Verein für den Spieler.",
    "Wir treffen uns im Juni in der Altstadt.",
    "他表示同意这个方案。",
    "我们认为这个方案可行。",
    "王国表示欢迎各国游客。",
    "请留下您的联系方式。",
    # code: identifiers are no names, lower-case words in it are no lower-case names
    "        raise NotImplementedError('use the other method')",
    "dev.credentials.url=dev-lb1.api.example.com:5215",
    "\t\tTestSuites: getTestSuites(findings),",
    "if current_index == len(values): return max(values)",
]


@pytest.mark.parametrize("text", NEGATIVES)
def test_words_that_are_names_need_context(detector: Detector, kimi_policy: Policy, text: str) -> None:
    assert person_values(detector, kimi_policy, text) == []


@pytest.mark.parametrize(
    ("text", "vendor_sees"),
    [
        # a name found once is a name everywhere in the text
        (
            "Herr Thomas Koch rief an. Später schickte Koch die Datei.",
            "Herr <PERSON_1> rief an. Später schickte <PERSON_2> die Datei.",
        ),
        (
            "Kofi Mensah-Boateng joined in May. Mensah-Boateng leads the team now.",
            "<PERSON_1> joined in May. <PERSON_2> leads the team now.",
        ),
        # but an everyday word only where it is written as it was found, not as a word
        (
            "Ask Will about it. I will call later.",
            "Ask <PERSON_1> about it. I will call later.",
        ),
    ],
)
def test_one_decision_per_text(detector: Detector, kimi_policy: Policy, text: str, vendor_sees: str) -> None:
    assert vendor_text(detector, kimi_policy, text) == vendor_sees


@pytest.mark.parametrize(
    ("text", "language", "expected"),
    [
        ("Todd Brinkmann beat Lars Øvergaard", "en", ["Todd Brinkmann", "Lars Øvergaard"]),
        ("Ludwig van Beethoven wrote it", "en", ["Ludwig van Beethoven"]),
        ("Call J. R. Hartley", "en", []),  # initials are guard.recognizers.en_name's
        ("rehab was great", "en", []),
        ("Wir danken Frau Özdemir", "de", ["Özdemir"]),
    ],
)
def test_find_names_spans(text: str, language: str, expected: list[str]) -> None:
    got = [text[a:b] for a, b, score in find_names(text, language) if score >= 0.5]
    for name in expected:
        assert name in got, (name, got)
    if not expected:
        assert all(" " not in g or g.startswith("J.") for g in got) or got == [], got


def test_a_name_in_one_slot_is_a_name_in_the_new_slots(detector: Detector, kimi_policy: Policy) -> None:
    """The system prompt names Herr Thomas Koch; the new message says "Koch" alone, where the
    word is also a German noun. The cache keeps each slot's own analysis."""
    from guard.cache import AnalysisCache
    from guard.inspection import analyze_texts

    system = "Du schreibst Briefe für Herrn Thomas Koch aus Kassel."
    message = "Schreib bitte, dass Koch morgen nicht kommen kann."
    cache = AnalysisCache()
    alone = analyze_texts([message], kimi_policy, detector, cache)[0]
    assert not [p for p in alone.planned if p.entity_type == "PERSON"]
    both = analyze_texts([system, message], kimi_policy, detector, AnalysisCache())
    spans = [message[p.start : p.end] for p in both[1].planned if p.entity_type == "PERSON"]
    assert spans == ["Koch"]
    # the message's cached analysis is still its own
    again = analyze_texts([message], kimi_policy, detector, cache)[0]
    assert again == alone
