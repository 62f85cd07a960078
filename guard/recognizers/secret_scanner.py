"""Vendor credentials by detect-secrets' own rules (Yelp/detect-secrets, Apache-2.0, pinned).

detect-secrets' regex plugins (AWS, Artifactory, Azure storage, Cloudant, Discord, GitHub,
GitLab, Mailchimp, npm, OpenAI, PyPI, SendGrid, Slack, SoftLayer, Square, Stripe, Telegram,
Twilio) each expose their compiled patterns as `denylist`. They are used here in-process, on the
text itself: no subprocess, no files, no network (their `verify` methods, which call vendors,
are never used). Scanning every text with every pattern would cost about a millisecond per
kilobyte, so each plugin runs only when the text holds a literal its every match must contain
(`ghp_`, `AKIA`, `hooks.slack.com`...), a handful of substring searches in all.

detect-secrets' other plugins are covered by our own recognizers, which fit a chat better:
private keys (whole PEM blocks and bare key bodies), JWTs (the header is decoded), basic-auth
URLs (connection strings), the keyword and high-entropy plugins (credential_assignment, with
detect-secrets' heuristics for placeholders and references), and its IBM plugins, whose
patterns are generic `key = <44 characters>` assignments. Its public-IP plugin finds no secret.
A test checks that every plugin of the installed detect-secrets is either used or listed in
SKIPPED, so an upgrade that adds one is noticed.
"""

from __future__ import annotations

import re
from typing import Any

from detect_secrets.plugins.artifactory import ArtifactoryDetector
from detect_secrets.plugins.aws import AWSKeyDetector
from detect_secrets.plugins.azure_storage_key import AzureStorageKeyDetector
from detect_secrets.plugins.base import RegexBasedDetector
from detect_secrets.plugins.cloudant import CloudantDetector
from detect_secrets.plugins.discord import DiscordBotTokenDetector
from detect_secrets.plugins.github_token import GitHubTokenDetector
from detect_secrets.plugins.gitlab_token import GitLabTokenDetector
from detect_secrets.plugins.mailchimp import MailchimpDetector
from detect_secrets.plugins.npm import NpmDetector
from detect_secrets.plugins.openai import OpenAIDetector
from detect_secrets.plugins.pypi_token import PypiTokenDetector
from detect_secrets.plugins.sendgrid import SendGridDetector
from detect_secrets.plugins.slack import SlackDetector
from detect_secrets.plugins.softlayer import SoftlayerDetector
from detect_secrets.plugins.square_oauth import SquareOAuthDetector
from detect_secrets.plugins.stripe import StripeDetector
from detect_secrets.plugins.telegram_token import TelegramBotTokenDetector
from detect_secrets.plugins.twilio import TwilioKeyDetector
from presidio_analyzer import RecognizerResult

from guard.recognizers.base import GuardRecognizer
from guard.recognizers.secret_values import is_documentation_token

