"""German street addresses: street name ending in -straße/-weg/-platz... or a separate
"Straße", house number, optional PLZ and city ("Hauptstraße 5, 10115 Berlin",
"Am Alten Markt 3a", "Berliner Str. 12")."""

from __future__ import annotations

from guard.recognizers.base import GuardRecognizer, Rule

_UP = "[A-ZÄÖÜ]"
_LO = "[a-zäöüß]"
_SUFFIXES = (
    r"straße|strasse|str\.|weg|gasse|platz|allee|ring|damm|ufer|chaussee|steig|pfad|markt"
    r"|promenade|wall|graben|berg|hof|kamp|feld|garten"
)
_WORD = rf"{_UP}{_LO}+(?:-{_UP}{_LO}+)*"
# After a hyphen the street type is capitalised: "Viviane-Reuter-Weg", "Konrad-Adenauer-Straße".
_HYPHEN_SUFFIXES = (
    r"Straße|Strasse|Str\.|Weg|Gasse|Platz|Allee|Ring|Damm|Ufer|Chaussee|Steig|Pfad|Markt"
    r"|Promenade|Wall|Graben|Berg|Hof|Kamp|Feld|Garten|Park|Anger|Stieg|Zeile|Brücke|Tor"
)
_STREET = (
    rf"(?:{_WORD}(?:{_SUFFIXES}|-(?:{_HYPHEN_SUFFIXES}))"
    rf"|(?:{_WORD}\s){{1,2}}(?:Straße|Strasse|Str\.|Weg|Platz|Allee|Gasse|Ring|Damm|Ufer|Chaussee)"
    rf"|(?:Am|An der|Auf dem|Im|In der|Zum|Zur|Unter den)\s(?:{_WORD}\s)?{_WORD})"
)
_NUMBER = r"\s[0-9]{1,4}(?:\s?[a-z])?(?:\s?[-/]\s?[0-9]{1,4}[a-z]?)?(?![0-9])"
_CITY = (
    rf"(?:,?\s(?:D-)?[0-9]{{5}}\s{_WORD}"
    rf"(?:\s(?:am|an der|im|in der|ob der)\s{_WORD})?(?:\s\([A-Z][a-z]+\))?)"
)


class DeAddressRecognizer(GuardRecognizer):
    ENTITIES = ("STREET_ADDRESS",)
    RULES = (
        Rule("german address", rf"(?<![A-Za-zÄÖÜäöüß]){_STREET}{_NUMBER}{_CITY}?", 0.7, 0.9),
        Rule("plz and city", rf"(?<![0-9])(?:D-)?[0-9]{{5}}\s{_WORD}(?=[\s,.;]|$)", 0.0, 0.6),
    )
    CONTEXT = (
        "adresse",
        "anschrift",
        "wohne",
        "wohnt",
        "wohnhaft",
        "plz",
        "lieferadresse",
        "address",
        "地址",
    )
