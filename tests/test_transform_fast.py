"""The fast paths of the transform agree with the plain definitions they replace."""

from __future__ import annotations

import random
import re
import unicodedata

from guard.adapters.openai import Slot
from guard.cache import AnalysisCache
from guard.detect import Detector
from guard.inspection import inspect_slots
from guard.policy import Policy
from guard.transform import Transformer, value_key


def _reference(value: str) -> str:
    norm = unicodedata.normalize("NFKC", value)
    compact = re.sub(r"[\s\-./()]", "", norm)
    if compact and sum(c.isdigit() for c in compact) >= max(4, len(compact) * 0.6):
        return compact.upper()
    return " ".join(norm.casefold().split())


def test_value_key_matches_its_definition() -> None:
    rng = random.Random(0)
    ascii_chars = [chr(i) for i in range(128)]
    mixed = list("0123456789 -./()aBß\u00a0１٣\u2003Ǆ")
    for _ in range(20_000):
        pool = ascii_chars if rng.random() < 0.5 else mixed
        value = "".join(rng.choice(pool) for _ in range(rng.randrange(0, 20)))
        assert value_key("X", value) == _reference(value), repr(value)


def test_cached_fingerprints_are_used_only_by_their_transformer(
    detector: Detector, kimi_policy: Policy
) -> None:
    text = "Please write to Maria Gonzalez at maria.gonzalez@example.com"
    slots = [Slot(("messages", 0, "content"), text, 0)]
    cache = AnalysisCache()
    a, b = Transformer(b"a" * 32), Transformer(b"b" * 32)
    first = inspect_slots(slots, kimi_policy, detector, a, cache)
    again = inspect_slots(slots, kimi_policy, detector, a, cache)
    other = inspect_slots(slots, kimi_policy, detector, b, cache)
    fresh = inspect_slots(slots, kimi_policy, detector, b)
    assert first.applied
    assert [x.fingerprint for _, x in first.applied] == [x.fingerprint for _, x in again.applied]
    assert [x.fingerprint for _, x in other.applied] == [x.fingerprint for _, x in fresh.applied]
    assert [x.fingerprint for _, x in other.applied] != [x.fingerprint for _, x in first.applied]
    for _, x in first.applied:
        value = text[x.planned.start : x.planned.end]
        assert x.fingerprint == a.fingerprint(x.planned.entity_type, value)
