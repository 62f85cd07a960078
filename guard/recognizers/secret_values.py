"""Is this value a credential, or a placeholder, a reference, a word or a piece of code?

Every secret recognizer asks the same questions of what it matched, so they are answered once
here. The heuristics that detect-secrets ships for its own scanner (sequential strings,
templated values, indirect references) are used as they are; the rest is what a chat adds:
people paste documentation (`<your-key>`, `sk-xxxx`, `changeme`), configs that point elsewhere
(`${DB_PASSWORD}`, `os.environ["TOKEN"]`, `{{ secrets.NPM_TOKEN }}`) and code that handles
secrets without holding one (`token = self._next_token()`, `password: str`).
"""

from __future__ import annotations

import math
import re
from collections import Counter

from detect_secrets.filters.heuristic import (
    is_indirect_reference,
    is_sequential_string,
    is_templated_secret,
)

# Values that stand for a secret in documentation and templates (compared lower-cased, with
# separators removed: "change-me", "change_me" and "CHANGEME" are one entry).
_PLACEHOLDER_WORDS = frozenset(
    {
        "none",
        "null",
        "nil",
        "undefined",
        "true",
        "false",
        "yes",
        "no",
        "required",
        "optional",
        "string",
        "str",
        "changeme",
        "changethis",
        "changeit",
        "replaceme",
        "replacethis",
        "todo",
        "fixme",
        "tbd",
        "secret",
        "secrets",
        "password",
        "passwd",
        "passphrase",
        "token",
        "apikey",
        "yourapikey",
        "yourtoken",
        "yourpassword",
        "yoursecret",
        "mypassword",
        "mysecret",
        "mytoken",
        "example",
        "sample",
        "dummy",
        "placeholder",
        "redacted",
        "removed",
        "hidden",
        "masked",
        "notset",
        "unset",
        "empty",
        "default",
        "test",
        "testing",
        "foo",
        "bar",
        "foobar",
        "baz",
        "xxx",
        "value",
        "key",
        "pass",
        "pwd",
        "bearer",
        "basic",
        "env",
    }
)
# Words that mark a documentation value wherever they appear in it ("sk-your-key-here",
# "<INSERT_TOKEN>", "AKIA...EXAMPLE" is not here: that one is the format's own documented key).
_PLACEHOLDER_PARTS = re.compile(
    r"(?i)your[_\-\s]?(?:own[_\-\s]?)?(?:api|key|token|secret|pass|access|client|app|auth)"
    r"|(?:api|key|token|secret|password)[_\-\s]?here|replace[_\-\s]?(?:me|with|this)|insert[_\-\s]"
    r"|placeholder|redacted|changeme|change[_\-]me|xxxx|\*\*\*|\.\.\.|…|<[a-z_\- ]+>"
)
# A value that refers to a secret kept elsewhere: environment and secret-store references in
# every syntax a config, a CI file or a program uses.
_REFERENCE = re.compile(
    r"""(?ix)
    ^(?:
        \$\{?[A-Za-z_][\w.\-:]*\}?             # $VAR ${VAR} ${VAR:-x}
      | \$\(\s*[\w\-]                          # $(command ...)
      | %[A-Za-z_][\w]*%                       # %VAR%
      | \{\{.*\}\}                             # {{ secrets.X }} {{ .Values.x }}
      | \{%.*%\}
      | <%.*%>
      | \#\{.*\}                               # Ruby interpolation
      | @\w+@                                  # Maven/Gradle @token@
      | (?:os\.)?environ\b | os\.getenv | getenv\b | env\(  | ENV\[ | process\.env\b
      | System\.getenv | Environment\.GetEnvironmentVariable | import\.meta\.env
      | (?:secrets|vars|env|inputs|steps|needs)\.\w   # GitHub Actions contexts
      | vault:|ssm:|arn:aws:|secretsmanager:|keyvault:|op://|sops:
      | !(?:Ref|Sub|GetAtt|ImportValue|vault)\b
      | file:|@/|/run/secrets/|/etc/|~/|\./|\.\./
    )
    """
)
# Code rather than a literal: a call, a subscript, a member chain, an operator expression.
_CODE = re.compile(
    r"""(?x)
    ^(?:new\s+|await\s+|await\(|lambda\b|function\b|\(\s*\)\s*=>|sizeof\b|typeof\b)
    | ^[A-Za-z_$][\w$]*(?:(?:\.|::|->)[A-Za-z_$][\w$]*)*\s*[(\[]   # get_token() cfg["k"]
    | ^(?:self|this|cls|ctx|args|opts|options|config|cfg|settings|params|request|req|env)
      (?:\.|->|\[)
    | ^[A-Za-z_$][\w$]*(?:(?:\.|::|->)[A-Za-z_$][\w$]*)+$            # settings.SECRET_KEY
    """
)
# Type names after a colon: `password: str`, `token: Optional[str] = None`, `secret: string;`.
_TYPES = frozenset(
    {
        "str",
        "string",
        "bytes",
        "int",
        "bool",
        "any",
        "object",
        "char",
        "secretstr",
        "secretbytes",
        "optional",
        "list",
        "dict",
        "text",
        "varchar",
        "number",
        "boolean",
        "securestring",
    }
)
_REPEATS = re.compile(r"(.)\1{5,}|(..+?)\2{3,}|(?i:example){2,}")
# A regular expression, not a value: `r'([0-9a-f]{64})'`, `"^\\d{4}$"`.
_REGEX_SYNTAX = re.compile(r"\[[^\]]{1,20}\][{*+?]|\\[dwsSbB][*+?{]|\(\?[:=!<P]")
_SEPARATORS = re.compile(r"[/._\-:~|+=%\s,;@]+")
_UUID = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")
_WORDS_ONLY = re.compile(r"^[A-Za-z]+(?:[ _\-.][A-Za-z]+)*$")
_CAMEL_PIECES = re.compile(r"[A-Z]?[a-z]+|[A-Z]+(?![a-z])|\d+")


