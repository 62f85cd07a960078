"""Email addresses, validated against the public-suffix list bundled with tldextract.

Presidio's EmailRecognizer calls `tldextract.extract`, whose default extractor fetches the suffix
list from the network on first use. The proxy never reaches the network except to its upstreams,
so this one uses only the snapshot that ships inside the pinned tldextract package.
"""

from __future__ import annotations

import tldextract
from presidio_analyzer.predefined_recognizers import EmailRecognizer

# suffix_list_urls=() means: no fetch, use the bundled snapshot; cache_dir=None: write nothing.
_OFFLINE_EXTRACT = tldextract.TLDExtract(suffix_list_urls=(), cache_dir=None)


class OfflineEmailRecognizer(EmailRecognizer):
    def validate_result(self, pattern_text: str) -> bool:
        return _OFFLINE_EXTRACT(pattern_text).fqdn != ""