# (plugin, literals): the plugin's patterns run only on text holding one of the literals.
# Lower-case literals are looked for in the lower-cased text (the pattern ignores case or the
# literal has no letters to case); literals with capitals in the text as written.
PLUGINS: tuple[tuple[type[RegexBasedDetector], tuple[str, ...]], ...] = (
    (AWSKeyDetector, ("akia", "asia", "abia", "acca", "a3t", "aws")),
    (ArtifactoryDetector, ("AKC", "AP")),
    (AzureStorageKeyDetector, ("AccountKey=",)),
    (
        CloudantDetector,
        (
            "cloudant",
            "cl_",
            "cl-",
            "clapi",
            "clkey",
            "clpw",
            "clpass",
            "cltoken",
            "clou_",
            "clou-",
            "clouapi",
            "cloukey",
            "cloupw",
            "cloupass",
            "cloutoken",
        ),
    ),
    (DiscordBotTokenDetector, (".",)),
    (GitHubTokenDetector, ("ghp_", "gho_", "ghu_", "ghs_", "ghr_")),
    (
        GitLabTokenDetector,
        (
            "glpat-",
            "gldt-",
            "glft-",
            "glsoat-",
            "glrt-",
            "GR1348941",
            "glcbt-",
            "glimt-",
            "glptt-",
            "glagent-",
            "gloas-",
        ),
    ),
    (MailchimpDetector, ("-us",)),
    (NpmDetector, ("_authToken",)),
    (OpenAIDetector, ("T3BlbkFJ",)),
    (PypiTokenDetector, ("pypi-",)),
    (SendGridDetector, ("SG.",)),
    (SlackDetector, ("xox", "hooks.slack.com")),
    (
        SoftlayerDetector,
        ("softlayer", "sl_", "sl-", "slapi", "slkey", "slpw", "slpass", "sltoken"),
    ),
    (SquareOAuthDetector, ("sq0csp-",)),
    (StripeDetector, ("k_live_",)),
    (TelegramBotTokenDetector, (":",)),
    (TwilioKeyDetector, ("AC", "SK")),
)
# Plugins of detect-secrets 1.5.0 deliberately not run here, and why (see the module docstring).
SKIPPED: dict[str, str] = {
    "BasicAuthDetector": "connection_string finds user:password@ in URLs",
    "IPPublicDetector": "an IP address is not a credential",
    "IbmCloudIamDetector": "a generic `key = <44 characters>`: credential_assignment",
    "IbmCosHmacDetector": "a generic `secret_access_key = <48 hex>`: credential_assignment",
    "JwtTokenDetector": "jwt decodes the header",
    "PrivateKeyDetector": "private_key finds the whole block and bare key bodies",
}
_TOKEN_CHARS = re.compile(r"[A-Za-z0-9_\-]")
_EDGE = " \t\r\n=:\"'"


class DetectSecretsRecognizer(GuardRecognizer):
    ENTITIES = ("API_KEY",)

    def __init__(self, supported_language: str = "en") -> None:
        self._plugins: list[tuple[str, tuple[str, ...], tuple[str, ...], list[re.Pattern[str]]]] = [
            (
                cls.__name__,
                tuple(n for n in needles if n == n.lower()),
                tuple(n for n in needles if n != n.lower()),
                list(cls.denylist),  # type: ignore[call-overload]  # a class attribute
            )
            for cls, needles in PLUGINS
        ]
        super().__init__(supported_language=supported_language)

    def analyze(self, text: str, entities: list[str], nlp_artifacts: Any = None) -> list[RecognizerResult]:
        if entities and "API_KEY" not in entities:
            return []
        low = text.lower()
        results: list[RecognizerResult] = []
        for _name, lower_needles, exact_needles, patterns in self._plugins:
            if not (any(n in low for n in lower_needles) or any(n in text for n in exact_needles)):
                continue
            for pattern in patterns:
                for m in pattern.finditer(text):
                    span = self._span(text, m)
                    if span is None:
                        continue
                    start, end = span
                    if is_documentation_token(text[start:end]):
                        continue
                    results.append(self.result("API_KEY", start, end, 0.95))
        return results

    @staticmethod
    def _span(text: str, m: re.Match[str]) -> tuple[int, int] | None:
        """The secret's span: the first non-empty group (as detect-secrets reports it), else the
        match without the delimiters some patterns include, widened to the whole token."""
        start, end = m.span()
        for i in range(1, (m.re.groups or 0) + 1):
            if m.group(i):
                start, end = m.span(i)
                break
        while start < end and text[start] in _EDGE:
            start += 1
        while end > start and text[end - 1] in _EDGE:
            end -= 1
        if start == end:
            return None
        # A pattern that stops inside a longer token (no boundary of its own) must not leave the
        # token's tail for the vendor.
        while start > 0 and _TOKEN_CHARS.match(text[start - 1]):
            start -= 1
        while end < len(text) and _TOKEN_CHARS.match(text[end]):
            end += 1
        return start, end
