"""guard.yaml: defaults, overrides from the environment, clear errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from guard.config import load_config, upstream_env_name
from guard.detect import Detector
from guard.errors import ConfigError


def test_defaults_name_the_five_vendors() -> None:
    cfg = load_config(env={})
    assert cfg.host == "127.0.0.1" and cfg.port == 8787
    assert cfg.vendors["qwen"].upstream == "https://dashscope-intl.aliyuncs.com/compatible-mode/v1"
    assert cfg.vendors["qwen-cn"].upstream == "https://dashscope.aliyuncs.com/compatible-mode/v1"
    assert cfg.vendors["kimi"].upstream == "https://api.moonshot.ai/v1"
    assert cfg.vendors["kimi-cn"].upstream == "https://api.moonshot.cn/v1"
    assert cfg.vendors["qwen-local"].upstream == "http://127.0.0.1:8000/v1"
    assert cfg.vendors["qwen-cn"].policy.endswith("policies/qwen.yaml")


def test_environment_overrides_upstream() -> None:
    assert upstream_env_name("kimi-cn") == "GUARD_UPSTREAM_KIMI_CN"
    cfg = load_config(env={"GUARD_UPSTREAM_KIMI_CN": "http://127.0.0.1:9999/v1/"})
    assert cfg.vendors["kimi-cn"].upstream == "http://127.0.0.1:9999/v1"
    with pytest.raises(ConfigError, match="GUARD_UPSTREAM_QWEN"):
        load_config(env={"GUARD_UPSTREAM_QWEN": "ftp://x"})


def test_config_file_paths_are_relative_to_the_file(tmp_path: Path) -> None:
    (tmp_path / "guard.yaml").write_text(
        "port: 9000\naudit: {path: trail/a.db}\nvendors:\n  mine:\n    upstream: http://127.0.0.1:1/v1\n"
        "    policy: p.yaml\n"
    )
    cfg = load_config(tmp_path / "guard.yaml", env={})
    assert cfg.port == 9000 and list(cfg.vendors) == ["mine"]
    assert cfg.vendors["mine"].policy == str(tmp_path / "p.yaml")
    assert cfg.audit.path == str(tmp_path / "trail/a.db")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("port: 99999\n", "port"),
        (
            "vendors:\n  kimi:\n    upstream: moonshot\n    policy: p.yaml\n",
            "vendors.kimi.upstream",
        ),
        ("vendors:\n  'a b':\n    upstream: http://x\n    policy: p.yaml\n", "may only hold"),
        ("listen: 1\n", "listen"),
    ],
)
def test_bad_config_is_reported(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "guard.yaml"
    path.write_text(text)
    with pytest.raises(ConfigError, match=message):
        load_config(path, env={})


def test_missing_spacy_model_stops_start_up_without_download() -> None:
    with pytest.raises(ConfigError, match="not installed"):
        Detector("xx_no_such_model_sm")


def test_anthropic_and_native_upstreams() -> None:
    cfg = load_config(env={})
    v = cfg.vendors
    assert v["kimi"].anthropic_upstream == "https://api.moonshot.ai/anthropic"
    assert v["kimi-cn"].anthropic_upstream == "https://api.moonshot.cn/anthropic"
    assert v["qwen"].anthropic_upstream == "https://dashscope-intl.aliyuncs.com/apps/anthropic"
    assert v["qwen-cn"].anthropic_upstream == "https://dashscope.aliyuncs.com/apps/anthropic"
    assert v["qwen"].native_upstream == "https://dashscope-intl.aliyuncs.com/api/v1"
    assert v["qwen-cn"].native_upstream == "https://dashscope.aliyuncs.com/api/v1"
    # Moonshot has no DashScope-native API; a self-hosted Qwen has neither.
    assert v["kimi"].native_upstream is None and v["kimi-cn"].native_upstream is None
    assert v["qwen-local"].anthropic_upstream is None and v["qwen-local"].native_upstream is None
    assert upstream_env_name("kimi-cn", "anthropic_upstream") == "GUARD_UPSTREAM_KIMI_CN_ANTHROPIC"
    env = {
        "GUARD_UPSTREAM_KIMI_CN_ANTHROPIC": "http://127.0.0.1:9999/anthropic/",
        "GUARD_UPSTREAM_QWEN_NATIVE": "https://ws-1.ap-southeast-1.maas.aliyuncs.com/api/v1",
        "GUARD_UPSTREAM_QWEN_LOCAL_ANTHROPIC": "http://127.0.0.1:8000",
    }
    v = load_config(env=env).vendors
    assert v["kimi-cn"].anthropic_upstream == "http://127.0.0.1:9999/anthropic"
    assert v["kimi-cn"].upstream == "https://api.moonshot.cn/v1"  # the others stay
    assert v["qwen"].native_upstream == "https://ws-1.ap-southeast-1.maas.aliyuncs.com/api/v1"
    assert v["qwen-local"].anthropic_upstream == "http://127.0.0.1:8000"
    with pytest.raises(ConfigError, match="GUARD_UPSTREAM_QWEN_NATIVE"):
        load_config(env={"GUARD_UPSTREAM_QWEN_NATIVE": "dashscope.aliyuncs.com"})