def entropy(value: str) -> float:
    """Shannon entropy in bits per character."""
    if not value:
        return 0.0
    counts = Counter(value)
    n = len(value)
    return -sum(c / n * math.log2(c / n) for c in counts.values())


def is_placeholder(value: str) -> bool:
    """A stand-in for a secret: documentation, template, masked or repeated characters."""
    v = value.strip()
    if len(v) < 2 or is_templated_secret(v) or v.startswith("<"):
        return True
    # "aaaaaaaa" inside a key, "123123123123", "EXAMPLEEXAMPLE": typed, not generated (a
    # vendor's fixed padding, such as the A's that open a Twitter bearer token, is a minority).
    if sum(len(m.group()) for m in _REPEATS.finditer(v)) * 10 >= len(v) * 4:
        return True
    squashed = re.sub(r"[\s_\-.]", "", v).lower()
    if squashed in _PLACEHOLDER_WORDS or squashed.strip("0123456789!") in _PLACEHOLDER_WORDS:
        return True
    if _PLACEHOLDER_PARTS.search(v):
        return True
    # "********", "xxxxxxxxxxxxxxxx", "0000000000": one or two characters over and over.
    if len(set(squashed)) <= 2:
        return True
    # "abcdefgh", "12345678", "ABCDEF0123".
    return len(squashed) >= 6 and is_sequential_string(squashed)


def is_reference(value: str, line: str = "") -> bool:
    """The value points at a secret kept elsewhere (an environment variable, a secret store,
    a file), or is code that computes it."""
    v = value.strip()
    if _REFERENCE.match(v) or _REGEX_SYNTAX.search(v):
        return True
    if _CODE.search(v) and not _has_random_run(v):
        return True
    # detect-secrets' own check for `secret = get_secret_key()` / `request.headers['apikey']`.
    return bool(line) and v in line and is_indirect_reference(line) and not _has_random_run(v)


def is_type_name(value: str) -> bool:
    v = value.strip().rstrip(";,").lower()
    return v in _TYPES or v.split("[", 1)[0] in _TYPES


def is_word_like(value: str) -> bool:
    """Made of words only: an identifier or a phrase (`new_token`, `getPassword`, `my secret`),
    not something a machine generated."""
    if not _WORDS_ONLY.match(value):
        return False
    pieces = _CAMEL_PIECES.findall(value)
    # Random letters split into many one- and two-letter pieces ("TgetqCjAQiRRjO"); words do not.
    short = sum(1 for p in pieces if len(p) <= 2)
    return short * 3 <= len(pieces)


def _has_random_run(value: str) -> bool:
    return any(looks_random(m) for m in re.findall(r"[A-Za-z0-9+/_\-=]{16,}", value))


