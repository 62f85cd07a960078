"""Health vocabulary: the terms of ICD-10 and ICD-10-CM, and how one term is written many ways.

ICD-10 (WHO, in simple-icd-10) is written in British English, ICD-10-CM (the US clinical
modification, in simple-icd-10-cm) in American English; people write either, with or without the
hyphen, in the plural, and with or without the possessive of an eponym. `variants` gives every
form of a term that the lexicons add; the lexicons fold hyphens and spaces themselves
(guard/recognizers/lexicon.py), so "non-Hodgkin" and "non Hodgkin" need no variant.

The ICD-10-CM terms are derived from the package's tabular XML (descriptions and inclusion
terms) by `derive_icd10cm_terms` into guard/data/icd10cm_terms.txt: parsing the 10 MB file
takes the package seconds at import, the derived list a few milliseconds.
`scripts/build_health_terms.py` rewrites the file after a version bump, and
tests/test_health_vocab.py checks that the shipped file is what the pinned package gives.
"""

from __future__ import annotations

import functools
import importlib.util
import re
from collections.abc import Iterable, Iterator
from pathlib import Path

from guard.recognizers.words import zipf


def word_set(text: str) -> frozenset[str]:
    """The whitespace-separated words of `text`: how the word lists of the health recognizers
    are written."""
    return frozenset(text.split())


# --- British and American spelling ------------------------------------------------------------

# British -> American, on lower-case text. Each applies inside words as written; the list is of
# the medical spellings that differ (haem-, -aemia, oedema, oesophagus, diarrhoea, tumour,
# paediatric, foetal, coeliac, anaesthesia, -ise).
_UK_TO_US: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(p), r)
    for p, r in (
        (r"aem", "em"),  # leukaemia, anaemia, haemorrhage, ischaemia, septicaemia
        (r"(?<![a-z])oe(?=[dst])", "e"),  # oedema, oesophagus, oestrogen
        (r"rrhoe", "rrhe"),  # diarrhoea, gonorrhoea
        (r"paed", "ped"),  # paediatric
        (r"foet", "fet"),  # foetal
        (r"coel", "cel"),  # coeliac
        (r"aest", "est"),  # anaesthesia
        (r"aet", "et"),  # aetiology
        (r"(?<=[mv])our(?![a-z])", "or"),  # tumour, humour
        (r"(?<=[mv])ours(?![a-z])", "ors"),  # tumours
        (r"(?<=[a-z]{3})is(?=(?:e|es|ed|ing|ation)(?![a-z]))", "iz"),  # immunise -> immunize
        (r"ogue(?![a-z])", "og"),  # analogue
    )
)

# American -> British: the inverse for the same families (an American term gains its British
# form). Only where the American form is unambiguous.
_US_TO_UK: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(p), r)
    for p, r in (
        (r"(?<=[^aeiou])emi(?=a|as|c)", "aemi"),  # leukemia, anemia, ischemic
        (r"(?<![a-z])hem(?=[aoi])", "haem"),  # hemorrhage, hematoma, hemophilia
        (r"(?<=[a-z])hem(?=[aoi])", "haem"),  # polyhemia? no: septicemia handled above
        (r"(?<![a-z])edem", "oedem"),
        (r"(?<![a-z])esophag", "oesophag"),
        (r"(?<![a-z])estrog", "oestrog"),
        (r"rrhe(?=a)", "rrhoe"),
        (r"(?<![a-z])ped(?=iatr)", "paed"),
        (r"(?<![a-z])fet(?=al|us)", "foet"),
        (r"(?<![a-z])cel(?=iac)", "coel"),
        (r"(?<![a-z])anest", "anaest"),
        (r"(?<![a-z])et(?=iolog)", "aet"),
        (r"(?<=[mv])or(?=s?(?![a-z]))", "our"),  # tumor(s)
    )
)


def british_american(term: str) -> set[str]:
    """The term lower-cased, with its American and British spellings where they differ."""
    low = term.lower()
    out = {low}
    us = low
    for pattern, repl in _UK_TO_US:
        us = pattern.sub(repl, us)
    out.add(us)
    uk = us
    for pattern, repl in _US_TO_UK:
        uk = pattern.sub(repl, uk)
    out.add(uk)
    return out


# --- plurals and possessives ------------------------------------------------------------------

_PLURAL_RULES: tuple[tuple[str, str], ...] = (
    ("osis", "oses"),  # stenosis -> stenoses
    ("asis", "ases"),  # metastasis -> metastases
    ("itis", "itides"),
    ("oma", "omas"),
    ("y", "ies"),  # neuropathy -> neuropathies (after a consonant, see below)
    ("us", "i"),  # calculus -> calculi, fetus is handled by the exception list
    ("ex", "ices"),
    ("sh", "shes"),
    ("ch", "ches"),
    ("s", "ses"),
)
# Plurals that are not made by a rule, and words that have none worth adding.
_NO_PLURAL = frozenset(
    {"virus", "fetus", "foetus", "status", "sinus", "uterus", "mucus", "anus", "hiv", "aids"}
)


