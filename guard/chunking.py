"""Long texts are analysed in pieces that overlap, so entities at the seams stay whole.

spaCy refuses texts over a million characters and its cost per character grows with document
length in places; pieces of a few tens of KB keep analysis linear and let a pool share the work.
Each piece owns a range of start offsets; a finding counts only in the piece that owns its start,
and the overlap on both sides is wider than any entity we report, so no entity is cut in two.
"""

from __future__ import annotations

from dataclasses import dataclass

PIECE = 8_000
OVERLAP = 400  # characters seen on each side beyond the owned range


@dataclass(frozen=True, slots=True)
class Piece:
    start: int  # offset of the piece's text in the whole text
    end: int
    own_start: int  # findings starting in [own_start, own_end) belong to this piece
    own_end: int


def pieces(text: str, size: int = PIECE, overlap: int = OVERLAP) -> list[Piece]:
    n = len(text)
    if n <= size:
        return [Piece(0, n, 0, n)]
    out: list[Piece] = []
    own_start = 0
    while own_start < n:
        own_end = min(n, _cut(text, own_start + size))
        out.append(
            Piece(max(0, own_start - overlap), min(n, own_end + overlap), own_start, own_end)
        )
        own_start = own_end
    return out


def _cut(text: str, at: int) -> int:
    """A boundary near `at`, preferably after a newline, else after whitespace."""
    if at >= len(text):
        return len(text)
    window = text[max(0, at - 2_000) : at]
    for sep in ("\n", " ", "\u3002"):  # newline, space, the CJK full stop
        i = window.rfind(sep)
        if i > 0:
            return at - len(window) + i + 1
    return at
