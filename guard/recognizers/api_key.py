"""API keys and tokens with a vendor-specific shape, and values assigned to key-like names.

Each row is a vendor's documented key format. The shapes are distinctive (a fixed prefix and a
long random tail), so a match is a finding without any context.
"""

from __future__ import annotations

import math
from collections import Counter

from guard.recognizers.base import GuardRecognizer, Rule

_L = r"(?<![0-9A-Za-z_\-])"
_R = r"(?![0-9A-Za-z_\-])"

# (vendor, regex): a vendor's key format.
_VENDOR_KEYS: tuple[tuple[str, str], ...] = (
    # OpenAI-style keys: DashScope sk-<32 hex>, Moonshot sk-<48 alnum>, OpenAI, Anthropic, DeepSeek
    ("sk- key", r"sk-(?:proj-|ant-(?:api|admin)[0-9]{2}-|svcacct-|admin-)?[A-Za-z0-9_\-]{20,200}"),
    ("aws access key id", r"(?:AKIA|ASIA|ABIA|ACCA|AGPA|AIDA|AROA|ANPA|ANVA|AIPA)[0-9A-Z]{16}"),
    ("google api key", r"AIza[0-9A-Za-z_\-]{35}"),
    ("google oauth token", r"ya29\.[0-9A-Za-z_\-]{20,}"),
    ("google oauth client secret", r"GOCSPX-[0-9A-Za-z_\-]{28}"),
    ("github token", r"gh[pousr]_[A-Za-z0-9]{36,255}"),
    ("github fine-grained token", r"github_pat_[A-Za-z0-9_]{22,255}"),
    ("gitlab token", r"glpat-[A-Za-z0-9_\-]{20,}"),
    ("slack token", r"xox[abposr]-[A-Za-z0-9\-]{10,}"),
    (
        "slack webhook",
        r"https://hooks\.slack\.com/services/T[A-Za-z0-9]+/B[A-Za-z0-9]+/[A-Za-z0-9]+",
    ),
    ("stripe key", r"(?:sk|rk|pk)_(?:live|test)_[A-Za-z0-9]{16,}"),
    ("stripe webhook secret", r"whsec_[A-Za-z0-9]{24,}"),
    ("huggingface token", r"hf_[A-Za-z0-9]{30,}"),
    ("npm token", r"npm_[A-Za-z0-9]{36}"),
    ("pypi token", r"pypi-AgEIcHlwaS5vcmc[A-Za-z0-9_\-]{50,}"),
    ("sendgrid key", r"SG\.[A-Za-z0-9_\-]{22}\.[A-Za-z0-9_\-]{43}"),
    ("twilio key", r"SK[0-9a-f]{32}"),
    ("mailgun key", r"key-[0-9a-zA-Z]{32}"),
    ("telegram bot token", r"[0-9]{8,10}:AA[0-9A-Za-z_\-]{33}"),
    ("discord bot token", r"[MN][A-Za-z0-9_\-]{23,25}\.[A-Za-z0-9_\-]{6}\.[A-Za-z0-9_\-]{27,38}"),
    ("azure storage account key", r"(?<=AccountKey=)[A-Za-z0-9+/]{86}=="),
    ("azure sas signature", r"(?<=[?&]sig=)[A-Za-z0-9%+/=]{30,}"),
    ("alibaba cloud access key id", r"LTAI[A-Za-z0-9]{12,20}"),
    ("tencent cloud secret id", r"AKID[A-Za-z0-9]{32}"),
)

# A value assigned to a name that says it is a secret: `api_key = "..."`, `"token": "..."`,
# AWS_SECRET_ACCESS_KEY=..., `client_secret: ...`, Azure's `SharedAccessKey=...`.
_ASSIGNED = (
    r"(?i:[a-z0-9_\-]*(?:api[_\-]?key|apikey|secret[_\-]?key|secret|access[_\-]?key|token|auth[_\-]?key"
    r"|client[_\-]?secret|private[_\-]?key|sharedaccesskey|accountkey|密钥|令牌))"
    r"[\"']?\s?(?:=|:|：|=>)\s?[\"']?([A-Za-z0-9_\-+/=.~]{16,200})[\"']?"
)


def _entropy(value: str) -> float:
    counts = Counter(value)
    return -sum(c / len(value) * math.log2(c / len(value)) for c in counts.values())


class ApiKeyRecognizer(GuardRecognizer):
    ENTITIES = ("API_KEY",)
    RULES = (
        # One alternation, so the text is scanned once for all vendors.
        Rule("vendor key", _L + "(?:" + "|".join(r for _, r in _VENDOR_KEYS) + ")" + _R, 0.95, 1.0),
        Rule("assigned secret", _ASSIGNED, 0.8, 0.8, group=1),
    )

    def validate(self, value: str, rule: Rule) -> bool:
        if rule.name != "assigned secret":
            return True
        # A key is random: mixed classes and high entropy. Names, paths and placeholders are not
        # ("your_api_key_here", "os.environ.get", "process.env.TOKEN").
        if value.lower().startswith(("your", "xxx", "<", "process.env", "os.environ", "env.")):
            return False
        has_digit = any(c.isdigit() for c in value)
        has_alpha = any(c.isalpha() for c in value)
        return has_digit and has_alpha and _entropy(value) >= 3.0
