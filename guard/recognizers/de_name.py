"""German personal names behind a title or introduction ("Herr Müller", "Frau Dr. Anna
Schmidt-Weber", "ich heiße Jürgen Becker"). spaCy's English model often misses German names,
especially those with umlauts or nobility particles."""

from __future__ import annotations

from guard.recognizers.base import GuardRecognizer, Rule

_W = r"[A-ZÄÖÜ][a-zäöüß]+(?:-[A-ZÄÖÜ][a-zäöüß]+)?"
_NAME = rf"{_W}(?:\s(?:von|van|vom|zu|von der|von und zu)\s{_W}|\s{_W})?"


class DeNameRecognizer(GuardRecognizer):
    ENTITIES = ("PERSON",)
    RULES = (
        Rule(
            "name after title",
            rf"(?<![A-Za-z])(?:Herrn?|Frau|Fräulein)\s(?:(?:Dr|Prof)\.\s(?:med\.\s|Dr\.\s)?)?({_NAME})",
            0.8,
            0.9,
            group=1,
        ),
        Rule(
            "introduced name",
            r"(?:[Ii]ch heiße|[Mm]ein Name ist|[Ii]ch bin|Patientin|Patient|Name:"
            rf"|Ansprechpartner(?:in)?:?)\s({_NAME})",
            0.7,
            0.85,
            group=1,
        ),
    )
    CONTEXT = ("name", "herr", "frau", "patient", "kunde", "kundin")

    def validate(self, value: str, rule: Rule) -> bool:
        # "ich bin Arzt", "Patient Aufnahme": common nouns are capitalised in German too.
        return value.split()[0].lower() not in _COMMON_NOUNS


_COMMON_NOUNS = frozenset(
    [
        "arzt",
        "ärztin",
        "lehrer",
        "lehrerin",
        "student",
        "studentin",
        "mutter",
        "vater",
        "kunde",
        "kundin",
        "patient",
        "patientin",
        "entwickler",
        "entwicklerin",
        "ingenieur",
        "ingenieurin",
        "mitarbeiter",
        "mitarbeiterin",
        "aufnahme",
        "hier",
        "da",
        "nicht",
        "sehr",
        "krank",
        "müde",
        "froh",
        "gerade",
        "seit",
        "bereits",
        "schon",
        "heute",
        "morgen",
    ]
)
