"""Which of spaCy's findings to keep. The small English model tags many technical tokens as
people, places and organisations ("S3", "EKS", "kubectl", "os.path", "useState") and reads
Chinese text as a string of made-up entities; those findings are dropped here."""

from __future__ import annotations

import re

from presidio_analyzer import RecognizerResult
from presidio_analyzer.nlp_engine import NlpArtifacts
from presidio_analyzer.predefined_recognizers import SpacyRecognizer

from guard.language import FUNCTION_WORDS, detect_language
from guard.recognizers.person_name import corroborated, is_place_name, not_a_person_alone
from guard.recognizers.text import has_cjk

_NAMED = frozenset({"PERSON", "LOCATION", "ORGANIZATION", "NRP"})
_TECHNICAL = re.compile(r"[0-9_/\\=<>{}\[\]()@#$%^*|~`;:+]|[a-z]\.[a-z]|[a-z][A-Z]")
_ALL_CAPS = re.compile(r"[A-Z0-9\-]{1,6}")


# Labels written before identifiers, which the model takes for names ("Telefon", "IBAN").
_LABELS = frozenset(
    [
        "iban",
        "bic",
        "swift",
        "ssn",
        "itin",
        "ein",
        "mrn",
        "npi",
        "tel",
        "telefon",
        "handy",
        "fax",
        "email",
        "e-mail",
        "adresse",
        "anschrift",
        "name",
        "patient",
        "patientin",
        "konto",
        "kontonummer",
        "steuer-id",
        "versichertennummer",
        "geburtsdatum",
        "phone",
        "mobile",
        "address",
        "dob",
    ]
)


def keep_ner_finding(value: str, entity_type: str) -> bool:
    value = value.strip()
    if not value or has_cjk(value):
        return False
    if entity_type not in _NAMED:
        return True
    if value.lower() in _LABELS:
        return False
    if _TECHNICAL.search(value):
        return False
    if not value[0].isupper():
        return False
    # "Ich bin Arzt", "Der Build": a sentence start the English model took for a name;
    # "Hallo Zusammen": a greeting.
    if value.split()[0].lower() in _NOT_A_NAME_START:
        return False
    # Acronyms (AWS, EKS, GPU) are organisations or products, not people or places.
    if entity_type in {"PERSON", "LOCATION"} and _ALL_CAPS.fullmatch(value):
        return False
    # Every word of a name is capitalised, but for particles: "Erstattung auf" is not one.
    return not (
        entity_type == "PERSON" and any(w[:1].islower() and w not in _PARTICLES for w in value.split()[1:])
    )


_GREETINGS = frozenset({"hallo", "hello", "hi", "hey", "dear", "liebe", "lieber", "servus", "moin"})
_NOT_A_NAME_START = FUNCTION_WORDS | _GREETINGS
_LETTERS = re.compile(r"[^\W\d_]+")


def may_hold_named_entity(text: str) -> bool:
    """False when no person, place, organisation or group that `keep_ner_finding` keeps can
    be in `text`, so spaCy's NER need not read it.

    A kept named finding starts with an upper-case letter (so it starts a run of letters with
    one), has no Chinese character, and its first word is no function word or greeting. Text
    in which every run of letters with a capital is a capitalised function word ("The", "Ich",
    "Hi") or that has no capital at all (most Chinese text, lower-case chat) cannot hold one.
    Only spaCy's dates (DATE_TIME) are not looked for there; Presidio's date recognizer still
    finds dates written with digits.
    """
    if text.lower() == text:
        return False
    for m in _LETTERS.finditer(text):
        word = m.group()
        if word.lower() == word:
            continue
        if word[0].isupper() and word[1:].lower() == word[1:] and word.lower() in _NOT_A_NAME_START:
            continue
        return True
    return False
_PARTICLES = frozenset({"von", "van", "der", "den", "de", "du", "da", "di", "zu", "vom", "la", "le", "bin"})
_LABEL_AFTER = re.compile(r"\s?:")
# Last words of field labels that the model reads as names ("Kurze Frage:", "Customer Name:").
# A name before a colon is otherwise a name: "update from Lisa Chen:", "Alice: hi" in a transcript.
_LABEL_NOUNS = _LABELS | frozenset(
    {
        "frage",
        "question",
        "betreff",
        "subject",
        "nummer",
        "number",
        "note",
        "notiz",
        "hinweis",
        "datum",
        "date",
        "id",
        "kunde",
        "customer",
        "patient",
        "kontakt",
        "contact",
        "info",
        "details",
        "anfrage",
        "request",
        "antwort",
        "answer",
        "zusammenfassung",
        "summary",
        "status",
        "grund",
    }
)


def _is_field_label(text: str, start: int, end: int) -> bool:
    words = text[start:end].split()
    return (
        bool(words) and words[-1].lower().strip(".") in _LABEL_NOUNS and bool(_LABEL_AFTER.match(text, end))
    )


def keep_german_person(text: str, start: int, end: int) -> bool:
    """spaCy's English model reads capitalised German nouns as names ("Betreff", "Fallnummer",
    "Zwei Mann Besatzung"). In German text its PERSON counts only when a word of it is a name
    word that is no German noun (guard.recognizers.person_name.corroborated); the name
    recognizers find German names on their own."""
    return corroborated(text, start, end, "de")


class NoiseFilteredSpacyRecognizer(SpacyRecognizer):
    """Presidio's spaCy recognizer with `keep_ner_finding` applied before results are merged.

    Filtering afterwards is too late: Presidio drops a finding that lies inside another of the
    same type and score, so a noisy span ("司马桂香⏎身份证号:3101...", tagged PERSON) would swallow
    the exact name a recognizer of ours found in it, and then be dropped itself.
    """

    def __init__(self, supported_language: str = "en") -> None:
        super().__init__(supported_language=supported_language, name="SpacyRecognizer")

    def analyze(
        self, text: str, entities: list[str], nlp_artifacts: NlpArtifacts | None = None
    ) -> list[RecognizerResult]:
        results: list[RecognizerResult] = super().analyze(text, entities, nlp_artifacts)
        kept = [
            r
            for r in results
            if keep_ner_finding(text[r.start : r.end], r.entity_type)
            # "Kurze Frage: ...", "Customer Name: ...": a field label, not a name
            and not (r.entity_type == "PERSON" and _is_field_label(text, r.start, r.end))
            # "Django", "Kafka": software named like people
            and not (r.entity_type == "PERSON" and not_a_person_alone(text[r.start : r.end]))
        ]
        if any(r.entity_type == "PERSON" for r in kept) and detect_language(text) == "de":
            german: list[RecognizerResult] = []
            for r in kept:
                if r.entity_type == "PERSON" and not keep_german_person(text, r.start, r.end):
                    # "Mainz", "Moskau" read as people: places, if the gazetteer knows them
                    if not is_place_name(text[r.start : r.end]):
                        continue
                    r.entity_type = "LOCATION"
                german.append(r)
            kept = german
        return kept
