"""Medical procedures and examinations (guard/data/procedures.txt, English, German, Chinese)."""

from __future__ import annotations

from guard.recognizers.lexicon import Lexicon, LexiconRecognizer, data_terms


class MedicalProcedureRecognizer(LexiconRecognizer):
    ENTITIES = ("MEDICAL_PROCEDURE",)
    CONTEXT = (
        "had",
        "underwent",
        "scheduled",
        "surgery",
        "doctor",
        "hospital",
        "做了",
        "手术",
        "医院",
        "hatte",
        "Operation",
        "Krankenhaus",
        "Arzt",
    )

    def build_lexicon(self, lexicon: Lexicon) -> None:
        lexicon.add_all(data_terms("procedures.txt"), "MEDICAL_PROCEDURE", 0.6)
