"""Email addresses, validated against the public-suffix list bundled with tldextract.

Presidio's EmailRecognizer calls `tldextract.extract`, whose default extractor fetches the suffix
list from the network on first use. The proxy never reaches the network except to its upstreams,
so this one uses only the snapshot that ships inside the pinned tldextract package.
"""

from __future__ import annotations

import tldextract
from presidio_analyzer import Pattern
from presidio_analyzer.predefined_recognizers import EmailRecognizer

# suffix_list_urls=() means: no fetch, use the bundled snapshot; cache_dir=None: write nothing.
_OFFLINE_EXTRACT = tldextract.TLDExtract(suffix_list_urls=(), cache_dir=None)


_ATOM = r"[A-Za-z0-9!#$%&'*+\-/=?^_`{|}~]"
_LABEL = r"[A-Za-z0-9]+(?:-+[A-Za-z0-9]+)*"
# Presidio's pattern is framed by \b and uses \w, which both treat CJK characters as letters:
# "邮箱jane@example.org谢谢" would be no email at all. ASCII classes and lookarounds instead.
_EMAIL = (
    rf"(?<![A-Za-z0-9._%+\-])({_ATOM}(?:(?:{_ATOM}|\.)*{_ATOM})?@{_LABEL}(?:\.{_LABEL})+)"
    r"(?![A-Za-z0-9\-])"
)


class OfflineEmailRecognizer(EmailRecognizer):
    PATTERNS = [Pattern("Email (CJK-safe)", _EMAIL, 0.5)]  # noqa: RUF012 (Presidio's shape)

    def validate_result(self, pattern_text: str) -> bool:
        return _OFFLINE_EXTRACT(pattern_text).fqdn != ""
