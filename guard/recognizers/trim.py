"""Trim a finding's span to the value: the vendor must get every word around it.

Recognizers and spaCy's model overreach at the edges: "Remind Peter Braun" (a verb taken into the
name), "(+1 415-555-0132)" (a bracket the phone pattern ate), "和李四" (a conjunction), "李娜女"
(half an honorific), "住址北京市…" (the label). A replaced edge garbles the prompt, and a name
taken with a different neighbour each time gets a new placeholder each time. So every finding is
trimmed, in this order, until nothing changes: whitespace and punctuation at the edges, brackets
and quotes that open or close outside the span, then per type the words that are not part of
the value (titles, greetings, verbs and other common words that are no one's name; labels before
an address or a phone number; Chinese conjunctions and honorifics).
"""

from __future__ import annotations

import re

from guard.entities import ENTITY_CATEGORIES
from guard.recognizers.text import has_cjk
from guard.recognizers.words import is_common_word, is_name_word

_LEAD_PUNCT = set(",;:!?。，；：！？、…·-–—/\\|*•>")
_TRAIL_PUNCT = set(",;:!?。，；：！？、…-–—/\\|*•<")
_PAIRS = {
    "(": ")",
    "[": "]",
    "{": "}",
    "（": "）",
    "【": "】",
    "《": "》",
    "「": "」",
    "『": "』",
    "“": "”",
    "‘": "’",
    "«": "»",
    "‹": "›",
    "<": ">",
}
_CLOSERS = {v: k for k, v in _PAIRS.items()}
_SYMMETRIC_QUOTES = set("\"'`")

# Words before a name that are not part of it (lower-cased, without a final period).
_TITLES = frozenset(
    {
        "mr",
        "mrs",
        "ms",
        "miss",
        "mx",
        "dr",
        "prof",
        "madame",
        "mme",
        "mlle",
        "monsieur",
        "herr",
        "frau",
        "fräulein",
        "hr",
        "fr",
        "dipl",
        "ing",
        "mag",
        "señor",
        "señora",
        "sr",
        "sra",
        "srta",
        "don",
        "doña",
        "signor",
        "signora",
        "sig",
        "dott",
        "dottssa",
        "sen",
        "rev",
        "hi",
        "hello",
        "hey",
        "dear",
        "dearest",
        "hallo",
        "liebe",
        "lieber",
        "sehr",
        "geehrte",
        "geehrter",
        "servus",
        "moin",
    }
)
# Verbs a request to do something with a person starts with; spaCy takes them into the name.
_REQUEST_VERBS = frozenset(
    {
        "remind",
        "email",
        "e-mail",
        "mail",
        "call",
        "phone",
        "ring",
        "text",
        "message",
        "ping",
        "contact",
        "ask",
        "tell",
        "inform",
        "notify",
        "invite",
        "thank",
        "write",
        "send",
        "forward",
        "cc",
        "bcc",
        "meet",
        "visit",
        "pay",
        "book",
        "schedule",
        "fill",
        "sign",
        "add",
        "remove",
        "update",
        "introduce",
        "congratulate",
        "welcome",
        "greet",
        "reply",
        "respond",
        "answer",
        "let",
        "find",
        "check",
        "show",
        "give",
        "bring",
        "help",
        "hire",
        "fire",
        "assign",
        "cancel",
        "confirm",
        "wish",
    }
)
_HTML_ENTITY = re.compile(r"&#?\w+;?")
_NAME_SUFFIXES = frozenset({"jr", "sr", "ii", "iii", "iv", "phd", "md", "esq"})
# "Hendrix's", "Hendrix 's": the possessive is not part of the name.
_POSSESSIVE = re.compile(r"\s?['’]s$")

# Chinese: a conjunction or preposition glued before a name, honorifics after it.
_CN_LEAD = set("和与跟及同给向对让叫请被把由")
_CN_TITLES = (
    "先生",
    "女士",
    "小姐",
    "太太",
    "老师",
    "医生",
    "大夫",
    "教授",
    "经理",
    "总监",
    "主任",
    "同学",
    "护士",
    "律师",
    "阿姨",
    "师傅",
    "老板",
    "同志",
)

# Labels written before an address or a phone number, which the value's pattern swallowed.
_ADDRESS_LABEL = re.compile(
    r"^(?:(?:家庭|现|居住|通讯|通信|联系|收货|收件|户籍|常住|工作|单位)?(?:住址|地址)|住在|位于|来自|居住在)"
    r"(?:是|为|在)?\s*[:：]?\s*"
    r"|^(?:home\s+|mailing\s+|postal\s+|street\s+)?(?:address|adresse|anschrift|wohnort|wohnhaft)"
    r"(?:\s+(?:is|ist|lautet))?\s*[:：]?\s+",
    re.IGNORECASE,
)
_PHONE_LABEL = re.compile(
    r"^(?:tel(?:efon|ephone)?|phone|mobile?|mob|cell|fax|handy|ph|电话|手机|座机|联系电话)\.?"
    r"(?:\s*(?:no|nr|number|nummer)\.?)?\s*[:：]?\s*",
    re.IGNORECASE,
)
_WORD = re.compile(r"\S+")


