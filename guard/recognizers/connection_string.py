"""Connection strings with credentials: scheme://user:password@host. The whole credential
part (user and password) is the finding; the host stays readable for the model."""

from __future__ import annotations

from guard.recognizers.base import GuardRecognizer, Rule


class ConnectionStringRecognizer(GuardRecognizer):
    ENTITIES = ("CONNECTION_STRING",)
    RULES = (
        Rule(
            "url with password",
            r"(?i:[a-z][a-z0-9+.\-]{1,20})://([^\s:/@\"']{1,100}:[^\s@\"'/]{1,200})@[^\s\"'/]+",
            0.95,
            0.95,
            group=1,
        ),
        Rule(
            "ado.net password",
            r"(?i:(?:password|pwd)\s?=\s?)([^;\s\"']{1,200})(?=;|\s|$)",
            0.9,
            0.9,
            group=1,
        ),
    )
