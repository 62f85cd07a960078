"""Connection strings with credentials: scheme://user:password@host. The whole credential
part (user and password) is the finding; the host stays readable for the model."""

from __future__ import annotations

from guard.recognizers.base import GuardRecognizer, Rule
from guard.recognizers.secret_values import is_placeholder, is_reference


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
        # Password=...; in an ADO.NET/ODBC string: the key stands alone and a ';' is next to it
        # (DB_PASSWORD=... in an env file is credential_assignment's PASSWORD).
        Rule(
            "ado.net password",
            r"(?<![\w.\-])(?i:(?:password|pwd)\s?=\s?)([^;\s\"']{1,200})(?=;)",
            0.9,
            0.9,
            group=1,
        ),
        Rule(
            "ado.net password",
            r"(?<=;)\s?(?i:(?:password|pwd)\s?=\s?)([^;\s\"']{1,200})(?=\s|$|[\"'])",
            0.9,
            0.9,
            group=1,
        ),
    )

    def validate(self, value: str, rule: Rule) -> bool:
        # "postgres://user:password@host", "Password=${DB_PASSWORD}": the format, not a secret.
        password = value.split(":", 1)[1] if rule.name == "url with password" else value
        return not is_placeholder(password) and not is_reference(password)