def looks_random(value: str, min_length: int = 16) -> bool:
    """A machine-generated token: long enough, letters and digits mixed, high entropy.

    Hex strings need more length (a 32-hex secret has entropy about 3.7; a word padded with
    digits less). Word-made identifiers, UUIDs, versions and repeated characters are not random.
    """
    v = value.strip()
    if len(v) < min_length or is_placeholder(v):
        return False
    if is_word_like(v):
        return False
    # Some stretch of 8+ characters between separators must itself be neither words nor a
    # number: "user/123/profile.png" and "api.example.com:8443" have none.
    if not any(len(seg) >= 8 and not seg.isdigit() and not is_word_like(seg) for seg in _SEPARATORS.split(v)):
        return False
    letters = sum(c.isalpha() for c in v)
    digits = sum(c.isdigit() for c in v)
    upper = sum(c.isupper() for c in v)
    lower = sum(c.islower() for c in v)
    if letters == 0:
        return False
    h = entropy(v)
    if re.fullmatch(r"[0-9a-fA-F\-]+", v):
        return digits > 0 and h >= min(3.0, 1.0 + math.log2(len(v)) * 0.45)
    mixed = (digits > 0) + (upper > 0) + (lower > 0) + any(not c.isalnum() for c in v)
    if mixed < 2:
        return False
    # Generated strings break into short pieces at every change of case or class
    # ("TgetqCjAQiRRjO" -> Tgetq, Cj, AQi, R, Rj, O); names and paths into words
    # ("user/123/profile.png", "getUserProfileV2").
    # Only mixed case says anything here: a lower-case token ("kqjwbkaiivir672ajvc4y") has long
    # letter runs as any random string over 36 characters does.
    pieces = _CAMEL_PIECES.findall(v)
    if upper and lower and pieces and sum(map(len, pieces)) / len(pieces) > 4.0:
        return False
    # Shorter strings cannot reach the entropy of long ones; scale the bar with the length.
    return h >= min(3.5, 1.5 + math.log2(len(v)) * 0.45)


def is_uuid(value: str) -> bool:
    return bool(_UUID.match(value.strip()))


def is_password_value(value: str, quoted: bool, line: str = "") -> bool:
    """A value written after a password label is the password unless it is a placeholder, a
    reference, a type, code, or (unquoted) a bare identifier such as `password = pwd`."""
    v = value.strip()
    if len(v) < 4 or len(v) > 200:
        return False
    if is_placeholder(v) or is_reference(v, line) or is_type_name(v):
        return False
    if not quoted and is_word_like(v):
        return False
    # A URL or path is where the password is kept (or a login page), not the password.
    return not re.match(r"(?i)^(?:https?|ftp|file)://", v)


def is_token_value(value: str, line: str = "", min_length: int = 8) -> bool:
    """A value written after a key/token/secret label is a credential when it looks generated.
    A UUID counts there (Heroku, Snyk and others issue UUID keys); alone it would not."""
    v = value.strip()
    if len(v) < min_length or len(v) > 4096:
        return False
    if is_placeholder(v) or is_reference(v, line) or is_type_name(v):
        return False
    if re.match(r"(?i)^(?:https?|ftp|file|s3|gs)://", v) and "@" not in v:
        return False
    if is_uuid(v):
        return True
    if v.isdigit():
        return False
    return looks_random(v, min_length=16) or (min_length < 16 and _short_token(v))


def _short_token(v: str) -> bool:
    """8-15 characters: letters and digits mixed, not a word with a number ("password1")."""
    if not 8 <= len(v) < 16 or not re.fullmatch(r"[A-Za-z0-9_\-]+", v):
        return False
    has_digit = any(c.isdigit() for c in v)
    has_alpha = any(c.isalpha() for c in v)
    if not (has_digit and has_alpha):
        return False
    # Words with a number appended or prepended ("version2", "v1beta3", "2fa_code").
    return not re.fullmatch(r"[A-Za-z_\-]+\d{1,4}|\d{1,4}[A-Za-z_\-]+|v\d+[a-z]+\d*", v) and entropy(v) >= 2.8


def is_documentation_token(value: str) -> bool:
    """A vendor-shaped token that documentation or code wrote by hand: the format's prefix with
    a placeholder or words after it ("ghp_xxxx...", "xoxb-my-bot-token", "hf_requiredTypes")."""
    if is_placeholder(value):
        return True
    # Short groups ("A3-ASWWYB-798JRY-LJVD4-..."): judge the characters together.
    if looks_random(re.sub(r"[^A-Za-z0-9]", "", value)):
        return False
    parts = [p for p in re.split(r"[_\-.~:|/]+", value) if p]
    if parts and is_word_like(max(parts, key=len)):
        return True
    return not any(
        len(p) >= 8 and not is_word_like(p) and not is_placeholder(p) for p in parts
    ) and not looks_random(value)
