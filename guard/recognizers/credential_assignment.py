"""Credentials written next to their name, in whatever format a user pastes.

A secret scanner's strongest signal is not the value's shape but its name: `DB_PASSWORD=...`,
`"api_key": "..."`, `<add key="ClearTextPassword" value="..."/>`, `--password ...`,
`curl -u user:...`, `-H "Authorization: Bearer ..."`, `IDENTIFIED BY '...'`,
`if ("..." == secret)`. This recognizer finds a secret word (password, passwd, pwd, pw,
passphrase, secret, token, key, auth, credential, and the same in other languages), reads the
name it belongs to and the assignment after it in the syntax of env files, YAML, JSON, INI,
TOML, XML, Go, shell, SQL and most programming languages, and judges the value:

* after a password name, the value is the password unless it is a placeholder, a reference to
  a secret kept elsewhere, a type, code, or an unquoted bare identifier (`password = pwd`);
* after a key, token or secret name, the value must also look generated (mixed letters and
  digits, high entropy; a UUID counts here, as Heroku and Snyk issue UUID keys);
* within a few characters after any secret word, a long high-entropy run is a credential
  ("my github token is 9f86d0...").

Names that describe a secret without holding one are skipped by their last word
(`token_url`, `password_length`, `secret_name`, `key_id`) or their first (`public_key`,
`next_page_token`, `sort_key`). See guard/recognizers/secret_values.py for the value tests.
"""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Iterator
from typing import Any

from presidio_analyzer import RecognizerResult

from guard.recognizers.base import GuardRecognizer
from guard.recognizers.secret_values import (
    is_password_value,
    is_placeholder,
    is_reference,
    is_token_value,
    is_uuid,
    looks_random,
)

