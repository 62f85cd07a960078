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
# The rest of the USPS street suffixes (Publication 28, appendix C1), names and standard
# abbreviations. Many are also ordinary words ("5 Red Lights"), so a street with one of these
# needs the city, state and ZIP after it, or an address label before it.
_USPS_TYPES = (
    r"Alley|Aly|Anex|Anx|Arcade|Arc|Bayou|Byu|Beach|Bch|Bend|Bnd|Bluffs?|Blfs?|Bottom|Btm|Branch"
    r"|Br|Bridge|Brg|Brooks?|Brks?|Burgs?|Bypass|Byp|Camp|Cp|Canyon|Cyn|Cape|Cpe|Causeway|Cswy"
    r"|Centers?|Ctrs?|Circles|Cirs|Cliffs?|Clfs?|Club|Clb|Commons?|Cmns?|Corners?|Cors?|Course"
    r"|Crse|Courts|Cts|Coves?|Cvs?|Creek|Crk|Crest|Crst|Crossing|Xing|Crossroads?|Xrds?|Curve"
    r"|Curv|Dale|Dl|Dam|Dm|Divide|Dv|Drives|Drs|Estates?|Ests?|Expressway|Expy|Extensions?"
    r"|Exts?|Falls?|Fls|Ferry|Fry|Fields?|Flds?|Flats?|Flts?|Fords?|Frds?|Forest|Frst|Forges?"
    r"|Frgs?|Forks?|Frks?|Fort|Ft|Freeway|Fwy|Garden|Gdns?|Gateway|Gtwy|Glens?|Glns?|Greens?"
    r"|Grns?|Groves|Grvs?|Harbors?|Hbrs?|Haven|Hvn|Heights|Hts|Hills|Hls?|Hollow|Holw|Inlet"
    r"|Inlt|Islands?|Iss?|Isle|Junctions?|Jcts?|Keys?|Kys?|Knolls?|Knls?|Lakes?|Lks?|Landing"
    r"|Lndg|Lights?|Lgts?|Loaf|Lf|Locks?|Lcks?|Lodge|Ldg|Mall|Manors?|Mnrs?|Meadows?|Mdws?"
    r"|Mills?|Mls?|Mission|Msn|Motorway|Mtwy|Mount|Mt|Mountains?|Mtns?|Neck|Nck|Orchard|Orch"
    r"|Oval|Overpass|Opas|Parks?|Parkways|Pass|Passage|Psge|Pines?|Pnes?|Plains?|Plns?|Points?"
    r"|Pts?|Ports?|Prts?|Prairie|Pr|Radial|Radl|Ramp|Ranch|Rnch|Rapids?|Rpds?|Rest|Rst|Ridges?"
    r"|Rdgs?|River|Riv|Roads|Rds|Route|Rte|Rue|Shoals?|Shls?|Shores?|Shrs?|Skyway|Skwy|Springs?"
    r"|Spgs?|Spurs?|Squares|Sqs|Station|Sta|Stravenue|Stra|Stream|Strm|Streets|Sts|Summit|Smt"
    r"|Throughway|Trwy|Trace|Trce|Track|Trak|Trafficway|Trfy|Trailer|Trlr|Tunnel|Tunl|Turnpike"
    r"|Tpke|Underpass|Upas|Unions?|Uns?|Valleys?|Vlys?|Viaduct|Via|Views?|Vws?|Villages?|Vlgs?"
    r"|Ville|Vl|Vista|Vis|Walks|Wall|Ways|Wells?|Wls?"
)
_NAME = r"(?:[A-Z][a-z]+|[0-9]{1,3}(?:st|nd|rd|th)|[A-Z]{1,2}|Saint|Mount|Old|New)"
# USPS secondary unit designators (Publication 28, appendix C2).
_UNIT = (
    r"(?:,?\s(?:Apt|Apartment|Suite|Ste|Unit|Floor|Fl|Room|Rm|Building|Bldg|Department|Dept"
    r"|Lot|Space|Spc|Penthouse|Ph|Hangar|Hngr|Pier|Slip|Trailer|Trlr|#)\.?\s?#?[0-9A-Za-z\-]{1,6})"
)
_CITY = r"(?:,\s[A-Z][a-z]+(?:\s[A-Z][a-z]+){0,2})"
_STATE_ZIP = r"(?:,?\s[A-Z]{2}\s[0-9]{5}(?:-[0-9]{4})?|,?\s[A-Z]{1,2}[0-9][0-9A-Z]?\s[0-9][A-Z]{2})"
_HOUSE = (
    r"(?<![0-9A-Za-z])[0-9]{1,6}[A-Za-z]?(?:-[0-9]{1,4})?\s"
    r"(?:[NSEW]\.?\s|North\s|South\s|East\s|West\s)?"
)
_DIRECTION = r"(?:\s(?:NW|NE|SW|SE|N|S|E|W)\b)?(?![a-z])"


class EnAddressRecognizer(GuardRecognizer):
    ENTITIES = ("STREET_ADDRESS",)
    RULES = (
        Rule(
            "street address",
            rf"{_HOUSE}(?:{_NAME}\s){{1,4}}(?:{_TYPES})\.?{_DIRECTION}{_UNIT}?{_CITY}?{_STATE_ZIP}?",
            0.75,
            0.9,
        ),
        Rule(
            "street address, other USPS suffix, with city and state",
            rf"{_HOUSE}(?:{_NAME}\s){{1,4}}(?:{_USPS_TYPES})\.?{_DIRECTION}{_UNIT}?{_CITY}{_STATE_ZIP}",
            0.8,
            0.9,
        ),
        Rule(
            "street address, other USPS suffix",
            rf"{_HOUSE}(?:{_NAME}\s){{1,4}}(?:{_USPS_TYPES})\.?{_DIRECTION}{_UNIT}?{_CITY}?",
            0.3,
            0.85,
        ),
        Rule("po box", r"(?i:\bP\.?\s?O\.?\s?Box\s[0-9]{1,6})", 0.75, 0.9),
    )
    CONTEXT = (
        "address",
        "live at",
        "lives at",
        "located at",
        "ship to",
        "ship it to",
        "mail to",
        "send to",
        "deliver to",
        "moved to",
        "home",
    )
