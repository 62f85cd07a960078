"""Credentials as users paste them into a chat: configs, .env files, curl commands, shell
history, SQL, code and logs (issue 11). Every "secret" here is fake (it says FAKE or is built
from a fixed byte pattern) but shaped like the real thing.

Positives must be found as the given type and blocked by the shipped kimi policy; negatives
(placeholders, references, checksums, identifiers, code about secrets) must not be blocked.
"""

from __future__ import annotations

import base64
import hashlib
import time
from pathlib import Path

import pytest

from guard.detect import Detector
from guard.policy import Policy, load_policy
from guard.recognizers.credential_assignment import CredentialAssignmentRecognizer
from guard.recognizers.private_key import PrivateKeyRecognizer, is_key_body
from guard.recognizers.secret_scanner import PLUGINS, SKIPPED, DetectSecretsRecognizer
from guard.scan import scan_text
from guard.transform import Transformer
from tests.conftest import ROOT
from tests.recognizer_cases import assert_found

# DER of an RSA private key starts SEQUENCE, length, INTEGER 0; a certificate starts SEQUENCE,
# length, SEQUENCE. The rest is filler, enough for a pasted line.
_FILLER = bytes(range(7, 250)) + b"FAKE-KEY-MATERIAL" * 6
_RSA_BODY = base64.b64encode(b"\x30\x82\x04\xa4\x02\x01\x00\x02\x82\x01\x01\x00" + _FILLER).decode()
_CERT_BODY = base64.b64encode(b"\x30\x82\x03\xc4\x30\x82\x02\xac\xa0\x03\x02\x01" + _FILLER).decode()
_OPENSSH_BODY = base64.b64encode(b"openssh-key-v1\x00" + _FILLER).decode()
_PEM_WRAPPED = "\n".join(_RSA_BODY[i : i + 64] for i in range(0, len(_RSA_BODY), 64))

