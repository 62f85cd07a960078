"""Passwords written next to their label: "password: hunter2!", "密码是abc123", "Passwort=...".
The value after the label is the finding; the label stays, so the model still knows a password
was there."""

from __future__ import annotations

from guard.recognizers.base import GuardRecognizer, Rule
from guard.recognizers.secret_values import is_password_value

_LABEL = (
    r"(?i:(?<![a-z])(?:password|passwd|passphrase|pwd|pass|passcode|pin code|db_pass(?:word)?"
    r"|passwort|kennwort|密码|口令|登录密码|支付密码))"
)


class PasswordRecognizer(GuardRecognizer):
    ENTITIES = ("PASSWORD",)
    RULES = (
        Rule(
            "labelled password",
            rf"{_LABEL}[\"']?\s?(?:is|ist|lautet|:|：|=|是|为)\s?[\"']?([^\s\"',;，。\u3400-\u9fff]{{4,128}})",
            0.85,
            0.85,
            group=1,
        ),
        # Chinese runs the label into the value: "密码Z06fK7QeB5VR", "用admin和密码abc123登录"
        Rule(
            "password after a Chinese label",
            r"(?:密码|口令)(?:是|为)?[:：]?([!-~]{6,128}?)(?=[\u3400-\u9fff，。；！？\s]|$)",
            0.85,
            0.85,
            group=1,
        ),
        # A user and password pair after a log-in verb: "log in with admin / s3cret!",
        # "Melde dich mit admin / s3cret an", "login as root:toor".
        Rule(
            "credential pair",
            r"(?i:(?:log\s?in|sign\s?in|logon|melde\s(?:dich|sie\s?sich)|anmelden|einloggen|登录|登陆)"
            r"\s?(?:with|as|using|mit|als|用|使用)?\s?)"
            r"[\w.@\-]{1,64}\s?(?:/|:|和)\s?([^\s\"',;，。]{4,128})",
            0.85,
            0.85,
            group=1,
        ),
    )

    def validate(self, value: str, rule: Rule) -> bool:
        # Placeholders, references and code are not passwords ("${DB_PASSWORD}", "changeme",
        # "get_password()"); a word after "password is" may well be one, as if quoted.
        return is_password_value(value, quoted=True)
