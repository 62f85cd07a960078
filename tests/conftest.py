"""Shared fixtures. The detector loads spaCy and the lexicons (seconds): one per test session."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from guard.detect import Detector
from guard.policy import Policy, load_policy

if TYPE_CHECKING:
    from tests.harness import FakeUpstream

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(autouse=True)
def _data_dir(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    # The default audit trail and key live in the user's data directory: never the tester's.
    monkeypatch.setenv("GUARD_DATA_DIR", str(tmp_path_factory.mktemp("guard-data")))


@pytest.fixture(scope="session")
def detector() -> Detector:
    return Detector()


@pytest.fixture
def fake_upstream() -> Iterator[FakeUpstream]:
    # Imported here: the harness pulls in the whole proxy, which the recognizer tests never need.
    from tests.harness import FakeUpstream

    with FakeUpstream() as upstream:
        yield upstream


@pytest.fixture(scope="session")
def kimi_policy() -> Policy:
    return load_policy(ROOT / "policies" / "kimi.yaml")
