"""German personal names behind a title or introduction ("Herr Müller", "Frau Dr. Anna
Schmidt-Weber", "ich heiße Jürgen Becker"). spaCy's English model often misses German names,
especially those with umlauts or nobility particles."""

from __future__ import annotations

from guard.recognizers.base import GuardRecognizer, Rule
from guard.recognizers.text import LABEL_SEP, NAME_WORD

_W = r"[A-ZÄÖÜ][a-zäöüß]+(?:-[A-ZÄÖÜ][a-zäöüß]+)?"
_NAME = rf"{_W}(?:\s(?:von|van|vom|zu|von der|von und zu)\s{_W}|\s{_W})?"
# A full name: given name and surname, maybe with a particle ("Friederike von Bülow").
_FULL_NAME = rf"{NAME_WORD}(?:\s(?:von|van|vom|zu|von der|de|di|da))?\s{NAME_WORD}(?![\w-])"
# Words that put a person's full name next to them: roles and fields in forms and JSON
# ("Kunde", "empfaenger"), the greeting and the sign-off of a letter, "Antwort an".
_ROLE = (
    r"(?i:name|vollständiger name|kunde|kundin|empfänger(?:in)?|empfaenger(?:in)?"
    r"|zahlungsempfänger|zahlungsempfaenger|absender(?:in)?|patient(?:in)?|mitarbeiter(?:in)?"
    r"|notfallkontakt|ansprechpartner(?:in)?|kontoinhaber(?:in)?|versicherte[rn]?|inhaber(?:in)?"
    r"|antragsteller(?:in)?|vermieter(?:in)?|mieter(?:in)?|auftraggeber(?:in)?)"
)
_GREETING = (
    r"(?:Hallo|Liebe[rs]?|Guten Tag|Sehr geehrte[rs]?(?:\s(?:Frau|Herr))?|Antwort an|Nachricht an"
    r"|E-Mail an|Mail an|(?:Viele|Beste|Liebe|Freundliche) Grüße|Mit freundlichen Grüßen|Gruß|LG|MfG)"
)


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
        Rule(
            "name after a role or field",
            rf"(?<![A-Za-zÄÖÜäöüß_]){_ROLE}{LABEL_SEP}({_FULL_NAME})",
            0.8,
            0.85,
            group=1,
        ),
        Rule(
            "name after a greeting",
            rf"(?<![A-Za-zÄÖÜäöüß]){_GREETING},?\s{{1,2}}({_FULL_NAME})",
            0.75,
            0.85,
            group=1,
        ),
    )
    CONTEXT = ("name", "herr", "frau", "patient", "kunde", "kundin")

    def validate(self, value: str, rule: Rule) -> bool:
        # "ich bin Arzt", "Patient Aufnahme": common nouns are capitalised in German too.
        words = [w.lower() for w in value.split()]
        return words[0] not in _COMMON_NOUNS and not any(w in _NOT_NAMES for w in words)


# Words after a greeting that are not names: "Hallo Zusammen", "Liebe Kolleginnen und Kollegen".
_NOT_NAMES = frozenset(
    {"zusammen", "team", "alle", "kollegen", "kolleginnen", "leute", "grüße", "gruß", "damen", "herren"}
)
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
