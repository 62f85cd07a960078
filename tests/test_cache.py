"""The analysis cache: seen slots skip the detector; policy or detector changes miss; bounded."""

from __future__ import annotations

import re
from collections.abc import Sequence

from guard.adapters.openai import Slot
from guard.cache import Analysis, AnalysisCache, slot_key
from guard.detect import Finding
from guard.inspection import inspect_slots
from guard.policy import Policy
from guard.transform import Planned, Transformer

_NAME = re.compile(r"Alice Example|Bob Sample")


class CountingDetector:
    """A stand-in detector: finds two fixed names, and counts the texts it is asked about."""

    def __init__(self, version: str = "v1") -> None:
        self.version = version
        self.texts: list[str] = []

    def language_of(self, text: str) -> str:
        return "en"

    def analyze_batch(self, items: Sequence[tuple[str, str]]) -> list[list[Finding]]:
        self.texts.extend(t for t, _ in items)
        return [
            [Finding("PERSON", m.start(), m.end(), 0.95, "Stub") for m in _NAME.finditer(t)]
            for t, _ in items
        ]


def _slots(*texts: str) -> list[Slot]:
    return [Slot(("messages", i, "content"), t, i) for i, t in enumerate(texts)]


def _with_digest(policy: Policy, digest: str) -> Policy:
    return Policy(policy.model, policy.path, digest)


def test_seen_slots_skip_the_detector(kimi_policy: Policy) -> None:
    det, cache, tr = CountingDetector(), AnalysisCache(), Transformer(b"k" * 32)
    history = ["Hi, I am Alice Example.", "Hello Alice!", "Please mail Bob Sample."]
    first = inspect_slots(_slots(*history), kimi_policy, det, tr, cache)
    assert det.texts == history
    again = inspect_slots(_slots(*history, "And one more thing"), kimi_policy, det, tr, cache)
    # Only the new message reached the detector; the old ones came back the same.
    assert det.texts == [*history, "And one more thing"]
    assert [t for _, t in again.changes] == [t for _, t in first.changes]
    assert "Alice Example" not in " ".join(t for _, t in again.changes)
    assert cache.stats.hits == 3


def test_repeated_text_in_one_request_is_analysed_once(kimi_policy: Policy) -> None:
    det = CountingDetector()
    inspect_slots(_slots("Alice Example", "Alice Example"), kimi_policy, det, Transformer(b"k" * 32))
    assert det.texts == ["Alice Example"]


def test_policy_or_detector_change_misses(kimi_policy: Policy) -> None:
    det, cache, tr = CountingDetector(), AnalysisCache(), Transformer(b"k" * 32)
    inspect_slots(_slots("Alice Example"), kimi_policy, det, tr, cache)
    inspect_slots(_slots("Alice Example"), _with_digest(kimi_policy, "other"), det, tr, cache)
    assert len(det.texts) == 2
    newer = CountingDetector("v2")
    inspect_slots(_slots("Alice Example"), kimi_policy, newer, tr, cache)
    assert newer.texts == ["Alice Example"]


def test_cache_holds_offsets_not_text(kimi_policy: Policy) -> None:
    det, cache = CountingDetector(), AnalysisCache()
    inspect_slots(_slots("Call Alice Example now"), kimi_policy, det, Transformer(b"k" * 32), cache)
    ((key, value),) = cache._data.items()
    assert key == slot_key("v1", kimi_policy.digest, "Call Alice Example now")
    assert "Alice" not in repr(value)
    assert (value.planned[0].start, value.planned[0].end) == (5, 18)


def _analysis(spans: int) -> Analysis:
    p = Planned("PERSON", "pii", 0, 1, 1.0, "redact", False, "x")
    return Analysis("en", (p,) * spans)


def test_entry_bound_evicts_least_recently_used() -> None:
    cache = AnalysisCache(max_entries=3)
    for i in range(3):
        cache.put(bytes([i]), _analysis(1))
    assert cache.get(bytes([0])) is not None  # 0 is now the most recent
    cache.put(bytes([3]), _analysis(1))
    assert len(cache) == 3
    assert cache.get(bytes([1])) is None
    assert cache.get(bytes([0])) is not None
    assert cache.stats.evictions == 1


def test_byte_bound_evicts_and_skips_oversized_entries() -> None:
    one = AnalysisCache.weight(b"\0" * 20, _analysis(10))
    cache = AnalysisCache(max_entries=1000, max_bytes=3 * one)
    for i in range(10):
        cache.put(bytes([i]) * 20, _analysis(10))
    assert len(cache) == 3
    assert cache.size_bytes <= 3 * one
    cache.put(b"\1" * 20, _analysis(1000))  # heavier than the whole cache
    assert cache.get(b"\1" * 20) is None
    assert len(cache) == 3