def plural(word: str) -> str | None:
    """The plural of the last word of a disease term, or None (a mass noun, an abbreviation)."""
    if not word.isalpha() or word in _NO_PLURAL or len(word) < 4:
        return None
    if word.endswith(("itis", "emia", "aemia", "algia", "pathy", "plasia", "trophy", "penia")):
        # "hepatitis", "anaemia": mass nouns in running text; the rule below is for "neuropathies"
        if word.endswith("pathy"):
            return word[:-1] + "ies"
        return None
    for end, repl in _PLURAL_RULES:
        if word.endswith(end):
            if end == "y" and word[-2:-1] in "aeiou":
                return word + "s"
            return word[: -len(end)] + repl
    return word + "s"


def variants(term: str, plurals: bool = True) -> set[str]:
    """Every spelling of `term` a lexicon should hold: British and American, with and without an
    eponym's possessive ("Crohn's disease", "Crohn disease", "Crohns disease"), and the plural of
    the last word."""
    forms: set[str] = set()
    for base in british_american(term.replace("\u2019", "'")):
        forms.add(base)
        if "'s " in base or base.endswith("'s"):
            forms.add(base.replace("'s", ""))
            forms.add(base.replace("'s", "s"))
    if plurals:
        for form in list(forms):
            head, _, last = form.rpartition(" ")
            p = plural(last)
            if p:
                forms.add(f"{head} {p}".strip())
    return forms


def all_variants(terms: Iterable[str], plurals: bool = True) -> Iterator[str]:
    seen: set[str] = set()
    for term in terms:
        for v in variants(term, plurals):
            if v not in seen:
                seen.add(v)
                yield v


# --- ICD-10-CM --------------------------------------------------------------------------------

# Chapters whose entries are not conditions a person has: external causes of injury (V-Y:
# "Pedestrian injured in collision with ...") and factors influencing health status (Z:
# "Encounter for ...", "Problems related to housing").
_SKIP_CHAPTERS = frozenset("VWXYZ")
# Qualifiers a coder writes and a person does not.
_QUALIFIER = re.compile(
    r",?\s*(?:unspecified|NOS|not elsewhere classified|NEC|not otherwise specified)\b.*$"
    r"|\s*\([^)]*\)|\s*\[[^\]]*\]",
    re.I,
)
# Where a title's core condition ends: "Cholera due to Vibrio cholerae", "Asthma with ...".
_CUT = re.compile(
    r",|;|:| due to | with | without | in | of the | following | complicating | associated with "
    r"| affecting | involving | resulting | not | by | from | after | during | other than "
    r"| right | left | bilateral | unilateral | of other | of unspecified "
)
_LEADING = re.compile(
    r"^(?:other specified|other|unspecified|specified|certain|personal history of|history of)\s+",
    re.I,
)
_TRAILING = re.compile(r"\s+(?:of|other|the|and|or|to|at|on)$", re.I)
_WORDY = re.compile(r"[A-Z][A-Za-z0-9' \-]*[A-Za-z0-9]")
# Word endings of a disease noun: a single-word term split off a longer title ("Ischemia and
# hypoxia") is kept only with one of these.
_DISEASE_END = re.compile(
    r"(?:itis|itides|osis|oses|iasis|emia|aemia|pathy|pathies|oma|omas|algia|plasia|trophy|uria"
    r"|penia|megaly|lepsy|plegia|paresis|rrhea|rrhoea|rrhage|ectasia|cele|ism|philia|phobia"
    r"|spasm|sclerosis|stenosis|cytosis|tosis|ptosis|ia)$"
)


def _icd10cm_xml() -> str:
    spec = importlib.util.find_spec("simple_icd_10_cm")
    if spec is None or not spec.submodule_search_locations:
        raise ModuleNotFoundError("simple_icd_10_cm is not installed")
    data = Path(next(iter(spec.submodule_search_locations))) / "data"
    path = next(data.glob("icd10c-tabular-*.xml"))
    return path.read_text("utf-8")


_ENTRY = re.compile(r"<name>([^<]*)</name>\s*<desc>([^<]*)</desc>|<inclusionTerm>(.*?)</inclusionTerm>", re.S)
_NOTE = re.compile(r"<note>([^<]*)</note>")


