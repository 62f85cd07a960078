"""JSON Web Tokens: three base64url parts, the first two JSON objects (so starting "eyJ")."""

from __future__ import annotations

import base64
import json

from guard.recognizers.base import GuardRecognizer, Rule

_B64 = r"[A-Za-z0-9_\-]"


class JwtRecognizer(GuardRecognizer):
    ENTITIES = ("JWT",)
    RULES = (
        Rule(
            "jwt",
            rf"(?<![A-Za-z0-9_\-])eyJ{_B64}{{10,}}\.eyJ{_B64}{{10,}}\.{_B64}{{0,1000}}(?!{_B64})",
            0.95,
            1.0,
        ),
    )

    def validate(self, value: str, rule: Rule) -> bool:
        header = value.split(".", 1)[0]
        try:
            decoded = base64.urlsafe_b64decode(header + "=" * (-len(header) % 4))
            return isinstance(json.loads(decoded), dict)
        except ValueError:
            return False
