"""Medications, brand and generic: the drug dictionary of `drug-named-entity-recognition`.

That package's dictionary (MedlinePlus, NHS, Wikipedia, DrugBank and MeSH names) is loaded from
its data file directly: importing the package itself would also import its network helpers. Only
names of real drugs (those with a DrugBank, MedlinePlus, NHS or Wikipedia entry) are kept; MeSH
alone lists proteins and chemical classes that are not medications in anyone's chat. Chinese and
German names come from guard/data/medications_extra.txt.
"""

from __future__ import annotations

import bz2
import functools
import importlib.util
import pickle
import re
from pathlib import Path
from typing import Any

from guard.recognizers.lexicon import Lexicon, LexiconRecognizer, data_terms

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
        if any(k in canonical.get(c, {}) for c in canonicals for k in _REAL_DRUG_KEYS):
            names.append(variant)
    return tuple(names)


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

    def build_lexicon(self, lexicon: Lexicon) -> None:
        lexicon.add_all(drug_names(), "MEDICATION", 0.65)
        lexicon.add_all(data_terms("medications_extra.txt"), "MEDICATION", 0.7)
