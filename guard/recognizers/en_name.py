"""English personal names that spaCy's small model misses: names with initials ("J. R. Smith",
"John Q. Public"), with generational or degree suffixes ("Martin Luther King Jr."), behind a
title ("Dr. Okafor"), and after "my name is"."""

from __future__ import annotations

from guard.language import FUNCTION_WORDS
from guard.recognizers.base import GuardRecognizer, Rule
from guard.recognizers.text import LABEL_SEP, NAME_WORD

_W = r"[A-Z][a-z]+(?:[-'][A-Z][a-z]+)?"
_MC = r"(?:Mc|Mac|O')?"
_SURNAME = rf"{_MC}{_W}"
_SUFFIX = r"(?:,?\s(?:Jr|Sr|II|III|IV|MD|PhD|DDS|Esq|RN)\.?)"
_L = r"(?<![0-9A-Za-z.])"
# A full name after a role or field ("Customer Jane Doe", {"payee": "Jane Doe"}), a greeting
# ("Hi Jane Doe,") or a sign-off ("Thanks,\nJane Doe").
_FULL_NAME = rf"{NAME_WORD}(?:\s(?:[A-Z]\.\s)?{NAME_WORD}){{1,2}}(?![\w-])"
_ROLE = (
    r"(?i:name|full[ _]?name|customer|client|recipient|payee|payer|patient|employee|contact"
    r"|emergency[ _]contact|beneficiary|account[ _]holder|card[ _]?holder|sender|insured"
    r"|applicant|tenant|landlord|guardian|next[ _]of[ _]kin|attendee|passenger|guest)"
)
_GREETING = (
    r"(?:Hi|Hello|Hey|Dear|Thanks|Thank you|Regards|Best regards|Kind regards|Best|Cheers"
    r"|Sincerely|Yours|Reply to|Write to|Email to|Forward to)"
)


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
        Rule(
            "name after a role or field",
            rf"(?<![A-Za-z_]){_ROLE}{LABEL_SEP}({_FULL_NAME})",
            0.8,
            0.85,
            group=1,
        ),
        Rule(
            "name after a greeting or sign-off",
            rf"(?<![A-Za-z]){_GREETING},?\s{{1,2}}({_FULL_NAME})",
            0.75,
            0.85,
            group=1,
        ),
    )
    CONTEXT = ("name", "patient", "mr", "mrs", "dr", "contact", "customer", "employee")
    def validate(self, value: str, rule: Rule) -> bool:
        words = value.replace(",", " ").split()
        # "Z. Thanks", "Hi Team Lead", "Thanks, Best Regards": not names.
        if any(w.lower() in FUNCTION_WORDS or w.lower() in _NOT_NAMES for w in words):
            return False
        if rule.name != "name with initials":
            return True
        # "U.S. Army", "U.K. Office": country abbreviations, not initials.
        initials = "".join(c for c in value.split()[0] if c.isalpha())
        return not value.startswith(_ABBREVIATIONS) or len(initials) > 2


_NOT_NAMES = frozenset(
    {"thanks", "regards", "best", "kind", "team", "lead", "all", "everyone", "sir", "madam",
     "support", "customer", "service", "cheers", "sincerely", "hello", "hi", "dear", "there"}
)
_ABBREVIATIONS = ("U.S.", "U.K.", "E.U.", "U.N.", "D.C.", "A.M.", "P.M.", "U. S.", "U. K.")