POSITIVES: list[tuple[str, str, str]] = [
    # (text, entity, value)
    # .env files and shell
    ("DB_PASSWORD=Tr0ub4dor-FAKE-3", "PASSWORD", "Tr0ub4dor-FAKE-3"),
    ("export PGPASSWORD='FAKE pg pass 42'", "PASSWORD", "FAKE pg pass 42"),
    ("SERVICE_TOKEN=FAKE7c2d9e1f4a6b8c0d3e5f7a9b1c", "API_KEY", "FAKE7c2d9e1f4a6b8c0d3e5f7a9b1c"),
    ("SUMO_ACCESSKEY: FAKEq8Zr2Lx9Vw3Ty7Pn4Ks6Mj1Hb5Gd0", "API_KEY", "FAKEq8Zr2Lx9Vw3Ty7Pn4Ks6Mj1Hb5Gd0"),
    ("PW:FAKEdip10Gg!", "PASSWORD", "FAKEdip10Gg!"),
    # YAML, JSON, INI, TOML
    ('  password: "s3cr3t-FAKE-pw"', "PASSWORD", "s3cr3t-FAKE-pw"),
    ("api_token: 9f8e7d6c5b4a3f2e1d0c9b8a7f6e5d4c", "API_KEY", "9f8e7d6c5b4a3f2e1d0c9b8a7f6e5d4c"),
    (
        '{"client_secret": "FAKEq8Zr2Lx9Vw3Ty7Pn4Ks6Mj1Hb5Gd0", "grant_type": "client_credentials"}',
        "API_KEY",
        "FAKEq8Zr2Lx9Vw3Ty7Pn4Ks6Mj1Hb5Gd0",
    ),
    ("[database]\nhost = db.internal\npassword = Pl4in-FAKE-pass\n", "PASSWORD", "Pl4in-FAKE-pass"),
    (
        'heroku_api_key = "01234567-89ab-4def-8123-456789abcdef"',
        "API_KEY",
        "01234567-89ab-4def-8123-456789abcdef",
    ),
    (
        '{"config.ini": "APP_TOKEN=FAKE4f9c2e8a1b7d3c6e0f5a\\nDEBUG=true"}',
        "API_KEY",
        "FAKE4f9c2e8a1b7d3c6e0f5a",
    ),
    # XML attributes and elements
    ('<add key="DbPassword" value="FAKEx9!pw2024" />', "PASSWORD", "FAKEx9!pw2024"),
    (
        "<apiToken>\n  FAKE7c2d9e1f4a6b8c0d3e5f7a9b1c\n</apiToken>",
        "API_KEY",
        "FAKE7c2d9e1f4a6b8c0d3e5f7a9b1c",
    ),
    # code
    ('var apiToken string = "FAKE4f9c2e8a1b7d3c6e0f5a9b2d8c"', "API_KEY", "FAKE4f9c2e8a1b7d3c6e0f5a9b2d8c"),
    ('$authToken .= "FAKE4f9c2e8a1b7d3c6e0f5a9b2d8c";', "API_KEY", "FAKE4f9c2e8a1b7d3c6e0f5a9b2d8c"),
    (
        'System.setProperty("SERVICE_TOKEN", "FAKE4f9c2e8a1b7d3c6e0f5a9b2d8c")',
        "API_KEY",
        "FAKE4f9c2e8a1b7d3c6e0f5a9b2d8c",
    ),
    ('ETSYToken := "fk8xmp5fh6ppo84hdxbxy3hi"', "API_KEY", "fk8xmp5fh6ppo84hdxbxy3hi"),
    ('if ("FAKE-cmp-pw-99" == password) {', "PASSWORD", "FAKE-cmp-pw-99"),
    ('db_pass := "FAKE:pw;with,punct!"', "PASSWORD", "FAKE:pw;with,punct!"),
    # curl, CLI flags, docker, mysql
    (
        'curl -H "Authorization: Bearer FAKEeyAbC123dEf456GhI789jKl0" https://api.example.com/v1',
        "API_KEY",
        "FAKEeyAbC123dEf456GhI789jKl0",
    ),
    (
        'curl -H "X-Api-Key: 0f1e2d3c4b5a69788796a5b4c3d2e1f0" https://api.example.com',
        "API_KEY",
        "0f1e2d3c4b5a69788796a5b4c3d2e1f0",
    ),
    ("curl -u deploy:FAKE-p4ss-w0rd https://ci.example.com/job", "PASSWORD", "FAKE-p4ss-w0rd"),
    ("curl --user ops:'FAKE p4ss' -X PATCH https://ci.example.com", "PASSWORD", "FAKE p4ss"),
    ("curl https://api.example.com/v1/charges -u FAKEsk9x8c7v6b5n4m3:", "API_KEY", "FAKEsk9x8c7v6b5n4m3"),
    ("docker login -u bot --password FAKE-Dkr-9x7 registry.example.com", "PASSWORD", "FAKE-Dkr-9x7"),
    (
        "vault login -method=userpass -vaultToken FAKEs7Zk2Lq9Xw4Rt1Yp6Mn3Vb8",
        "API_KEY",
        "FAKEs7Zk2Lq9Xw4Rt1Yp6Mn3Vb8",
    ),
    ("mysql -h db -u root -pFAKEmy5ql app", "PASSWORD", "FAKEmy5ql"),
    # SQL
    ("CREATE USER 'app'@'%' IDENTIFIED BY 'FAKE-Sql-Pw-42';", "PASSWORD", "FAKE-Sql-Pw-42"),
    ("ALTER ROLE app WITH LOGIN PASSWORD 'FAKE-pg-Pw-7';", "PASSWORD", "FAKE-pg-Pw-7"),
    # other languages
    ("Kennwort = FAKE-Geheim-77", "PASSWORD", "FAKE-Geheim-77"),
    ("contraseña: FAKEclave#2024", "PASSWORD", "FAKEclave#2024"),
    # a high-entropy run next to a secret word, without an assignment
    (
        "my github token for CI is FAKE9f86d081884c7d659a2feaa0c55ad015, please use it",
        "API_KEY",
        "FAKE9f86d081884c7d659a2feaa0c55ad015",
    ),
    # Kubernetes Secret data
    (
        "apiVersion: v1\nkind: Secret\nmetadata:\n  name: app\ndata:\n"
        "  .dockercfg: RkFLRS1kb2NrZXItY29uZmlnLWJsb2I=\n",
        "API_KEY",
        "RkFLRS1kb2NrZXItY29uZmlnLWJsb2I=",
    ),
    # vendor prefixes (bare tokens)
    (
        "gsk_FAKE0a1b2c3d4e5f6g7h8i9j0kLmNoPqRsTuVwXyZ12",
        "API_KEY",
        "gsk_FAKE0a1b2c3d4e5f6g7h8i9j0kLmNoPqRsTuVwXyZ12",
    ),
    ("token dckr_pat_FAKE9x8c7v6b5n4m3l2k1j0h", "API_KEY", "dckr_pat_FAKE9x8c7v6b5n4m3l2k1j0h"),
    ("dapi0123456789abcdef0123456789abcdef", "API_KEY", "dapi0123456789abcdef0123456789abcdef"),
    ("VAULT hvs.FAKEc2VjcmV0LXZhdWx0LXRva2Vu9x8", "API_KEY", "hvs.FAKEc2VjcmV0LXZhdWx0LXRva2Vu9x8"),
    (
        "ntn_FAKE4564761517228wHvuYD2KAKIP6ZWv0vIiZs6V",
        "API_KEY",
        "ntn_FAKE4564761517228wHvuYD2KAKIP6ZWv0vIiZs6V",
    ),
    # detect-secrets' plugins
    (
        "webhook https://hooks.slack.com/services/TFAKE1234/BFAKE5678/FAKEa1b2c3d4e5f6g7h8i9j0",
        "API_KEY",
        "https://hooks.slack.com/services/TFAKE1234/BFAKE5678/FAKEa1b2c3d4e5f6g7h8i9j0",
    ),
    ("glrt-FAKE9x8c7v6b5n4m3l2k1j", "API_KEY", "glrt-FAKE9x8c7v6b5n4m3l2k1j"),
    ("mailchimp 0123456789abcdef0123456789abcdef-us14", "API_KEY", "0123456789abcdef0123456789abcdef-us14"),
    # private keys without armour, and JWKs
    (f"here is the key: {_RSA_BODY}", "PRIVATE_KEY", _RSA_BODY),
    (f"key body:\n{_PEM_WRAPPED}\n", "PRIVATE_KEY", _PEM_WRAPPED),
    (f"id_ed25519 contents {_OPENSSH_BODY}", "PRIVATE_KEY", _OPENSSH_BODY),
    (
        '{"kty": "EC", "crv": "P-256", "x": "f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU",'
        ' "d": "FAKEjn8iZbg3Mp0SGFQfGd8dd8KW5RoYdD1k3KYq6z0"}',
        "PRIVATE_KEY",
        "FAKEjn8iZbg3Mp0SGFQfGd8dd8KW5RoYdD1k3KYq6z0",
    ),
]

