"""Analyses remembered by content, so a conversation costs what is new in it.

Chat clients resend the whole history every turn. A slot seen before (same text, same policy,
same detector) gets its planned spans back from here instead of being analysed again.

What is stored is offsets and decisions (`Planned`), never text: the key is a BLAKE2b digest
of the slot text, the value the spans the policy transforms and, per span, the audit fingerprint
(a keyed HMAC, as written to the audit trail), so a resent history costs no hashing either.
Entries are evicted least-recently-used when either bound is passed: a number of entries, and
an estimate of the bytes they hold (an entry with many findings weighs more). The cache belongs
to one process and one policy set; replicas each have their own and need nothing shared, since a
miss only costs time.
"""

from __future__ import annotations

import hashlib
import sys
import threading
from collections import OrderedDict
from dataclasses import dataclass

from guard.transform import Planned

# Rough sizes of the Python objects an entry keeps alive, for the byte bound.
_ENTRY_BYTES = 300
_SPAN_BYTES = 200
_FINGERPRINT_BYTES = 90


@dataclass(frozen=True, slots=True)
class Analysis:
    language: str
    planned: tuple[Planned, ...]
    # Audit fingerprints of the spans, made by the transformer whose key_id is given.
    fingerprints: tuple[str, ...] | None = None
    key_id: str = ""


@dataclass
class CacheStats:
    hits: int = 0
    misses: int = 0
    evictions: int = 0


def slot_key(detector_version: str, policy_digest: str, text: str) -> bytes:
    """The cache key of one slot text under one detector and policy."""
    h = hashlib.blake2b(digest_size=20)
    h.update(detector_version.encode())
    h.update(b"\0")
    h.update(policy_digest.encode())
    h.update(b"\0")
    h.update(text.encode("utf-8", "surrogatepass"))
    return h.digest()


class AnalysisCache:
    """A thread-safe LRU of slot analyses, bounded by entries and by estimated bytes."""

    def __init__(self, max_entries: int = 50_000, max_bytes: int = 64 * 1024 * 1024) -> None:
        self.max_entries = max_entries
        self.max_bytes = max_bytes
        self.stats = CacheStats()
        self._data: OrderedDict[bytes, Analysis] = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()

    @staticmethod
    def weight(key: bytes, value: Analysis) -> int:
        span = _SPAN_BYTES + (_FINGERPRINT_BYTES if value.fingerprints is not None else 0)
        return _ENTRY_BYTES + sys.getsizeof(key) + span * len(value.planned)

    def __len__(self) -> int:
        return len(self._data)

    @property
    def size_bytes(self) -> int:
        return self._bytes

    def get(self, key: bytes) -> Analysis | None:
        with self._lock:
            value = self._data.get(key)
            if value is None:
                self.stats.misses += 1
                return None
            self._data.move_to_end(key)
            self.stats.hits += 1
            return value

    def put(self, key: bytes, value: Analysis) -> None:
        w = self.weight(key, value)
        if w > self.max_bytes or self.max_entries <= 0:
            return  # larger than the whole cache: not worth keeping
        with self._lock:
            old = self._data.pop(key, None)
            if old is not None:
                self._bytes -= self.weight(key, old)
            self._data[key] = value
            self._bytes += w
            while len(self._data) > self.max_entries or self._bytes > self.max_bytes:
                k, v = self._data.popitem(last=False)
                self._bytes -= self.weight(k, v)
                self.stats.evictions += 1

    def clear(self) -> None:
        with self._lock:
            self._data.clear()
            self._bytes = 0
