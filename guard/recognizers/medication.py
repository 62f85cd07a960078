"""Medications, brand and generic: the drug dictionary of `drug-named-entity-recognition`.

That package's dictionary (MedlinePlus, NHS, Wikipedia, DrugBank and MeSH names) is loaded from
its data file directly: importing the package itself would also import its network helpers. Only
names of real drugs (those with a DrugBank, MedlinePlus, NHS or Wikipedia entry) are kept; MeSH
alone lists proteins and chemical classes that are not medications in anyone's chat. Chinese and
German names come from guard/data/medications_extra.txt.

Names no dictionary holds yet are found by their class ending, the INN stems of the WHO
(-mab antibodies, -pril ACE inhibitors, -olol beta blockers, -statin, -sartan, -prazole,
-cillin, -mycin, -vir, -tinib ...), in English and German spelling, and in Chinese by class
ending or dosage form (cn_health.py). A word with such an ending must be rare in English and
German (wordfreq), so "April", "concept" and "Oklahoma" never are drugs.
"""

from __future__ import annotations

import bz2
import functools
import importlib.util
import pickle
import re
from pathlib import Path
from typing import Any

from presidio_analyzer import RecognizerResult
from presidio_analyzer.nlp_engine import NlpArtifacts

from guard.recognizers import cn_health
from guard.recognizers.health_vocab import word_set
from guard.recognizers.lexicon import Lexicon, LexiconRecognizer, data_terms
from guard.recognizers.text import CJK_RE
from guard.recognizers.words import zipf

# Drug names that are also everyday or technical words: matched, they would redact ordinary text.
_NOT_DRUGS = frozenset(
    [
        "today",
        "alli",
        "focus",
        "plan",
        "b",
        "max",
        "aid",
        "care",
        "bio",
        "flu",
        "clear",
        "control",
        "edge",
        "fresh",
        "lead",
        "mint",
        "nova",
        "pure",
        "quick",
        "real",
        "relief",
        "rest",
        "select",
        "smart",
        "soft",
        "sure",
        "total",
        "ultra",
        "vital",
        "zinc",
        "iron",
        "copper",
        "gold",
        "silver",
        "oxygen",
        "water",
        "salt",
        "sugar",
        "alcohol",
        "caffeine",
        "nicotine",
        "coffee",
        "tea",
        "milk",
        "honey",
        "lemon",
        "garlic",
        "ginger",
        "charcoal",
        "sulfur",
        "helium",
        "nitrogen",
        "hydrogen",
        "carbon",
        "chlorine",
        "fluoride",
        "sodium",
        "calcium",
        "potassium",
        "magnesium",
        "protein",
        "vitamin",
        "vitamins",
        "element",
        "matrix",
        "prime",
        "boost",
        "balance",
        "shield",
        "guard",
        "amp",
        "cortex",
        "nexus",
        "flex",
        "vertex",
        "delta",
        "alpha",
        "beta",
        "gamma",
        "omega",
        "sigma",
        "ion",
        "nitro",
        "lithium",
        "java",
        "python",
        "ruby",
        "rust",
        "swift",
        "kotlin",
        "docker",
        "react",
        "angular",
        "vue",
        "node",
        "express",
        "spring",
        "flask",
        "django",
        "rails",
        "latex",
        "cobalt",
        "mercury",
        "argon",
        "neon",
        "radium",
        "uranium",
        "plutonium",
        "chrome",
        "orbit",
        "pivot",
        "actos",
    ]
)
_WORDY = re.compile(r"[a-z][a-z \-']{3,60}")

# WHO INN stems (English and German spelling) that end a drug name.
_STEMS = (
    "mab|mabs|pril|prilat|olol|alol|ilol|statin|sartan|prazole?|cillin|cillins|mycin|micin|floxacin"
    "|oxacin|navir|previr|buvir|asvir|tegravir|ciclovir|clovir|vudine|citabine|tinib|ciclib|rafenib"
    "|lisib|parib|zomib|azepam|azolam|zolam|triptan|setron|gliptin|gliflozin|glutide?|glinide"
    "|parin|parinux|profen|coxib|caine|cain|oxetine?|oxetin|aline|pramine|triptyline|peridol"
    "|apine|apin|idone|idon|dipine|dipin|semide|semid|thiazide|thiazid|zosin|terol|tropium"
    "|barbital|dronate|dronat|cycline|cyclin|conazole|conazol|nidazole|nidazol|bendazole|vastatin"
    "|lukast|tidine|tidin|fibrate|fibrat|sonide|sonid|olone|olon|asone|ason|trexate|platin|rubicin"
    "|taxel|mustine|xaban|gatran|grel|afil|tadine|tadin|lamide|amide|triptine|erone|oprazole"
    "|pirone|dopa|setrone|plase|kinra|cept|amine|amines|idine|tropine|phrine|adiol|sterone|estrol"
)
_STEM_WORD = re.compile(
    rf"(?i)(?<![A-Za-z0-9\-@#_/.])[A-Za-z][a-z]{{3,}}(?:{_STEMS})(?![A-Za-z0-9_])"
)
# Rare words with a drug stem that are none.
_NOT_STEM_DRUGS = frozenset(
    word_set("""
concept concepts intercept intercepts percept precept precepts accept except incept amide amides
polyamide polyamides acrylamide formamide acetamide carboxamide sulfonamide pomade grenade
lemonade cocain
""")
)
# Stems that also end ordinary words: the word must be rarer for them.
_WEAK_STEMS = ("amide", "cept", "aline", "erone", "dopa", "grel", "plase", "olon", "ason", "amine", "idine")
_REAL_DRUG_KEYS = ("drugbank_id", "medline_plus_id", "nhs_url", "wikipedia_url")