NEGATIVES: list[str] = [
    # references and templates
    'api_key = os.environ["API_KEY"]',
    "token: ${GITHUB_TOKEN}",
    "password: $DB_PASSWORD",
    "NPM_TOKEN: ${{ secrets.NPM_TOKEN }}",
    "const key = process.env.STRIPE_SECRET_KEY;",
    "password = get_password_from_vault()",
    "secret_key = settings.SECRET_KEY",
    "curl -u $USER:$PASS https://ci.example.com",
    'docker login -u bot --password "$REGISTRY_PASSWORD" registry.example.com',
    "password=$(cat /run/secrets/db_password)",
    # placeholders and documentation
    "API_KEY=<your-key>",
    'token = "xxxxxxxxxxxxxxxxxxxxxxxx"',
    "password = changeme",
    "PASSWORD=",
    'PASSWORD=""',
    "export GITHUB_TOKEN=ghp_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
    "OPENAI_API_KEY=sk-your-key-here",
    "aws_access_key_id = AKIAXXXXXXXXXXXXXXXX",
    "curl -u <user:password> https://api.example.com",
    "Authorization: Bearer <token>",
    "-----BEGIN PRIVATE KEY-----\n...\n-----END PRIVATE KEY-----",
    # names that describe a secret without holding one
    "secret_name: prod-db-credentials",
    'token_url = "https://auth.example.com/oauth/token"',
    "password_length = 16",
    "max_tokens: 4096",
    'public_key = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIFAKEFAKEFAKEFAKEFAKEFAKEFAKEFAKEFAKE"',
    '"next_page_token": "CiAKGjBpNDd2Nmp2Zml2cXRwYjBpOXA0FAKE"',
    '{"tool_call_id": "call_FAKE9x8c7v6b5n4m3l2k1j0h", "role": "tool"}',
    # checksums, commits, UUIDs, digests
    "example.com/mod v1.2.3 h1:Zk3x9Qp2Lr8Vn5Ty1Wm7Hc4Jb6Gd0Fs2Ka8Pe3Uo5Ri=",
    "git checkout 4f2a9c81d3e7b6a5f0c1d2e3f4a5b6c7d8e9f0a1",
    "request_id: 123e4567-e89b-12d3-a456-426614174000",
    "image: registry.example.com/app@sha256:9b2c4e6f8a0b1c3d5e7f9a1b3c5d7e9f0a2b4c6d8e0f1a3b5c7d9e1f3a5b7c9d",
    f"-----BEGIN CERTIFICATE-----\n{_CERT_BODY[:64]}\n-----END CERTIFICATE-----",
    f"cert body {_CERT_BODY}",
    # code and prose about secrets
    "def get_token(self) -> str:",
    "token = self._tokens[index]",
    "password: str = Field(..., min_length=12)",
    'if not api_key: raise ValueError("missing key")',
    'tokenizer = AutoTokenizer.from_pretrained("bert-base-uncased")',
    'cl_pw = r"([0-9a-f]{64})"',
    "o.keySelector=n,o.haKey=!1,o.next=null",
    "The password reset link expires in 24 hours.",
    "Press the key combination Ctrl+Shift+P to open the palette.",
    "Use a token bucket to rate-limit requests per client.",
    "密码错误，请重试",
    "Set the password field to required in the form schema.",
]


