"""What the detector knows about single words: is it a personal name somewhere, is it common.

Two packaged sources, loaded once per process (about a second, in the detector's preload thread):

* Faker's person providers for every locale it ships (~85): given names and surnames as they are
  written in that locale (MIT). A word in these lists is a name *somewhere*; that alone does not
  make it a name in a text ("May", "Will", "Paris" are in them), but a word outside them that is
  also common ("Remind", "Email", "Fill") is no part of a name.
* wordfreq's frequency lists (Apache-2.0 code, CC BY-SA 4.0 data), the "small" list per language:
  the words with a Zipf frequency of 3 or more (one in a million words of running text).
"""

from __future__ import annotations

import functools
import importlib
import math
import pkgutil
from collections.abc import Iterable


def _strings(value: object) -> Iterable[str]:
    if isinstance(value, dict):
        return (k for k in value if isinstance(k, str))
    if isinstance(value, list | tuple | set | frozenset):
        return (v for v in value if isinstance(v, str))
    return ()


@functools.cache
def _faker_names() -> tuple[frozenset[str], frozenset[str]]:
    import faker.providers.person as person

    given: set[str] = set()
    family: set[str] = set()
    for module in pkgutil.iter_modules(person.__path__):
        provider = importlib.import_module(f"faker.providers.person.{module.name}").Provider
        for attr in dir(provider):
            if not (attr.startswith("first_names") or attr.startswith("last_names")):
                continue
            value = getattr(provider, attr, None)
            if isinstance(value, property):
                continue
            target = given if attr.startswith("first_names") else family
            for name in _strings(value):
                # "Mary-Ann", "De la Cruz": each word is a name word
                for word in name.replace("-", " ").split():
                    if len(word) > 1:
                        target.add(word.casefold())
    return frozenset(given), frozenset(family)


def given_names() -> frozenset[str]:
    """Given names of every Faker locale, case-folded."""
    return _faker_names()[0]


def surnames() -> frozenset[str]:
    """Surnames of every Faker locale, case-folded."""
    return _faker_names()[1]


def is_name_word(word: str) -> bool:
    """The word is a given name or a surname in some locale."""
    key = word.casefold()
    given, family = _faker_names()
    return key in given or key in family


@functools.cache
def _frequencies(language: str) -> dict[str, float]:
    from wordfreq import get_frequency_dict

    return get_frequency_dict(language, wordlist="small")


def zipf(word: str, language: str) -> float:
    """Zipf frequency of `word` in `language` (0 when under 3, i.e. rarer than 1 in a million)."""
    freq = _frequencies(language).get(word.casefold() if language != "zh" else word)
    return round(math.log10(freq) + 9, 2) if freq else 0.0


def is_common_word(word: str, languages: Iterable[str] = ("en", "de"), threshold: float = 3.5) -> bool:
    """The word is common running text in one of `languages`."""
    return any(zipf(word, lang) >= threshold for lang in languages)


def preload() -> None:
    """Load every list now (the detector calls this while spaCy loads)."""
    _faker_names()
    for language in ("en", "de", "zh"):
        _frequencies(language)
