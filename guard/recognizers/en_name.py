"""English personal names that spaCy's small model misses: names with initials ("J. R. Smith",
"John Q. Public"), with generational or degree suffixes ("Martin Luther King Jr."), behind a
title ("Dr. Okafor"), and after "my name is"."""

from __future__ import annotations

from guard.recognizers.base import GuardRecognizer, Rule

_W = r"[A-Z][a-z]+(?:[-'][A-Z][a-z]+)?"
_MC = r"(?:Mc|Mac|O')?"
_SURNAME = rf"{_MC}{_W}"
_SUFFIX = r"(?:,?\s(?:Jr|Sr|II|III|IV|MD|PhD|DDS|Esq|RN)\.?)"
_L = r"(?<![A-Za-z.])"


class EnNameRecognizer(GuardRecognizer):
    ENTITIES = ("PERSON",)
    RULES = (
        # "John Q. Public", "J. R. R. Tolkien", "J.R. Smith"
        Rule(
            "name with initials",
            rf"{_L}(?:{_W}\s)?(?:[A-Z]\.\s?){{1,3}}\s?{_SURNAME}(?![a-z]){_SUFFIX}?",
            0.65,
            0.85,
        ),
        Rule("name with suffix", rf"{_L}{_W}(?:\s{_W}){{1,2}}{_SUFFIX}(?![A-Za-z])", 0.7, 0.85),
        Rule(
            "name after title",
            rf"(?<![A-Za-z])(?:Mr|Mrs|Ms|Miss|Mx|Dr|Prof|Professor|Doctor|Rev|Sir|Dame|Nurse)\.?\s"
            rf"((?:{_W}\s)?{_SURNAME}){_SUFFIX}?(?![a-z])",
            0.75,
            0.85,
            group=1,
        ),
        Rule(
            "introduced name",
            rf"(?i:\b(?:my name is|i am called|name:|patient:|patient name:|this is))\s"
            rf"({_W}(?:\s(?:[A-Z]\.\s)?{_SURNAME}){{0,2}})",
            0.7,
            0.85,
            group=1,
        ),
    )
    CONTEXT = ("name", "patient", "mr", "mrs", "dr", "contact", "customer", "employee")

    def validate(self, value: str, rule: Rule) -> bool:
        if rule.name != "name with initials":
            return True
        # "U.S. Army", "U.K. Office": country abbreviations, not initials.
        initials = "".join(c for c in value.split()[0] if c.isalpha())
        return not value.startswith(_ABBREVIATIONS) or len(initials) > 2


_ABBREVIATIONS = ("U.S.", "U.K.", "E.U.", "U.N.", "D.C.", "A.M.", "P.M.", "U. S.", "U. K.")