_PASSWORD_WORDS = (
    r"pass(?:word|wd|phrase|code|wort)?|pwd|pw|kennwort|contrase(?:ñ|n)a|mot[_\- ]?de[_\- ]?passe"
    r"|senha|parol[ea]?|пароль|密码|口令|パスワード|비밀번호"
)
_TOKEN_WORDS = (
    r"(?:access|secret|private|auth|master|encryption|signing|app|api|client|account|service)"
    r"(?:key|token|secret)|(?:refresh|session|bearer|id)token"
    r"|secret|token|api[_\-]?key|apikey|key|auth(?:orization)?|credentials?|creds?|bearer"
    r"|密钥|秘钥|令牌|私钥"
)
# A secret word where a name's segment starts: after a non-letter, or at a camelCase hump
# ("dbPassword", "beamerToken"), and ending where the segment ends (not "tokenizer", "keyboard",
# "secretary", "passenger", "compass").
_WORD = (
    r"(?:(?<![A-Za-z])|(?<=[a-z])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])"
    r"|(?<=[A-Z])(?=(?:PASSWORD|PASSWD|PASSPHRASE|TOKEN|SECRET)(?![A-Za-z])))"
    rf"(?P<word>(?i:{_PASSWORD_WORDS}|{_TOKEN_WORDS}))"
    r"(?![a-z])"
)
# The rest of the name ("_TOKEN", "Key2", ".login"), what closes it (a quote, a bracket, an
# XML attribute's `" value=`), the assignment, and the value.
_ASSIGNMENT = re.compile(
    _WORD
    + r"(?P<rest>[\w.\-]{0,40})"
    + r"(?P<close>\\?[\"'`\]]{0,2})"
    + r"(?P<attr>[ \t]+(?:value|content|password|secret)[ \t]*(?==))?"
    + r"(?:[ \t]+(?:string|String|str|SecureString|\[\]byte)(?=[ \t]*=))?"
    + r"(?P<op>[ \t]{0,8}(?:[:?.+!]{0,3}={1,3}>?|->|:|：|,|>)[ \t]{0,8}"
    + r"|[ \t]{1,8})"
    + r"(?P<nl>(?<=>)\s{0,40})?"
    + r"(?P<scheme>(?i:bearer|basic|token|api-?token|bot|oauth|jwt|ssws|digest|flyv1)[ \t]+)?"
    + r"(?:[fFrRbBuU@$](?=[\"'`]))?"
    + r"(?:\\?\"(?P<dq>[^\"\n]{1,500}?)\\?\"|'(?P<sq>[^'\n]{1,500})'|`(?P<bq>[^`\n]{1,500})`"
    # an unquoted value ends at CJK text ("密码：tiger531$相关工单" keeps 相关工单)
    + r"|(?P<bare>[^\s\"'`\u3000-\u303f\u3400-\u9fff\uff00-\uffef]{1,500}))"
)
# `if ("..." == secret)`: the value before a comparison with a secret-named variable.
_REVERSED = re.compile(
    r"(?P<q>[\"'])(?P<value>[^\"'\n]{4,200})(?P=q)[ \t]*[!=]==?[ \t]*[\w.\[\]\"']{0,40}?" + _WORD
)
# curl -u user:password, --user "user:password", --proxy-user
_USER_FLAG = re.compile(
    r"(?<![\w\-])(?:-u|--user|--proxy-user|-U)(?:[ \t]+|=)"
    r"(?P<cred>[^\s\"':]{1,100}:(?:'[^'\n]{1,200}'|\"[^\"\n]{1,200}\")"
    r"|\"[^\"\n]{1,300}\"(?::\"[^\"\n]*\")?|'[^'\n]{1,300}'|[^\s\"']{1,300})"
)
# --password x, -password=x, --db-pass x, -vaultToken x, --api-key x (CLI flags and options)
_FLAG = re.compile(
    r"(?<![\w\-])--?(?P<name>[A-Za-z][\w\-]{0,30}?)"
    r"(?:[ \t]+|=)(?:\"(?P<dq>[^\"\n]{1,300})\"|'(?P<sq>[^'\n]{1,300})'|(?P<bare>[^\s\"'-][^\s\"']{0,300}))"
)
# mysql -pSECRET, mysql -p'secret', sshpass -p secret
_MYSQL_P = re.compile(
    r"(?i:\b(?:mysql\w*|mariadb\w*|sshpass|mongo\w*)\b)[^\n]{0,120}?(?<![\w\-])-p(?:[ \t]*)"
    r"(?:'(?P<sq>[^'\n]{1,200})'|\"(?P<dq>[^\"\n]{1,200})\"|(?P<bare>[^\s\"'-][^\s\"']{0,200}))"
)
# SQL: CREATE USER ... IDENTIFIED BY 'x'; ALTER ROLE ... PASSWORD 'x' is an assignment above.
_IDENTIFIED_BY = re.compile(
    r"(?i:identified[ \t]+(?:with[ \t]+\w+[ \t]+)?by(?:[ \t]+password)?)[ \t]+"
    r"(?:'(?P<sq>[^'\n]{1,200})'|\"(?P<dq>[^\"\n]{1,200})\"|`(?P<bq>[^`\n]{1,200})`)"
)
_SCHEME = re.compile(r"(?i:bearer|basic|token|api-?token|bot|oauth|jwt|ssws|digest|flyv1)[ \t]+(?=\S)")
_NAME_RE = re.compile(_WORD + r"(?P<rest>[\w.\-]{0,40})")
_HOST = re.compile(r"[\w\-]+(?:\.[\w\-]+)+(?::\d+)?(?:/\S*)?")
# A Kubernetes Secret: every value under `data:` (base64) and `stringData:` is secret, whatever
# its key is called (`.dockercfg`, `ca.pem`, `extra`).
_K8S_SECRET = re.compile(r"(?im)^\s*[\"']?kind[\"']?\s*:\s*[\"']?secret[\"']?\s*$")
_K8S_VALUE = re.compile(
    r"(?m)^[ \t]+[\"']?[\w.\-]+[\"']?:[ \t]*(?:[|>][-+]?[ \t]*\n[ \t]+)?[\"']?"
    r"(?P<v>[A-Za-z0-9+/]{8,}={0,2})[\"']?[ \t]*$"
)
# A long run near a secret word: "the token for prod is 9f86d081884c7d65...".
_GAP_STOP = re.compile(r"[。！？；;!?]|[.](?:\s|$)|[A-Za-z0-9+/_\-]*[0-9][A-Za-z0-9+/_\-]*|[A-Za-z0-9]{12,}")
_RUN = re.compile(r"[A-Za-z0-9+/_\-=.~|:]{20,512}")

_GATE_WORDS = (
    "pass",
    "pwd",
    "pw",
    "secret",
    "token",
    "key",
    "auth",
    "cred",
    "bearer",
    "kennwort",
    "contrase",
    "mot de passe",
    "mot_de_passe",
    "senha",
    "parol",
    "пароль",
    "密码",
    "口令",
    "パスワード",
    "비밀번호",
    "密钥",
    "秘钥",
    "令牌",
    "私钥",
)

