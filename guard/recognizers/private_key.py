"""Private keys: PEM blocks (RSA, EC, DSA, OpenSSH, PKCS#8, PGP, PuTTY), bare key bodies and JWKs.

* A PEM block from its BEGIN line to its END line (or to the end of the text, when a paste was
  cut short). A block whose body holds no base64 ("-----BEGIN PRIVATE KEY-----\\n...") is the
  format being shown, not a key.
* A key body without its armour: users paste the base64 alone, one line or several. The DER it
  decodes to says what it is: a private key is a SEQUENCE whose first member is a small INTEGER
  (the version: PKCS#1 and SEC1 keys, PKCS#8, PKCS#12), while a certificate or a public key
  starts with another SEQUENCE. An OpenSSH key body starts "openssh-key-v1". So certificates,
  public keys and other base64 stay with the vendor.
* A JSON Web Key's private members ("d", "p", "q", "dp", "dq", "qi"; "k" of a symmetric key)
  inside an object that has "kty".
"""

from __future__ import annotations

import base64
import binascii
import re
from typing import Any

from presidio_analyzer import RecognizerResult

from guard.recognizers.base import GuardRecognizer

_PEM = re.compile(
    r"-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-----"
    r"[\s\S]{0,20000}?"
    r"(?:-----END (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-----|$)",
    re.ASCII,
)
_PUTTY = re.compile(r"PuTTY-User-Key-File-[23]:[^\n]*(?:\n[^\n]*){0,60}?\nPrivate-MAC: ?[0-9a-fA-F]+")
_BASE64_LINE = re.compile(r"[A-Za-z0-9+/]{16,}={0,2}")
# A body: lines of base64 (PEM wraps at 64), possibly indented or quoted, as one span. It starts
# where DER of a private key starts ("MI" for a SEQUENCE of 128+ bytes, "MH" 48-127 bytes; the
# OpenSSH format "b3BlbnNzaC1rZXktdjE").
_BODY = re.compile(
    r"(?<![A-Za-z0-9+/])(?:M[IHG]|b3BlbnNzaC1rZXktdjE)[A-Za-z0-9+/]{38,}={0,2}"
    r"(?:(?:\\n|\s|[\"',])+(?:[A-Za-z0-9+/]{16,}={0,2}|[A-Za-z0-9+/]{2,}={1,2})){0,400}"
)
_JWK_MEMBER = re.compile(r"\"(?:d|p|q|dp|dq|qi|k)\"\s*:\s*\"(?P<v>[A-Za-z0-9_\-]{16,})\"")


def _der_private_key(prefix: bytes) -> bool:
    """DER of a private key: SEQUENCE, its length, then INTEGER 0, 1 or 3 (the version)."""
    if len(prefix) < 5 or prefix[0] != 0x30:
        return False
    i = 2
    if prefix[1] & 0x80:
        i = 2 + (prefix[1] & 0x7F)
    return prefix[i : i + 3] in (b"\x02\x01\x00", b"\x02\x01\x01", b"\x02\x01\x03")


def is_key_body(b64: str) -> bool:
    compact = re.sub(r"[^A-Za-z0-9+/=]", "", b64.replace("\\n", ""))
    if compact.startswith("b3BlbnNzaC1rZXktdjE"):
        return True
    head = compact[:24]
    try:
        prefix = base64.b64decode(head + "=" * (-len(head) % 4))
    except (binascii.Error, ValueError):
        return False
    return _der_private_key(prefix)


class PrivateKeyRecognizer(GuardRecognizer):
    ENTITIES = ("PRIVATE_KEY",)

    def analyze(self, text: str, entities: list[str], nlp_artifacts: Any = None) -> list[RecognizerResult]:
        if entities and "PRIVATE_KEY" not in entities:
            return []
        found: list[tuple[int, int]] = []
        if "PRIVATE KEY" in text:
            for m in _PEM.finditer(text):
                if _BASE64_LINE.search(m.group()) or "Proc-Type" in m.group():
                    found.append(m.span())
        if "PuTTY-User-Key-File" in text:
            found.extend(m.span() for m in _PUTTY.finditer(text))
        if "MI" in text or "MH" in text or "MG" in text or "b3BlbnNzaC1rZXktdjE" in text:
            for m in _BODY.finditer(text):
                if is_key_body(m.group()) and not any(a <= m.start() < b for a, b in found):
                    found.append(m.span())
        if '"kty"' in text:
            found.extend(m.span("v") for m in _JWK_MEMBER.finditer(text))
        return [self.result("PRIVATE_KEY", start, end, 1.0) for start, end in found]