def _blocked(detector: Detector, policy: Policy, text: str) -> str | None:
    result = scan_text(text, policy, detector, Transformer(b"test-key"))
    return None if result.blocked is None else result.blocked.planned.entity_type


@pytest.mark.parametrize(("text", "entity", "value"), POSITIVES)
def test_credential_found_and_blocked(
    detector: Detector, kimi_policy: Policy, text: str, entity: str, value: str
) -> None:
    assert_found(detector, text, entity, value)
    assert _blocked(detector, kimi_policy, text) is not None


@pytest.mark.parametrize("text", NEGATIVES)
def test_no_credential_not_blocked(detector: Detector, kimi_policy: Policy, text: str) -> None:
    assert _blocked(detector, kimi_policy, text) is None


def test_key_body_by_der() -> None:
    assert is_key_body(_RSA_BODY)
    assert is_key_body(_OPENSSH_BODY)
    assert not is_key_body(_CERT_BODY)
    # a public key (SubjectPublicKeyInfo: SEQUENCE, SEQUENCE)
    assert not is_key_body(base64.b64encode(b"\x30\x82\x01\x22\x30\x0d\x06\x09" + _FILLER).decode())


def test_every_detect_secrets_plugin_is_used_or_skipped_on_purpose() -> None:
    import importlib
    import inspect
    import pkgutil

    import detect_secrets.plugins as plugins
    from detect_secrets.plugins.base import RegexBasedDetector

    found = set()
    for info in pkgutil.iter_modules(plugins.__path__):
        module = importlib.import_module(f"detect_secrets.plugins.{info.name}")
        for name, cls in inspect.getmembers(module, inspect.isclass):
            if issubclass(cls, RegexBasedDetector) and cls is not RegexBasedDetector:
                found.add(name)
    used = {cls.__name__ for cls, _ in PLUGINS}
    assert found - used - set(SKIPPED) == set(), "a detect-secrets plugin is neither used nor skipped"
    assert used <= found