# The last word of a name that describes a secret without holding it (token_url, key_id, ...).
_DESCRIBING_SUFFIX = frozenset(
    {
        "id",
        "ids",
        "name",
        "names",
        "path",
        "file",
        "filename",
        "dir",
        "directory",
        "url",
        "uri",
        "endpoint",
        "host",
        "length",
        "len",
        "size",
        "type",
        "types",
        "field",
        "fields",
        "header",
        "prefix",
        "suffix",
        "env",
        "var",
        "variable",
        "label",
        "hint",
        "policy",
        "format",
        "regex",
        "pattern",
        "ttl",
        "expiry",
        "expires",
        "expiration",
        "count",
        "max",
        "min",
        "enabled",
        "required",
        "mode",
        "version",
        "hash",
        "hashed",
        "digest",
        "salt",
        "rotation",
        "strength",
        "reset",
        "placeholder",
        "template",
        "location",
        "store",
        "provider",
        "manager",
        "source",
        "ref",
        "arn",
        "kind",
        "algorithm",
        "alg",
        "method",
        "usage",
        "index",
        "limit",
        "timeout",
        "lifetime",
        "scope",
        "scopes",
        "audience",
        "issuer",
        "schema",
        "class",
        "service",
        "handler",
        "storage",
        "cache",
        "error",
        "message",
        "msg",
        "prompt",
        "input",
        "button",
        "link",
        "page",
        "form",
        "rule",
        "rules",
        "validator",
        "validation",
        "check",
        "checker",
        "generator",
        "encoder",
        "decoder",
        "parser",
        "reader",
        "writer",
        "fingerprint",
        "thumbprint",
        "vault",
        "mount",
        "selector",
        "code",
        "codes",
        "event",
        "listener",
        "binding",
        "bindings",
        "mapping",
        "stroke",
        "press",
        "down",
        "up",
        "char",
        "bind",
    }
)
# The word before a secret word that makes it something else (public_key, next_page_token).
_DESCRIBING_PREFIX = frozenset(
    {
        "public",
        "pub",
        "primary",
        "foreign",
        "sort",
        "partition",
        "cache",
        "idempotency",
        "lookup",
        "row",
        "dict",
        "map",
        "hot",
        "object",
        "registry",
        "shortcut",
        "translation",
        "i18n",
        "next",
        "page",
        "continuation",
        "pagination",
        "cursor",
        "sync",
        "csrf",
        "xsrf",
        "max",
        "num",
        "total",
        "input",
        "output",
        "completion",
        "prompt",
        "bypass",
        "forgot",
        "reset",
        "no",
        "dedup",
        "distribution",
        "shard",
        "routing",
        "license",
        "product",
        "verify",
        "verification",
        "hmac",  # a request signature's name, the secret is configured elsewhere
    }
)
_PIECES = re.compile(r"[A-Z]?[a-z]+|[A-Z]+(?![a-z])|\d+")
_PASSWORD_RE = re.compile(rf"(?i:{_PASSWORD_WORDS})")
# Words in a CLI flag's name that make its value a credential.
_FLAG_WORDS = re.compile(
    r"(?i)(?:^|[\-_])(?:password|passwd|pass|pwd|passphrase|secret|token|api-?key|apikey|key"
    r"|auth-token|access-token|client-secret|credentials?)$|[a-z](?:Password|Token|Secret|Key)$"
)


def _user_key(value: str) -> bool:
    """`curl -u KEY:` sends an API key as the user name with an empty password."""
    return (
        len(value) >= 8
        and any(c.isdigit() for c in value)
        and any(c.isalpha() for c in value)
        and not is_placeholder(value)
        and "@" not in value
    )


def _pieces(name: str) -> list[str]:
    return [p.lower() for p in _PIECES.findall(name)]


def _name_before(text: str, start: int) -> str:
    """The identifier characters just before a secret word ("next_page_" of next_page_token)."""
    i = start
    while i > 0 and start - i < 40 and (text[i - 1].isalnum() or text[i - 1] in "_-."):
        i -= 1
    return text[i:start]


def _line(text: str, start: int, end: int) -> str:
    a = text.rfind("\n", 0, start) + 1
    b = text.find("\n", end)
    return text[a : b if b >= 0 else len(text)]


def _group_value(m: re.Match[str]) -> tuple[str, int, int, bool] | None:
    groups = m.groupdict()
    for g in ("dq", "sq", "bq"):
        if groups.get(g) is not None:
            s = m.start(g)
            v = m.group(g).rstrip("\\")
            return v, s, s + len(v), True
    if groups.get("bare") is not None:
        s = m.start("bare")
        v = m.group("bare")
        # An unquoted value ends before an escaped newline or quote ("TOKEN=x\nNEXT=y" in JSON)
        # and before punctuation that closes the statement.
        cut = re.search(r"\\[nrt\"']", v)
        if cut:
            v = v[: cut.start()]
        v = v.rstrip(",;")
        for opener, closer in ("()", "[]", "{}"):
            while v.endswith(closer) and v.count(closer) > v.count(opener):
                v = v[:-1].rstrip(",;")
        if v.endswith(".") and not v.endswith(".."):
            v = v[:-1]
        return v, s, s + len(v), False
    return None


