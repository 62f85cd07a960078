"""`guard scan`: the dry run a security team uses to try a policy on a text."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

import guard.detect
from guard.cli import main
from guard.detect import Detector

TEXT = "Send the contract to Maria Gonzalez, maria.gonzalez@example.com, IBAN DE89 3704 0044 0532 0130 00."


@pytest.fixture(autouse=True)
def _shared_detector(detector: Detector, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    # The CLI builds a Detector; hand it the session's instead of loading spaCy again.
    monkeypatch.setattr(guard.detect, "Detector", lambda *a, **k: detector)
    # From a folder with no policies/ in it: the shipped policies are found all the same.
    monkeypatch.chdir(tmp_path)


def test_scan_json_shows_placeholders_and_restores(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO(TEXT))
    code = main(["scan", "--vendor", "kimi", "--json", "--restore", "Dear <PERSON_1>, done. <PERSON_7>", "-"])
    assert code == 0
    out = json.loads(capsys.readouterr().out)
    assert out["blocked"] is None
    assert "Maria" not in out["text"] and "maria.gonzalez" not in out["text"]
    assert "<PERSON_1>" in out["text"] and "<EMAIL_ADDRESS_1>" in out["text"]
    types = {f["entity_type"]: f for f in out["findings"]}
    assert types["PERSON"]["action"] == "pseudonymize" and types["PERSON"]["category"] == "pii"
    assert types["IBAN_CODE"]["replacement"] == "<IBAN_CODE_1>"
    # Only placeholders issued for this text come back; an invented one stays as written.
    assert out["restored"] == "Dear Maria Gonzalez, done. <PERSON_7>"


def test_scan_table_and_block(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    src = tmp_path / "t.txt"
    src.write_text(TEXT)
    assert main(["scan", "--vendor", "qwen", str(src)]) == 0
    out = capsys.readouterr().out
    assert "PERSON" in out and "pseudonymize" in out and "Maria" not in out
    src.write_text("my key is sk-proj-FAKE7c2d9e1f4a6b8c0d3e5f7a9b1cQx8Lm2Nz")
    assert main(["scan", "--vendor", "kimi", str(src)]) == 0
    out = capsys.readouterr().out
    assert out.startswith("BLOCKED") and "secret" in out and "sk-proj" not in out


def test_scan_unknown_vendor(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["scan", "--vendor", "deepseek", "-"]) == 2
    assert "unknown vendor 'deepseek'" in capsys.readouterr().err
