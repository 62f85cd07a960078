"""Secrets: vendor API keys, private keys, JWTs, passwords and connection strings."""

from __future__ import annotations

import base64
import hashlib

import pytest

from guard.detect import Detector
from guard.policy import Policy
from tests.recognizer_cases import assert_found, assert_not_found, assert_untouched

_JWT = (
    "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4ifQ."
    "SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c"
)
# 64 fake bytes in base64: the shape of an Azure storage account key (86 characters and "==").
_AZURE_KEY = base64.b64encode(hashlib.sha512(b"fake azure key").digest()).decode()
_PEM = "-----BEGIN RSA PRIVATE KEY-----\nMIIEpAIBAAKCAQEA7b\nabc123==\n-----END RSA PRIVATE KEY-----"


@pytest.mark.parametrize(
    ("text", "entity", "value"),
    [
        (
            "DASHSCOPE_API_KEY=sk-0123456789abcdef0123456789abcdef",
            "API_KEY",
            "sk-0123456789abcdef0123456789abcdef",
        ),
        (
            "moonshot key sk-Ab3dEf6hIj9kLm2nOp5qRs8tUv1wXy4zAb7cDe0fGh3iJk6lMn",
            "API_KEY",
            "sk-Ab3dEf6hIj9kLm2nOp5qRs8tUv1wXy4zAb7cDe0fGh3iJk6lMn",
        ),
        (
            "密钥sk-0123456789abcdef0123456789abcdef谢谢",
            "API_KEY",
            "sk-0123456789abcdef0123456789abcdef",
        ),
        ("aws AKIAIOSFODNN7EXAMPLE", "API_KEY", "AKIAIOSFODNN7EXAMPLE"),
        (
            "aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
            "API_KEY",
            "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
        ),
        (
            "key=AIzaSyA1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q",
            "API_KEY",
            "AIzaSyA1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q",
        ),
        (
            "token ghp_1234567890abcdefghijABCDEFGHIJ123456",
            "API_KEY",
            "ghp_1234567890abcdefghijABCDEFGHIJ123456",
        ),
        (
            "slack xoxb-1234567890-0987654321-AbCdEfGhIjKlMnOp",
            "API_KEY",
            "xoxb-1234567890-0987654321-AbCdEfGhIjKlMnOp",
        ),
        ("stripe sk_live_4eC39HqLyjWDarjtT1zdp7dc", "API_KEY", "sk_live_4eC39HqLyjWDarjtT1zdp7dc"),
        (
            "DefaultEndpointsProtocol=https;AccountName=acc;AccountKey=" + _AZURE_KEY + ";",
            "API_KEY",
            _AZURE_KEY,
        ),
        (f"Authorization: Bearer {_JWT}", "JWT", _JWT),
        (f"key:\n{_PEM}\n", "PRIVATE_KEY", _PEM),
        ("password: hunter2!x", "PASSWORD", "hunter2!x"),
        ("我的密码是Abc12345", "PASSWORD", "Abc12345"),
        ("Passwort: Geheim#2024", "PASSWORD", "Geheim#2024"),
        (
            "postgres://admin:s3cr3tPass@db.example.com:5432/app",
            "CONNECTION_STRING",
            "admin:s3cr3tPass",
        ),
        ("Server=db;User Id=sa;Password=Pa55w0rd!;", "CONNECTION_STRING", "Pa55w0rd!"),
    ],
)
def test_secret_found(detector: Detector, text: str, entity: str, value: str) -> None:
    assert_found(detector, text, entity, value)


@pytest.mark.parametrize(
    ("text", "entity"),
    [
        ("api_key = os.environ['DASHSCOPE_API_KEY']", "API_KEY"),
        ("token: your_api_key_here_please", "API_KEY"),
        ("the sk- prefix marks secret keys", "API_KEY"),
        ("password: ${DB_PASSWORD}", "PASSWORD"),
        ("password = None", "PASSWORD"),
        ("commit e3b0c44298fc1c149afbf4c8996fb92427ae41e4", "API_KEY"),
    ],
)
def test_secret_hard_negatives(detector: Detector, text: str, entity: str) -> None:
    assert_not_found(detector, text, entity)


@pytest.mark.parametrize(
    "text",
    [
        "def get_token(user_id: int) -> str: return cache[user_id]",
        "Set the password field to required in the form schema.",
    ],
)
def test_code_about_secrets_untouched(detector: Detector, kimi_policy: Policy, text: str) -> None:
    assert_untouched(detector, kimi_policy, text)
