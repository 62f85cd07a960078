"""guard finds its shipped policies and its audit trail wherever it is started from, and an
installed wheel carries the policies."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tomllib
import zipfile
from pathlib import Path

import openai

from guard.config import load_config, shipped_policies_dir
from tests.harness import FakeUpstream, closed_port
from tests.test_serve_cli import _wait_healthy

ROOT = Path(__file__).resolve().parent.parent


def _guard(*args: str, cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "guard", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_every_package_folder_is_listed_for_the_wheel() -> None:
    listed = set(tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]["packages"])
    on_disk = {
        ".".join(d.relative_to(ROOT).parts)
        for d in [ROOT / "guard", *(ROOT / "guard").rglob("*")]
        if d.is_dir() and d.name != "__pycache__" and any(f.is_file() for f in d.iterdir())
    }
    assert on_disk <= listed
    assert "guard.policies" in listed


def test_the_default_config_uses_the_shipped_policies_and_a_data_dir(tmp_path: Path) -> None:
    cfg = load_config(env={})
    assert Path(cfg.vendors["kimi"].policy) == shipped_policies_dir() / "kimi.yaml"
    assert Path(cfg.vendors["kimi"].policy).is_file()
    # GUARD_DATA_DIR is set for every test (conftest): the default trail lives there.
    assert Path(cfg.audit.path) == Path(os.environ["GUARD_DATA_DIR"]).resolve() / "audit.db"
    # A config file may name a shipped policy from any folder.
    (tmp_path / "guard.yaml").write_text(
        "vendors:\n  mine:\n    upstream: http://127.0.0.1:1/v1\n    policy: shipped:qwen.yaml\n"
    )
    mine = load_config(tmp_path / "guard.yaml", env={}).vendors["mine"]
    assert Path(mine.policy) == shipped_policies_dir() / "qwen.yaml"


def test_a_built_wheel_carries_the_shipped_policies(tmp_path: Path) -> None:
    out = tmp_path / "wheel"
    # Built from a copy, so the build leaves nothing in the repository.
    src = tmp_path / "src"
    files = subprocess.run(
        ["git", "-C", str(ROOT), "ls-files", "pyproject.toml", "README.md", "guard", "policies"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.split()
    for f in files:
        (src / f).parent.mkdir(parents=True, exist_ok=True)
        (src / f).write_bytes((ROOT / f).read_bytes())
    pip_wheel = [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q"]
    subprocess.run(
        [*pip_wheel, "-w", str(out), str(src)],
        check=True,
        capture_output=True,
        timeout=300,
    )
    (wheel,) = out.glob("guard-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    for policy in ("kimi.yaml", "qwen.yaml", "qwen-local.yaml"):
        assert f"guard/policies/{policy}" in names
    site = tmp_path / "site"
    zipfile.ZipFile(wheel).extractall(site)
    # The installed package, from a folder with no policies/ anywhere near it.
    code = (
        "import json, guard; from guard.config import load_config; from guard.policy import load_policy;"
        "c = load_config(env={});"
        "print(json.dumps([guard.__file__, [load_policy(v.policy).vendor for v in c.vendors.values()],"
        " c.vendors['kimi'].policy]))"
    )
    env = {**os.environ, "PYTHONPATH": str(site)}
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    package_file, vendors, kimi = json.loads(done.stdout)
    assert package_file.startswith(str(site))
    assert vendors == ["qwen", "qwen", "kimi", "kimi", "qwen-local"]
    assert kimi == str(site / "guard" / "policies" / "kimi.yaml")


def test_serve_audit_scan_and_check_work_from_any_directory(
    tmp_path: Path, fake_upstream: FakeUpstream
) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    data = tmp_path / "data"
    env = {
        **os.environ,
        "GUARD_DATA_DIR": str(data),
        "GUARD_UPSTREAM_KIMI": fake_upstream.base_url,
    }
    port = closed_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "guard", "serve", "--port", str(port)],
        cwd=elsewhere,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        _wait_healthy(f"http://127.0.0.1:{port}/healthz", proc, seconds=180)  # a shared machine
        client = openai.OpenAI(base_url=f"http://127.0.0.1:{port}/kimi/v1", api_key="sk-x", max_retries=0)
        fake_upstream.reply = "ok"
        client.chat.completions.create(
            model="m", messages=[{"role": "user", "content": "Call Maria Gonzalez today"}]
        )
        assert "Maria" not in fake_upstream.received[0].body.decode()
    finally:
        proc.terminate()
        proc.wait(30)
    assert (data / "audit.db").is_file() and (data / "audit.key").is_file()

    another = tmp_path / "another"
    another.mkdir()
    audit = _guard("audit", "--jsonl", cwd=another, env=env)
    assert audit.returncode == 0, audit.stderr
    rows = [json.loads(line) for line in audit.stdout.splitlines()]
    assert [r["vendor"] for r in rows] == ["kimi"]
    assert rows[0]["findings"][0]["entity_type"] == "PERSON"

    check = _guard("policy", "check", "--strict", cwd=another, env=env)
    assert check.returncode == 0, check.stdout + check.stderr
    assert "kimi.yaml" in check.stdout and "qwen-local.yaml" in check.stdout
