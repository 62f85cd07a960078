"""The NLP pass for Presidio, cut to what the detector uses: named entities and word context.

Presidio's stock spaCy engine runs the whole pipeline (tagger, parser, lemmatizer) for two
things: entities for its SpacyRecognizer, and lemmas for its context enhancer. In the small
English model the NER component has a tok2vec of its own, so the other components are pure
cost (about two thirds of the pass); lemmas are replaced by the lower-cased token text, which
the enhancer matches by substring anyway ("cards" still contains "card").

Two more costs of the stock path grow faster than the text:
- a transition-based NER advances one state per document, so one long document is a long run
  of tiny matrix products; cut into paragraphs and batched with `nlp.pipe`, the same text is
  processed several states at a time (segments are glued back into one `Doc`, offsets intact);
- Presidio's context enhancer looks up each finding's token by a linear scan that builds a
  spaCy Token per step, and its keyword test is a list search: quadratic in the document.
  `FastContextEnhancer` does the same lookups with bisection and a set.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterator, Sequence
from typing import Any

from presidio_analyzer import AnalyzerEngine, EntityRecognizer, RecognizerResult
from presidio_analyzer.context_aware_enhancers import ContextAwareEnhancer, LemmaContextAwareEnhancer
from presidio_analyzer.nlp_engine import NlpArtifacts, SpacyNlpEngine
from spacy.tokens import Doc

from guard.recognizers.ner_noise import may_hold_named_entity

# Segment length for the NER pass. Long enough that seams are rare, short enough to batch.
SEGMENT = 2_000
_BATCH = 64
# Where a long text may be cut: after a newline, else after a sentence end, else nowhere.
_CUTS = (re.compile(r"\n"), re.compile(r"[.!?\u3002]\s"))
# Sentence ends, for the parts of a segment that NER may skip.
_SENTENCE_END = re.compile(r"[.!?]\s+|\n+|[\u3002\uff01\uff1f]")
# Shorter stretches without a possible name are read anyway: skipping them saves little, and
# every cut changes what the model sees around it ("Hi H. I. Bush II" is cut after "I. ").
MIN_SKIP = 120


def ner_runs(text: str, start: int, end: int) -> list[tuple[int, int, bool]]:
    """(start, end, needs NER) runs that tile text[start:end]: sentences merged with their
    neighbours that need the same, so NER reads whole stretches of text as before and skips
    only sentences that cannot hold a name it would report (see may_hold_named_entity)."""
    sentences: list[tuple[int, int, bool]] = []
    a = start
    for m in _SENTENCE_END.finditer(text, start, end):
        b = m.end()
        _add_run(sentences, a, b, may_hold_named_entity(text[a:b]))
        a = b
    if a < end or not sentences:
        _add_run(sentences, a, end, may_hold_named_entity(text[a:end]))
    if not any(needs for _, _, needs in sentences):
        return [(start, end, False)]
    runs: list[tuple[int, int, bool]] = []
    for a, b, needs in sentences:
        _add_run(runs, a, b, needs or b - a < MIN_SKIP)
    return runs


def _add_run(runs: list[tuple[int, int, bool]], a: int, b: int, needs: bool) -> None:
    if runs and runs[-1][2] == needs:
        runs[-1] = (runs[-1][0], b, needs)
    else:
        runs.append((a, b, needs))


def segments(text: str, size: int = SEGMENT) -> list[tuple[int, int]]:
    """Spans that tile `text`, each at most about `size` long where a newline or sentence end
    allows a cut (a text with neither stays whole)."""
    n = len(text)
    out: list[tuple[int, int]] = []
    start = 0
    while n - start > size:
        cut = -1
        for pattern in _CUTS:
            # The last cut point in the window, but not in its first half.
            for m in pattern.finditer(text, start + size // 2, start + size):
                cut = m.end()
            if cut > 0:
                break
        if cut <= start:
            nxt = _CUTS[0].search(text, start + size) or _CUTS[1].search(text, start + size)
            if nxt is None:
                break
            cut = nxt.end()
        out.append((start, cut))
        start = cut
    if start < n or not out:
        out.append((start, n))
    return out


class FastNlpEngine(SpacyNlpEngine):
    """spaCy with only the NER component (and what it listens to), lemmas from token text."""

    def load(self) -> None:
        super().load()
        assert self.nlp is not None
        for nlp in self.nlp.values():
            keep = {"ner"}
            for name, pipe in nlp.pipeline:
                # A tok2vec that NER listens to must stay (not so in the small English model).
                if "ner" in getattr(pipe, "listening_components", []):
                    keep.add(name)
            for name in list(nlp.pipe_names):
                if name not in keep:
                    nlp.disable_pipe(name)

    def process_text(self, text: str, language: str) -> NlpArtifacts:
        return next(iter(self.process_texts([text], language)))

    def process_texts(
        self, texts: Sequence[str], language: str, ner: bool = True
    ) -> Iterator[NlpArtifacts]:
        """One batched NER pass over several texts (slots, pieces), cut into segments; with
        `ner=False` the tokens alone.

        Must run inside `nlp.memory_zone()` if the process is long-lived (see Detector).
        """
        nlp = self.get_nlp(language)
        # Every part is tokenised (the context enhancer reads the words around each finding);
        # only the parts that may hold a name go through NER, in batches.
        runs = [[r for a, b in segments(t) for r in ner_runs(t, a, b)] for t in texts]
        parts = [[nlp.make_doc(t[a:b]) for a, b, _ in rs] for t, rs in zip(texts, runs, strict=True)]
        todo = [
            d for ds, rs in zip(parts, runs, strict=True) for d, r in zip(ds, rs, strict=True) if ner and r[2]
        ]
        if todo:
            for _, component in nlp.pipeline:
                # Every component of a trained pipeline has `pipe` (a plain function would not).
                todo = list(component.pipe(todo, batch_size=_BATCH))  # type: ignore[attr-defined]
        for docs in parts:
            doc = docs[0] if len(docs) == 1 else Doc.from_docs(docs, ensure_whitespace=False)
            yield self._doc_to_nlp_artifact(doc, language)

    def _doc_to_nlp_artifact(self, doc: Doc, language: str) -> NlpArtifacts:
        entities = self._get_entities(doc)
        scores = self._get_scores_for_entities(doc)
        entities, scores = self._get_updated_entities(entities, scores)
        return IndexedArtifacts(doc, entities, scores, self, language)


class IndexedArtifacts(NlpArtifacts):
    """NlpArtifacts built in one pass over the tokens, with the token ends and the keyword set
    that FastContextEnhancer looks things up in."""

    def __init__(
        self, doc: Doc, entities: Any, scores: list[float], engine: SpacyNlpEngine, language: str
    ) -> None:
        indices: list[int] = []
        ends: list[int] = []
        lemmas: list[str] = []
        keywords: list[str] = []
        for t in doc:
            low = t.lower_
            indices.append(t.idx)
            ends.append(t.idx + len(t))
            lemmas.append(low)
            # Presidio's keywords: lemmas that are neither stop words nor punctuation, split
            # at colons (spaCy's stop and punctuation flags are case-blind, as its lookup is).
            if not t.is_stop and not t.is_punct and low not in ("-pron-", "be"):
                keywords.extend(low.split(":"))
        # No engine here: Presidio's own keyword pass would walk the tokens a second time.
        super().__init__(entities, doc, indices, lemmas, None, language, scores)
        self.nlp_engine = engine
        self.keywords = keywords
        self.token_ends = ends
        self.keyword_set = frozenset(keywords)


class FastContextEnhancer(LemmaContextAwareEnhancer):
    """Presidio's lemma context enhancer, same results, O(log n) per finding.

    Presidio deep-copies every result before enhancing; the engine hands it results created
    for this analysis alone, so they are updated in place.
    """

    def enhance_using_context(
        self,
        text: str,
        raw_results: list[RecognizerResult],
        nlp_artifacts: NlpArtifacts,
        recognizers: list[EntityRecognizer],
        context: list[str] | None = None,
    ) -> list[RecognizerResult]:
        by_id = {r.id: r for r in recognizers}
        extra = [w.lower() for w in context or []]
        for result in raw_results:
            meta = result.recognition_metadata or {}
            recognizer = by_id.get(meta.get(RecognizerResult.RECOGNIZER_IDENTIFIER_KEY))
            if recognizer is None or not recognizer.context:
                continue
            if meta.get(RecognizerResult.IS_SCORE_ENHANCED_BY_CONTEXT_KEY):
                continue
            words = self._extract_surrounding_words(
                nlp_artifacts=nlp_artifacts, word=text[result.start : result.end], start=result.start
            )
            words.extend(extra)
            found = self._find_supportive_word_in_context(
                words, recognizer.context, self.context_matching_mode
            )
            if found:
                result.score = min(
                    max(
                        result.score + self.context_similarity_factor, self.min_score_with_context_similarity
                    ),
                    ContextAwareEnhancer.MAX_SCORE,
                )
                result.analysis_explanation.set_supportive_context_word(found)
                result.analysis_explanation.set_improved_score(result.score)
        return raw_results

    def _extract_surrounding_words(self, nlp_artifacts: NlpArtifacts, word: str, start: int) -> list[str]:
        if not isinstance(nlp_artifacts, IndexedArtifacts):
            return list(super()._extract_surrounding_words(nlp_artifacts, word, start))
        if not nlp_artifacts.tokens:
            return [""]
        ends = nlp_artifacts.token_ends
        # The first token that ends after `start`: where Presidio's linear scan stops.
        index = bisect.bisect_right(ends, start)
        if index >= len(ends):
            raise ValueError("a finding lies outside the tokens of its text")
        lemmas, keywords = nlp_artifacts.lemmas, nlp_artifacts.keyword_set
        words = _n_words(index, self.context_prefix_count, lemmas, keywords, -1)
        words += _n_words(index, self.context_suffix_count, lemmas, keywords, 1)
        return list(set(words))


def _n_words(index: int, n: int, lemmas: list[str], keywords: frozenset[str], step: int) -> list[str]:
    words: list[str] = []
    remaining = n + 1  # the finding's own token counts, as in Presidio
    i = index
    while 0 <= i < len(lemmas) and remaining > 0:
        low = lemmas[i].lower()
        if low in keywords:
            words.append(low)
            remaining -= 1
        i += step
    return words


class LeanAnalyzerEngine(AnalyzerEngine):
    """Presidio's engine, with its per-recognizer context step done in one pass.

    Presidio filters all results once per recognizer (about fifty) to offer each a context
    step of its own; none of the recognizers we run overrides it, so results are grouped once
    and only an overriding recognizer would be called.
    """

    def _enhance_using_context(
        self,
        text: str,
        raw_results: list[RecognizerResult],
        nlp_artifacts: NlpArtifacts,
        recognizers: list[EntityRecognizer],
        context: list[str] | None = None,
    ) -> list[RecognizerResult]:
        key = RecognizerResult.RECOGNIZER_IDENTIFIER_KEY
        by_id: dict[str, list[RecognizerResult]] = {}
        for r in raw_results:
            by_id.setdefault(r.recognition_metadata[key], []).append(r)
        results: list[RecognizerResult] = []
        for recognizer in recognizers:
            mine = by_id.get(recognizer.id, [])
            if type(recognizer).enhance_using_context is not EntityRecognizer.enhance_using_context:
                others = [r for r in raw_results if r.recognition_metadata[key] != recognizer.id]
                mine = recognizer.enhance_using_context(
                    text=text,
                    raw_recognizer_results=mine,
                    other_raw_recognizer_results=others,
                    nlp_artifacts=nlp_artifacts,
                    context=context,
                )
            results.extend(mine)
        return list(
            self.context_aware_enhancer.enhance_using_context(
                text=text,
                raw_results=results,
                nlp_artifacts=nlp_artifacts,
                recognizers=recognizers,
                context=context,
            )
        )