@functools.cache
def drug_names() -> tuple[str, ...]:
    # find_spec locates the package without importing it: its __init__ would load the same
    # dictionary a second time and read a cache file in the user's home directory.
    spec = importlib.util.find_spec("drug_named_entity_recognition")
    if spec is None or not spec.submodule_search_locations:
        raise ModuleNotFoundError("drug_named_entity_recognition is not installed")
    path = Path(next(iter(spec.submodule_search_locations))) / "drug_ner_dictionary.pkl.bz2"
    with bz2.open(path, "rb") as f:
        # The package's own data file, installed from a pinned, hashed wheel.
        data: dict[str, Any] = pickle.load(f)
    canonical: dict[str, dict[str, Any]] = data["drug_canonical_to_data"]
    names: list[str] = []
    for variant, canonicals in data["drug_variant_to_canonical"].items():
        if not _WORDY.fullmatch(variant) or variant in _NOT_DRUGS:
            continue
        if " " not in variant and zipf(variant, "de") >= 4.0 and zipf(variant, "en") < 3.0:
            continue  # a common German word ("rufen", "Eisen", "Modus") that is also a brand
        if any(k in canonical.get(c, {}) for c in canonicals for k in _REAL_DRUG_KEYS):
            names.append(variant)
    return tuple(names)


@functools.cache
def _zh_drug_chars() -> frozenset[str]:
    """The characters Chinese drug names are transliterated with (those of the listed names)."""
    return frozenset(
        c for term in data_terms("medications_extra.txt") for c in term if CJK_RE.match(c)
    )


class MedicationRecognizer(LexiconRecognizer):
    ENTITIES = ("MEDICATION",)
    CONTEXT = (
        "take",
        "taking",
        "took",
        "prescribed",
        "prescription",
        "mg",
        "dose",
        "dosage",
        "pill",
        "tablet",
        "medication",
        "medicine",
        "drug",
        "rx",
        "服用",
        "吃",
        "药",
        "处方",
        "剂量",
        "mg",
        "nehme",
        "Medikament",
        "Tablette",
        "verschrieben",
        "Rezept",
    )
    CONTEXT_BEFORE = 30
    CONTEXT_AFTER = 20

    FOLD = True

    def build_lexicon(self, lexicon: Lexicon) -> None:
        lexicon.add_all(drug_names(), "MEDICATION", 0.65)
        lexicon.add_all(data_terms("medications_extra.txt"), "MEDICATION", 0.7)

    def analyze(
        self, text: str, entities: list[str], nlp_artifacts: NlpArtifacts | None = None
    ) -> list[RecognizerResult]:
        if entities and "MEDICATION" not in entities:
            return []
        results = super().analyze(text, entities, nlp_artifacts)
        for m in _STEM_WORD.finditer(text):
            word = m.group(0)
            if not _stem_drug(word):
                continue
            score = 0.75 if self.context_found(text, m.start(), m.end()) else 0.55
            results.append(self.result("MEDICATION", m.start(), m.end(), score))
        for start, end in _dosed_abbreviations(text):
            results.append(self.result("MEDICATION", start, end, 0.6))
        if CJK_RE.search(text):
            for start, end in cn_health.drug_spans(text, _zh_drug_chars()):
                score = 0.75 if self.context_found(text, start, end) else 0.6
                results.append(self.result("MEDICATION", start, end, score))
        return results


# A capital abbreviation that the sentence doses or gives: "DOX-induced", "treated with CsA",
# "10 mg/kg TAM", "an injection of MPTP". It is then a drug wherever the text uses it.
_DRUG_ABBR = r"[A-Z][A-Za-z]?[A-Z0-9]{1,5}(?:\s?-\s?[A-Z0-9]{1,4})?"
_DOSED = re.compile(
    rf"(?<![A-Za-z0-9\-])(?P<a>{_DRUG_ABBR})\s?-\s?(?:induced|treated)(?![a-z])"
    rf"|(?:treated with|treatment with|administration of|administered|doses? of|injections? of"
    rf"|infusion of|given|receiving|received|mg/kg(?: of)?|mg(?: of)?|µg(?: of)?)\s+"
    rf"(?P<b>{_DRUG_ABBR})(?![A-Za-z0-9])"
)


def _dosed_abbreviations(text: str) -> list[tuple[int, int]]:
    names: set[str] = set()
    for m in _DOSED.finditer(text):
        abbr = m.group("a") or m.group("b")
        if sum(c.isupper() for c in abbr) >= 2 and zipf(abbr.lower(), "en") < 4.0:
            names.add(abbr)
    if not names:
        return []
    pattern = "|".join(
        r"\s?-\s?".join(map(re.escape, re.split(r"\s?-\s?", a)))
        for a in sorted(names, key=len, reverse=True)
    )
    return [
        m.span()
        for m in re.finditer(rf"(?<![A-Za-z0-9])(?:{pattern})(?![A-Za-z0-9])", text)
    ]


def _stem_drug(word: str) -> bool:
    low = word.lower()
    if low in _NOT_STEM_DRUGS:
        return False
    if re.search(r"(..)\1\1", low):
        return False  # "lolololol"
    limit = 1.5 if low.endswith(_WEAK_STEMS) else 3.0
    return zipf(low, "en") < limit and zipf(low, "de") < limit
