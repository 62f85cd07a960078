"""The sample config and the embeddings policy in examples/ (shown in the README) load, pass
`guard policy check --strict`, and do what the README says of them."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import openai
import pytest

from guard.config import GuardConfig, VendorConfig, load_config
from guard.detect import Detector
from guard.policy import load_policy, policy_warnings
from tests.harness import FakeUpstream, GuardServer

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"


def test_the_readme_shows_the_examples_as_they_are() -> None:
    readme = (ROOT / "README.md").read_text()
    for name in ("guard.yaml", "policies/qwen-embeddings.yaml"):
        assert (EXAMPLES / name).read_text() in readme, name


def test_the_sample_config_loads_and_its_policies_have_no_warnings() -> None:
    cfg = load_config(EXAMPLES / "guard.yaml", env={})
    assert list(cfg.vendors) == ["kimi", "qwen", "qwen-embed"]
    assert cfg.audit.path == str(EXAMPLES / "audit" / "audit.db")
    for name, vc in cfg.vendors.items():
        policy = load_policy(vc.policy)
        assert policy_warnings(policy, [name], list(cfg.vendors)) == [], name


@pytest.fixture
def guard(tmp_path: Path, detector: Detector, fake_upstream: FakeUpstream) -> Iterator[GuardServer]:
    def add_embed(cfg: GuardConfig) -> None:
        cfg.vendors["qwen-embed"] = VendorConfig(
            upstream=fake_upstream.base_url,
            policy=str(EXAMPLES / "policies" / "qwen-embeddings.yaml"),
            error_style="dashscope",
        )

    server = GuardServer(tmp_path, fake_upstream.base_url, detector, add_embed)
    yield server
    server.close()


def test_hash_keeps_a_person_equal_across_embedding_requests(
    guard: GuardServer, fake_upstream: FakeUpstream
) -> None:
    docs = [
        "Maria Gonzalez signed the lease in March.",
        "John Miller and Maria Gonzalez share the flat.",
    ]
    query = "Where does Maria Gonzalez live?"
    seen: dict[str, list[str]] = {}
    for vendor in ("qwen", "qwen-embed"):
        c = openai.OpenAI(base_url=guard.base_url(vendor), api_key="sk-test", max_retries=0)
        # Documents one request each (as batches and later ingestion runs are), then a query.
        for text in [*docs, query]:
            c.embeddings.create(model="text-embedding-v4", input=[text])
        seen[vendor] = [r.json["input"][0] for r in fake_upstream.received[-3:]]
    for texts in seen.values():
        assert not any("Maria" in t or "Gonzalez" in t for t in texts)
    # Pseudonyms are numbered per request: Maria is <PERSON_1> in one text, <PERSON_2> in another.
    numbered = [re.findall(r"<PERSON_\d+>", t) for t in seen["qwen"]]
    assert numbered[0] == ["<PERSON_1>"] and numbered[1] == ["<PERSON_1>", "<PERSON_2>"]
    # A keyed hash is the same token in every request.
    hashed = [re.findall(r"\[PERSON:[0-9a-f]{12}\]", t) for t in seen["qwen-embed"]]
    maria = hashed[0][0]
    assert maria == hashed[1][1] == hashed[2][0] and hashed[1][0] != maria