def trim(text: str, start: int, end: int, entity_type: str) -> tuple[int, int] | None:
    """The span of the value within text[start:end], or None when nothing of it is left.

    Secrets are left as found: a password may end in "!" and a PEM block in dashes.
    """
    if ENTITY_CATEGORIES.get(entity_type) == "secret":
        return start, end
    while True:
        before = (start, end)
        start, end = _trim_punctuation(text, start, end)
        if start >= end:
            return None
        if entity_type == "PERSON":
            found = _trim_person(text, start, end)
            if found is None:
                return None
            start, end = found
        elif entity_type in ("STREET_ADDRESS", "LOCATION"):
            m = _ADDRESS_LABEL.match(text, start, end)
            if m and m.end() < end:
                start = m.end()
        elif entity_type == "PHONE_NUMBER":
            m = _PHONE_LABEL.match(text, start, end)
            if m and m.end() < end and m.end() > start:
                start = m.end()
        if (start, end) == before:
            return start, end


def _trim_punctuation(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end:
        value = text[start:end]
        first, last = value[0], value[-1]
        if first.isspace() or first in _LEAD_PUNCT or first in _CLOSERS:
            start += 1
        elif (
            last.isspace()
            or last in _TRAIL_PUNCT
            or last in _PAIRS
            or (last == "." and not _keeps_final_period(value))
        ):
            end -= 1
        elif len(value) > 2 and ((first in _SYMMETRIC_QUOTES and last == first) or _PAIRS.get(first) == last):
            start, end = start + 1, end - 1  # the whole value in quotes or brackets
        elif first in _PAIRS and _PAIRS[first] not in value:
            start += 1
        elif last in _CLOSERS and _CLOSERS[last] not in value:
            end -= 1
        elif first in _SYMMETRIC_QUOTES and value.count(first) % 2:
            start += 1
        elif last in _SYMMETRIC_QUOTES and value.count(last) % 2 and not _POSSESSIVE.search(value + "s"):
            end -= 1
        else:
            break
    return start, end


def _keeps_final_period(value: str) -> bool:
    """A period that belongs to the value: "J.", "Jr.", "St.", "e.V.", a dotted abbreviation."""
    words = value.split()
    last = words[-1] if words else ""
    return len(last) <= 4 and last[:-1].replace(".", "").isalpha() and len(words) > 1


def _trim_person(text: str, start: int, end: int) -> tuple[int, int] | None:
    value = text[start:end]
    if has_cjk(value):
        return _trim_cn_person(text, start, end)
    m = _POSSESSIVE.search(value)
    if m:
        end -= len(m.group())
    words = [(w.start(), w.end()) for w in _WORD.finditer(text, start, end)]
    while words and _not_a_name_word(text[words[0][0] : words[0][1]], first=True):
        words.pop(0)
    while words and _not_a_name_word(text[words[-1][0] : words[-1][1]], first=False):
        words.pop()
    if not words:
        return None
    return words[0][0], words[-1][1]


def _not_a_name_word(word: str, first: bool) -> bool:
    bare = word.strip(".,;:!?\"'()[]")
    key = bare.casefold()
    if not any(c.isalnum() for c in bare) or _HTML_ENTITY.fullmatch(bare):
        return True  # "-", "|", "&amp;": nothing of a name
    if first and key in _TITLES:
        return True
    if not bare[0].isalpha() or len(bare) == 1:  # an initial: "J. R. Smith"
        return False
    if bare[0].isupper():
        # A capitalised word at the edge of a name is usually part of it: a surname ("John Q.
        # Public"), an epithet ("Mother Teresa", "Lady Gaga"). Before the name only the verbs a
        # chat request starts with are taken off ("Remind Peter Braun", "Email Maria").
        return first and key in _REQUEST_VERBS and not is_name_word(bare)
    # A lower-case common word that is nobody's name in any locale: "for", "called".
    return key not in _NAME_SUFFIXES and not is_name_word(bare) and is_common_word(bare)


def _trim_cn_person(text: str, start: int, end: int) -> tuple[int, int] | None:
    for title in _CN_TITLES:
        at = text.find(title, start, end + len(title) - 1)
        if start < at < end:
            end = at
    if end - start >= 3 and text[start] in _CN_LEAD:
        from guard.recognizers.cn_name import starts_with_surname

        if starts_with_surname(text[start + 1 : end]):
            start += 1
    return (start, end) if end > start else None
