"""Street addresses in English: house number, street name and type, optional unit, city, state
and ZIP ("1600 Pennsylvania Ave NW, Washington, DC 20500", "221B Baker Street"), and PO boxes.
spaCy's small model finds the city at best; the street line is what identifies a home."""

from __future__ import annotations

from guard.recognizers.base import GuardRecognizer, Rule

_TYPES = (
    r"Street|St|Avenue|Ave|Road|Rd|Boulevard|Blvd|Lane|Ln|Drive|Dr|Court|Ct|Way|Place|Pl"
    r"|Terrace|Ter|Parkway|Pkwy|Circle|Cir|Highway|Hwy|Square|Sq|Trail|Trl|Crescent|Close"
    r"|Row|Alley|Plaza|Loop|Path|Pike|Run|Walk|Gardens|Grove|Hill|Mews"
)
_NAME = r"(?:[A-Z][a-z]+|[0-9]{1,3}(?:st|nd|rd|th)|[A-Z]{1,2}|Saint|Mount|Old|New)"
_UNIT = r"(?:,?\s(?:Apt|Apartment|Suite|Ste|Unit|Floor|Fl|Room|Rm|#)\.?\s?#?[0-9A-Za-z\-]{1,6})"
_CITY = r"(?:,\s[A-Z][a-z]+(?:\s[A-Z][a-z]+){0,2})"
_STATE_ZIP = r"(?:,?\s[A-Z]{2}\s[0-9]{5}(?:-[0-9]{4})?|,?\s[A-Z]{1,2}[0-9][0-9A-Z]?\s[0-9][A-Z]{2})"


class EnAddressRecognizer(GuardRecognizer):
    ENTITIES = ("STREET_ADDRESS",)
    RULES = (
        Rule(
            "street address",
            rf"(?<![0-9A-Za-z])[0-9]{{1,6}}[A-Za-z]?(?:-[0-9]{{1,4}})?\s(?:[NSEW]\.?\s|North\s|South\s|East\s|West\s)?"
            rf"(?:{_NAME}\s){{1,4}}(?:{_TYPES})\.?(?:\s(?:NW|NE|SW|SE|N|S|E|W)\b)?"
            rf"(?![a-z]){_UNIT}?{_CITY}?{_STATE_ZIP}?",
            0.75,
            0.9,
        ),
        Rule("po box", r"(?i:\bP\.?\s?O\.?\s?Box\s[0-9]{1,6})", 0.75, 0.9),
    )
    CONTEXT = ("address", "live at", "lives at", "located at", "ship to", "mail to", "home")