def _clean(title: str) -> list[str]:
    """The condition(s) a title names, as a person would write them, or nothing."""
    title = title.replace("&amp;", "&").replace("&apos;", "'")
    if _SUBSTANCE_TITLE.match(title):
        return []
    title = _QUALIFIER.sub("", title).strip()
    title = _CUT.split(f" {title} ")[0].strip()
    title = _LEADING.sub("", title).strip()
    title = _TRAILING.sub("", title).strip()
    if title[:1].islower():
        title = title[0].upper() + title[1:]
    out = []
    parts = re.split(r" or | and |/", title)
    for i, part in enumerate(parts):
        part = _TRAILING.sub("", part.strip(" .-"))
        if not part or not _WORDY.fullmatch(part[0].upper() + part[1:]) or len(part.split()) > 4:
            continue
        # a later part of "A and B" often leans on A's head noun ("Malignant neoplasm of lip and
        # oral cavity"): only a disease word stands alone
        if i > 0 and (" " in part or not _DISEASE_END.search(part.lower())):
            continue
        out.append(part)
    return out


def is_term(term: str) -> bool:
    """A term worth matching in running text: not a single common English word ("Burn", "Fall",
    "Shock": the condition lexicon has the few that are unambiguous), at least four letters,
    and a single word only when it has the ending of a disease noun (no body parts, organisms
    or adjectives left over from a longer title)."""
    words = term.split()
    if len(term) < 4 or _NOT_TITLES.match(term):
        return False
    if len(words) == 1:
        # an abbreviation of 2-3 capitals ("CJD") collides with codes and names: curated list only
        if term.isupper() and len(term) <= 4:
            return False
        low = term.lower()
        if low in _NOT_CONDITIONS or zipf(term, "de") >= 3.0:
            return False
        if zipf(term, "en") < 3.5 and _DISEASE_END.search(low) is not None:
            return True
        # a rare noun ("Hypotension", "Ascites", "Tinnitus"); rare adjectives ("Subacute",
        # "Intracranial") are left-overs of longer titles
        return zipf(term, "en") < 3.0 and _ADJECTIVE_END.search(low) is None
    # words that are each common need a medical head ("Air leak", "Fat pad", "Long chain" are
    # other things; "Heart failure", "Hearing loss", "Eating disorder" are not)
    plain = [w.strip("'s").lower() for w in term.replace("-", " ").split()]
    if all(zipf(w, "en") >= 4.0 for w in plain):
        return any(w in _MEDICAL_HEADS for w in plain)
    return True


_ADJECTIVE_END = re.compile(r"(?:al|ar|ic|ous|ive|ed|ent|ant|ile|ary|ory|less|like)$")
# Rare single words in ICD-10-CM titles that are no condition in running text.
_NOT_CONDITIONS = word_set("""
tokelau chignon supervision sequelae underdosing dens fluor malleus pins cooing lalling moans
sighing kinking squashed screaming denticles paramolar mesiodens njovera vomitus restzustand
neoplasms intraoperative deletion deletions duplication duplications mosaicism splicing
verbosity suspiciousness slowness impulsiveness restlessness greyness cluttering senescence
overactivity lisping sundowning
""")
# Titles about a substance, not a condition: "Toxic effect of methanol", "Poisoning by ...".
_SUBSTANCE_TITLE = re.compile(r"(?i)^(?:adverse effects? of|underdosing of|poisoning by|toxic effects? of)\s")
# Titles that name an event or a finding, not a condition a person has.
_NOT_TITLES = re.compile(r"(?i)^(?:adverse effects?|deletions identified|abnormal findings?)$")
# Common English words that make a phrase of common words a condition.
_MEDICAL_HEADS = frozenset(
    word_set("""
disease diseases disorder disorders syndrome injury injuries infection infections pain failure
abuse fever fevers pregnancy wound deficit deficits attack anxiety depression cancer loss block
burn burns fracture bleeding arrest decline disability damage death dependence withdrawal
assault collapse paralysis tumor tumour
""")
)


def derive_icd10cm_terms() -> list[str]:
    """ICD-10-CM descriptions and inclusion terms, cleaned to the condition they name, sorted."""
    xml = _icd10cm_xml()
    terms: set[str] = set()
    code = ""
    for m in _ENTRY.finditer(xml):
        if m.group(1) is not None:
            code = m.group(1)
            titles = [m.group(2)]
        else:
            titles = _NOTE.findall(m.group(3))
        if not code or code[0] in _SKIP_CHAPTERS or "-" in code:
            continue  # block ranges ("A00-A09") title groups, not conditions
        for title in titles:
            for term in _clean(title):
                if is_term(term):
                    terms.add(term)
    # one entry per spelling up to case
    by_key: dict[str, str] = {}
    for t in sorted(terms):
        by_key.setdefault(t.lower(), t)
    return sorted(by_key.values(), key=str.lower)


@functools.cache
def icd10cm_terms() -> tuple[str, ...]:
    """The shipped list (guard/data/icd10cm_terms.txt)."""
    from guard.recognizers.lexicon import data_terms

    return tuple(data_terms("icd10cm_terms.txt"))
