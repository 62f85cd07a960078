"""Symptoms and complaints in English, German and Chinese (a `SYMPTOM`, health category).

Terms come from guard/data/symptoms.txt (English in both spellings and the plural), Chinese body
part + complaint products (头痛, 腰酸, 腿麻; cn_health.py), English body part + pain/ache
("knee pain", "back ache"), and German compounds on -schmerzen, -beschwerden and -krämpfe
("Ohrenschmerzen", "Magenbeschwerden"). Symptom words with an everyday sense need their medical
one shown: "a rash" next to a body part or "itchy", not "a rash decision"; "pain" only as
"<body part> pain"; "cold" is the recognizer of conditions' business ("I have a cold").
"""

from __future__ import annotations

import re

from presidio_analyzer import RecognizerResult
from presidio_analyzer.nlp_engine import NlpArtifacts

from guard.recognizers import cn_health
from guard.recognizers.health_vocab import all_variants, word_set
from guard.recognizers.lexicon import Lexicon, LexiconRecognizer, data_terms
from guard.recognizers.text import CJK_RE

_BODY_EN = word_set("""
head neck back lower-back upper-back shoulder shoulders arm arms elbow wrist hand hands finger
fingers chest breast stomach belly tummy abdominal pelvic hip hips leg legs knee knees ankle
ankles foot feet heel toe toes joint joints muscle muscles jaw tooth teeth ear ears eye eyes
throat rib ribs groin side flank kidney bladder nerve
""")
_PAIN_EN = (
    "pain",
    "pains",
    "ache",
    "aches",
    "aching",
    "cramp",
    "cramps",
    "soreness",
    "stiffness",
    "swelling",
)
# A rash of the skin, not of decisions: a body part, "itchy" or "red" in front or after.
_RASH = re.compile(
    r"(?i)(?<![a-z])(?:(?:itchy|red|skin|heat|diaper|nappy|bumpy|raised|painful|blistering)\s+rash(?:es)?"
    r"|rash(?:es)?\s+(?:on|all over|across)\s+(?:my|his|her|their|the|your)\s+"
    r"(?:face|arms?|legs?|chest|back|neck|hands?|feet|body|skin|stomach|belly|torso))(?![a-z])"
)
_DE_COMPOUND = re.compile(
    r"(?<![A-Za-zÄÖÜäöüß])[A-ZÄÖÜ][a-zäöüß]{2,}(?:schmerzen|schmerz|beschwerden|krämpfe|krampf)"
    r"(?![A-Za-zÄÖÜäöüß])"
)
# "pain" is a symptom unless it is a product's ("pain points"), an idiom's ("a pain in the neck",
# "no pain, no gain", "growing pains") or a figure's ("the pain of migrating").
_PAIN_NOT_AFTER = re.compile(
    r"(?i)(?:\s?-?\s?points?|\s+in the (?:neck|ass|arse|butt|backside)|,?\s+no gain|\s+of\s)"
)
_PAIN_NOT_BEFORE = re.compile(r"(?i)(?:growing|no|labour|labor|birth|world of|such a|what a)\s+$")
# Pains of the heart that are no symptom.
_DE_NOT = frozenset(
    {
        "weltschmerz",
        "trennungsschmerz",
        "abschiedsschmerz",
        "liebesschmerz",
        "seelenschmerz",
        "herzschmerz",
        "phantomschmerz",
    }
)


class SymptomRecognizer(LexiconRecognizer):
    ENTITIES = ("SYMPTOM",)
    FOLD = True
    CONTEXT = (
        "symptom",
        "symptoms",
        "suffer",
        "suffering",
        "since",
        "for days",
        "doctor",
        "症状",
        "出现",
        "伴有",
        "伴随",
        "医生",
        "Symptom",
        "Symptome",
        "seit",
        "Arzt",
        "habe",
    )
    CONTEXT_BEFORE = 30
    CONTEXT_AFTER = 20

    def build_lexicon(self, lexicon: Lexicon) -> None:
        terms = data_terms("symptoms.txt")
        lexicon.add_all(all_variants(t for t in terms if not CJK_RE.search(t)), "SYMPTOM", 0.6)
        lexicon.add_all((t for t in terms if CJK_RE.search(t)), "SYMPTOM", 0.6)
        lexicon.add_all(("pain", "pains"), "SYMPTOM", 0.55)
        lexicon.add_all(cn_health.symptom_terms(), "SYMPTOM", 0.6)
        lexicon.add_all((f"{body} {pain}" for body in _BODY_EN for pain in _PAIN_EN), "SYMPTOM", 0.6)
        aches = ("head", "back", "stomach", "tooth", "ear", "belly", "tummy")
        lexicon.add_all((f"{b}ache" for b in aches), "SYMPTOM", 0.6)

    def keep(self, text: str, start: int, end: int) -> bool:
        if text[start:end].lower() not in ("pain", "pains"):
            return True
        if _PAIN_NOT_AFTER.match(text, end):
            return False
        return _PAIN_NOT_BEFORE.search(text, max(0, start - 12), start) is None

    def analyze(
        self, text: str, entities: list[str], nlp_artifacts: NlpArtifacts | None = None
    ) -> list[RecognizerResult]:
        if entities and "SYMPTOM" not in entities:
            return []
        results = super().analyze(text, entities, nlp_artifacts)
        if "rash" in text.lower():
            for m in _RASH.finditer(text):
                results.append(self.result("SYMPTOM", m.start(), m.end(), 0.6))
        for m in _DE_COMPOUND.finditer(text):
            if m.group(0).lower() not in _DE_NOT:
                results.append(self.result("SYMPTOM", m.start(), m.end(), 0.6))
        return results
