"""The recognizers the detector runs: Presidio's predefined ones that fit, made offline, plus ours.

Each recognizer of our own lives in a module of this package named after what it finds.
"""

from __future__ import annotations

from presidio_analyzer import EntityRecognizer, RecognizerRegistry

from guard.recognizers.email import OfflineEmailRecognizer

# Presidio recognizers we do not run: the email one is replaced by an offline variant, and a UUID
# identifies a record, not a person (peers' users complain about UUIDs redacted in code).
_REPLACED = {"EmailRecognizer", "UuidRecognizer"}


def build_registry(languages: list[str]) -> RecognizerRegistry:
    registry = RecognizerRegistry(supported_languages=languages)
    registry.load_predefined_recognizers(languages=languages)
    registry.recognizers = [r for r in registry.recognizers if type(r).__name__ not in _REPLACED]
    for recognizer in extra_recognizers(languages):
        registry.add_recognizer(recognizer)
    return registry


def extra_recognizers(languages: list[str]) -> list[EntityRecognizer]:
    found: list[EntityRecognizer] = []
    for language in languages:
        found.append(OfflineEmailRecognizer(supported_language=language))
    return found
