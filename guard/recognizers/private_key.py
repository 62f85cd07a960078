"""PEM private key blocks (RSA, EC, OpenSSH, PKCS#8, PGP), from BEGIN to END line."""

from __future__ import annotations

import re

from guard.recognizers.base import GuardRecognizer, Rule


class PrivateKeyRecognizer(GuardRecognizer):
    ENTITIES = ("PRIVATE_KEY",)
    RULES = (
        Rule(
            "pem private key",
            r"-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-----"
            r"[\s\S]{0,20000}?"
            r"(?:-----END (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-----|$)",
            1.0,
            1.0,
            flags=re.ASCII,
        ),
    )