@pytest.mark.parametrize(
    "text",
    [
        "AKIAZ7FAKE3XQ9W2LMNB",
        "ghp_FAKEa1b2c3d4e5f6g7h8i9j0kLmNoPqRsTuV",
        "SG.FAKEa1b2c3d4e5f6g7h8i9.FAKEa1b2c3d4e5f6g7h8i9j0kLmNoPqRsTuVwXyZ123",
        "sq0csp-FAKEa1b2c3d4e5f6g7h8i9j0kLmNoPqRsTuVwXyZ123",
        "SKfa4e0123456789abcdef0123456789ab",
        "https://acct:" + hashlib.sha256(b"fake").hexdigest() + "@acct.cloudant.com",
    ],
)
def test_detect_secrets_plugins_run_through_their_gates(text: str) -> None:
    """A plugin's literal gate lets its matches through (the gate is a necessary condition)."""
    found = DetectSecretsRecognizer().analyze(text, [])
    assert found, text


@pytest.mark.parametrize(
    "line",
    [
        "password=" + "a" * 60_000,
        "token " * 12_000,
        "key:" * 15_000,
        "api_key = '" + "x'" * 30_000,
        "-u " * 20_000 + ":",
        '"' * 40_000 + "== password",
        "MII" + "A" * 60_000 + " " + "AAAA " * 5_000,
        "identified by " * 5_000,
        "<apiToken>" + " " * 50_000,
        "secretKey" * 8_000 + "=" + "Ab1" * 10_000,
    ],
)
def test_no_catastrophic_backtracking(line: str) -> None:
    """A long adversarial line costs time linear in its length (seconds would mean backtracking;
    the bound is loose because the machine is shared)."""
    recognizers = [CredentialAssignmentRecognizer(), PrivateKeyRecognizer(), DetectSecretsRecognizer()]
    start = time.perf_counter()
    for r in recognizers:
        r.analyze(line, [])
    assert time.perf_counter() - start < 5.0


def test_a_team_can_redact_passwords_instead_of_blocking(detector: Detector, tmp_path: Path) -> None:
    """The README's loosening: PASSWORD redacted, keys found by name alone no longer count."""
    text = (ROOT / "policies" / "kimi.yaml").read_text()
    text = text.replace(
        "entities:\n",
        "entities:\n  PASSWORD: {action: redact}\n  API_KEY: {action: block, threshold: 0.9}\n",
        1,
    )
    path = tmp_path / "loose.yaml"
    path.write_text(text)
    policy = load_policy(path)
    result = scan_text("DB_PASSWORD=Tr0ub4dor-FAKE-3", policy, detector, Transformer(b"k"))
    assert result.blocked is None and "Tr0ub4dor" not in result.text
    result = scan_text("SERVICE_TOKEN=FAKE7c2d9e1f4a6b8c0d3e5f7a9b1c", policy, detector, Transformer(b"k"))
    assert result.blocked is None
    # a vendor-shaped key still blocks
    assert _blocked(detector, policy, "gsk_FAKE0a1b2c3d4e5f6g7h8i9j0kLmNoPqRsTuVwXyZ12") == "API_KEY"


@pytest.mark.parametrize(
    "text",
    [
        "log in with 密码Z06fK7QeB5VR please. The file's md5: d0cb4b119242148790b5cf51439952ff",
        "password: FAKE-pw-77; checksum 68d3ac31965b13ce1233d32be0564583922a4d930e01af30517f1675104ce8cb",
    ],
)
def test_a_checksum_after_a_password_is_not_a_key(detector: Detector, text: str) -> None:
    """A high-entropy run next to a secret word counts only when nothing but words stands
    between them: here the password has its own value, and the checksum is public."""
    checksum = text.split()[-1]
    start = text.index(checksum)
    got = [f for f in detector.analyze(text) if f.start < start + len(checksum) and start < f.end]
    assert not got, got