class CredentialAssignmentRecognizer(GuardRecognizer):
    ENTITIES = ("PASSWORD", "API_KEY")

    def analyze(self, text: str, entities: list[str], nlp_artifacts: Any = None) -> list[RecognizerResult]:
        wanted = set(entities) if entities else set(self.ENTITIES)
        results: list[RecognizerResult] = []
        taken: list[tuple[int, int]] = []
        for entity, start, end, score in self._findings(text):
            if entity not in wanted or any(a < end and start < b for a, b in taken):
                continue
            taken.append((start, end))
            results.append(self.result(entity, start, end, score))
        return results

    def _findings(self, text: str) -> Iterator[tuple[str, int, int, float]]:
        # Each form runs only on text holding the literal it needs: most chat text has none.
        low = text.lower()
        named = any(w in low for w in _GATE_WORDS)
        if named:
            yield from self._assignments(text)
            if "==" in text or "!=" in text:
                yield from self._reversed(text)
        if "-u" in text or "--user" in text or "-U" in text or "--proxy-user" in text:
            yield from self._user_flags(text)
        if named and "-" in text:
            yield from self._flags(text)
        if "-p" in text:
            yield from self._mysql(text)
        if "identified" in low:
            for m in _IDENTIFIED_BY.finditer(text):
                found = _group_value(m)
                if found and is_password_value(found[0], True):
                    yield "PASSWORD", found[1], found[2], 0.9
        if named:
            yield from self._nearby_runs(text)
        if "secret" in low and "kind" in low and _K8S_SECRET.search(text):
            yield from self._k8s_secret(text)

    def _kind(self, text: str, m: re.Match[str]) -> str | None:
        """PASSWORD or API_KEY for the name around a secret word, None when the name only
        describes a secret."""
        word, rest = m.group("word"), m.group("rest")
        suffix = _pieces(rest)
        if suffix and suffix[-1] in _DESCRIBING_SUFFIX:
            return None
        before = _pieces(_name_before(text, m.start("word")))
        if before and before[-1] in _DESCRIBING_PREFIX:
            return None
        return "PASSWORD" if _PASSWORD_RE.fullmatch(word) else "API_KEY"

    def _assignments(self, text: str) -> Iterator[tuple[str, int, int, float]]:
        pos = 0
        while True:
            m = _ASSIGNMENT.search(text, pos)
            if m is None:
                return
            # A rejected match may hide the real name in its value (`key="ClearTextPassword"
            # value="..."`): search on from just after the word.
            pos = m.end("word")
            found = self._assignment(text, m)
            if found is not None:
                pos = found[2]
                yield found

    def _assignment(self, text: str, m: re.Match[str]) -> tuple[str, int, int, float] | None:
        kind = self._kind(text, m)
        if kind is None:
            return None
        op = m.group("op").strip()
        found = _group_value(m)
        if found is None:
            return None
        value, start, end, quoted = found
        scheme = _SCHEME.match(value)
        if scheme:  # "Authorization": "Bearer ..."
            value, start = value[scheme.end() :], start + scheme.end()
        if kind == "API_KEY" and not quoted:
            # Tokens hold no separators; minified code does (`o.haKey=!1,o.next=...`).
            value = re.split(r"[,;]", value, maxsplit=1)[0]
            end = start + len(value)
        # Operators that need more than whitespace: a comma only between quoted arguments
        # (setProperty("X_TOKEN", "...")), nothing at all only before a quoted value
        # (SQL `PASSWORD 'x'`) or in an XML element (<apiToken>...</apiToken>).
        if op == "," and not (m.group("close") and quoted):
            return None
        if op == "" and not quoted:
            return None
        if op == ">" and not self._in_element(text, m):
            return None
        line = _line(text, start, end)
        if kind == "PASSWORD" and not (m.group("scheme") or scheme):
            if is_password_value(value, quoted, line):
                return "PASSWORD", start, end, 0.85
        elif is_token_value(value, line):
            return "API_KEY", start, end, 0.85
        return None

    @staticmethod
    def _in_element(text: str, m: re.Match[str]) -> bool:
        """`<apiToken>value</apiToken>`: the name opened an element."""
        i = m.start("word")
        while i > 0 and (text[i - 1].isalnum() or text[i - 1] in "_-.:"):
            i -= 1
        return i > 0 and text[i - 1] == "<"

    def _reversed(self, text: str) -> Iterator[tuple[str, int, int, float]]:
        for m in _REVERSED.finditer(text):
            value = m.group("value")
            start, end = m.span("value")
            kind = self._kind_of_word(m.group("word"))
            line = _line(text, start, end)
            if kind == "PASSWORD" and is_password_value(value, True, line):
                yield "PASSWORD", start, end, 0.85
            elif kind == "API_KEY" and is_token_value(value, line):
                yield "API_KEY", start, end, 0.85

    @staticmethod
    def _kind_of_word(word: str) -> str:
        return "PASSWORD" if _PASSWORD_RE.fullmatch(word) else "API_KEY"

    def _user_flags(self, text: str) -> Iterator[tuple[str, int, int, float]]:
        for m in _USER_FLAG.finditer(text):
            raw = m.group("cred")
            base = m.start("cred")
            user, sep, password = raw.partition(":")
            if not sep:
                continue
            if raw[:1] in "<[" or raw[1:2] in "<[":  # -u <user:password>, [USER]:[PASS]
                continue
            strip = "\"'{}[]<> "
            pw = password.strip(strip)
            if pw:
                offset = base + len(user) + 1 + password.index(pw)
                if is_password_value(pw, True, "") and not is_placeholder(pw):
                    yield "PASSWORD", offset, offset + len(pw), 0.9
                continue
            # `-u sk_live_...:` (an API key as the user name, an empty password)
            key = user.strip(strip)
            if key and (is_token_value(key) or _user_key(key)):
                offset = base + raw.index(key)
                yield "API_KEY", offset, offset + len(key), 0.9

    def _flags(self, text: str) -> Iterator[tuple[str, int, int, float]]:
        for m in _FLAG.finditer(text):
            name = m.group("name")
            if not _FLAG_WORDS.search(name):
                continue
            if _pieces(name) and _pieces(name)[-1] in _DESCRIBING_SUFFIX:
                continue
            found = _group_value(m)
            if found is None:
                continue
            value, start, end, quoted = found
            password = bool(_PASSWORD_RE.search(name)) and not re.search(r"(?i)token|secret|key", name)
            if password and is_password_value(value, quoted, _line(text, start, end)):
                # `--password-file /path`, `--password-stdin` have their own suffix or no value.
                yield "PASSWORD", start, end, 0.85
            elif not password and is_token_value(value, _line(text, start, end)):
                yield "API_KEY", start, end, 0.85

    def _mysql(self, text: str) -> Iterator[tuple[str, int, int, float]]:
        for m in _MYSQL_P.finditer(text):
            found = _group_value(m)
            if found is None:
                continue
            value, start, end, _quoted = found
            if not re.fullmatch(r"\d+(?::\d+)*", value) and is_password_value(value, True):
                yield "PASSWORD", start, end, 0.85

    def _k8s_secret(self, text: str) -> Iterator[tuple[str, int, int, float]]:
        for m in _K8S_VALUE.finditer(text):
            value = m.group("v")
            try:
                base64.b64decode(value + "=" * (-len(value) % 4), validate=True)
            except (binascii.Error, ValueError):
                continue
            if not is_placeholder(value):
                yield "API_KEY", m.start("v"), m.end("v"), 0.85

    def _nearby_runs(self, text: str) -> Iterator[tuple[str, int, int, float]]:
        """A high-entropy run within a few characters after a secret word, on its line."""
        for m in _NAME_RE.finditer(text):
            if self._kind(text, m) is None:
                continue
            end = m.end()
            line_end = text.find("\n", end)
            line_end = line_end if line_end >= 0 else len(text)
            # A run must start within 48 characters; runs are at most 512 long.
            for r in _RUN.finditer(text, end, min(line_end, end + 48 + 512)):
                if r.start() > end + 48 or _GAP_STOP.search(text, end, r.start()):
                    # Only words may stand between: not the sentence's end, not a value of
                    # its own ("密码Z06fK7QeB5VR ... md5：d0cb4b11..." keeps the checksum).
                    break
                value = r.group().strip(".:|=")
                if re.match(r"(?i)^(?:https?|ftp)://", value) or "://" in value:
                    continue
                if is_uuid(value) or is_reference(value) or _HOST.fullmatch(value):
                    continue
                if looks_random(value, min_length=20):
                    start = r.start() + r.group().index(value)
                    yield "API_KEY", start, start + len(value), 0.75
                    break
