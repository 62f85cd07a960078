"""Long texts in pieces: the pieces tile the text, and an entity across a seam stays whole."""

from __future__ import annotations

import functools
import itertools
import re
from collections.abc import Sequence

import pytest

from guard import inspection
from guard.chunking import pieces
from guard.detect import Detector, Finding
from guard.nlp import segments
from guard.recognizers.presidio_phone import phone_windows


def test_pieces_own_disjoint_ranges_that_cover_the_text() -> None:
    text = ("word " * 9_000 + "\n") * 3
    parts = pieces(text, size=5_000, overlap=300)
    assert parts[0].own_start == 0 and parts[-1].own_end == len(text)
    for a, b in itertools.pairwise(parts):
        assert a.own_end == b.own_start
        assert b.start == b.own_start - 300 and a.end == min(len(text), a.own_end + 300)


class _Secrets:
    """Finds SECRET-nnnn tokens; the text has no separators, so pieces are cut mid-token."""

    version = "stub"

    def language_of(self, text: str) -> str:
        return "en"

    def analyze_batch(self, items: Sequence[tuple[str, str]]) -> list[list[Finding]]:
        return [
            [Finding("API_KEY", m.start(), m.end(), 1.0, "Stub") for m in re.finditer(r"SECRET-\d{4}", t)]
            for t, _ in items
        ]


def test_entity_across_a_cut_is_found_once_and_whole(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(inspection, "pieces", functools.partial(pieces, size=1_000, overlap=50))
    text = "x" * 995 + "SECRET-1234" + "x" * 2_000 + "SECRET-5678"
    assert pieces(text, size=1_000, overlap=50)[0].own_end == 1_000  # the cut is inside
    found = inspection.analyze_long(_Secrets(), text, "en")  # type: ignore[arg-type]
    assert [(f.start, f.end) for f in found] == [(995, 1006), (3006, 3017)]


def test_name_across_a_seam_stays_one_person(
    detector: Detector, monkeypatch: pytest.MonkeyPatch
) -> None:
    size = 600
    filler = "The weather was fine and the meeting went well. " * 20
    head = filler[: size - len("Please call Maria ")] + "Please call Maria "
    text = head + "Gonzalez tomorrow about the contract. " + filler
    cut = pieces(text, size=size, overlap=100)[0].own_end
    assert text[:cut].endswith("Maria ")  # the seam falls inside the name
    monkeypatch.setattr(inspection, "pieces", functools.partial(pieces, size=size, overlap=100))
    people = [
        text[f.start : f.end]
        for f in inspection.analyze_long(detector, text, "en")
        if f.entity_type == "PERSON"
    ]
    assert people == ["Maria Gonzalez"]


def test_nlp_segments_tile_and_cut_at_newlines() -> None:
    text = "\n".join(f"line {i} " * 30 for i in range(200))
    spans = segments(text, size=2_000)
    assert spans[0][0] == 0 and spans[-1][1] == len(text)
    assert all(a[1] == b[0] for a, b in itertools.pairwise(spans))
    assert all(text[e - 1] == "\n" for _, e in spans[:-1])
    # Without a newline or a sentence end, a text is not cut (a name could be split).
    assert segments("no cut here " * 500, size=100) == [(0, 6000)]


def test_long_text_gives_the_same_findings_in_segments(detector: Detector) -> None:
    para = (
        "Dear Dr. John Miller, my card 4111 1111 1111 1111 was charged twice.\n"
        "Call me at +1 415 555 0134 or write to jane.roe@example.com. I live in Boston.\n"
    )
    text = para * 60  # several NLP segments
    found = {(f.entity_type, f.start, f.end) for f in detector.analyze(text)}
    one = {(f.entity_type, f.start, f.end) for f in detector.analyze(para)}
    for k in range(60):
        shifted = {(t, s + k * len(para), e + k * len(para)) for t, s, e in one}
        assert shifted <= found


def test_phone_windows_keep_only_lines_with_enough_digits() -> None:
    text = "hello\nno digits here\ncall 030 1234567\nyear 2024\nv1.2\n"
    windows = phone_windows(text)
    covered = "".join(text[a:b] for a, b in windows)
    assert "030 1234567" in covered and "2024" in covered
    assert "v1.2" not in covered and "hello" not in covered
