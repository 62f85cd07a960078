"""Every CLI error a user can cause is one line on stderr and an exit code, never a traceback."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from guard.audit import AuditEvent, AuditFinding, AuditStore
from guard.cli import main


def _one_line(err: str) -> str:
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert "Traceback" not in err
    return lines[0]


def test_scan_of_a_missing_file(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    assert main(["scan", "--vendor", "kimi", str(tmp_path / "nonexistent")]) == 2
    line = _one_line(capsys.readouterr().err)
    assert line == f"guard: cannot read {tmp_path / 'nonexistent'}: No such file or directory"
    assert main(["scan", "--vendor", "kimi", str(tmp_path)]) == 2  # a folder
    assert "Is a directory" in _one_line(capsys.readouterr().err)


def test_scan_of_a_file_that_is_not_text(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    binary = tmp_path / "x.bin"
    binary.write_bytes(b"\xff\xfe\x00caf\xe9")
    assert main(["scan", "--vendor", "kimi", str(binary)]) == 2
    assert _one_line(capsys.readouterr().err) == f"guard: {binary} is not UTF-8 text"


def test_audit_of_a_missing_or_broken_database(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    assert main(["audit", "--db", str(tmp_path / "none.db")]) == 2
    assert "no audit database at" in _one_line(capsys.readouterr().err)
    junk = tmp_path / "junk.db"
    junk.write_bytes(b"this is not a database, not at all" * 200)
    assert main(["audit", "--db", str(junk)]) == 2
    assert "file is not a database" in _one_line(capsys.readouterr().err)


def test_policy_check_of_a_missing_file(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    assert main(["policy", "check", str(tmp_path / "nope.yaml")]) == 1
    out = capsys.readouterr().out
    assert out.startswith("FAIL") and "cannot read policy file" in out


def _closed_pipe_run(args: list[str], tmp_path: Path) -> subprocess.CompletedProcess[str]:
    """Run guard with stdout a pipe whose reader is gone, as after `| head -1`."""
    r, w = os.pipe()
    os.close(r)
    try:
        return subprocess.run(
            [sys.executable, "-m", "guard", *args],
            stdout=w,
            stderr=subprocess.PIPE,
            text=True,
            cwd=tmp_path,
            timeout=180,
        )
    finally:
        os.close(w)


def test_audit_into_a_closed_pipe(tmp_path: Path) -> None:
    db = tmp_path / "audit.db"
    store = AuditStore(db)
    finding = AuditFinding(
        "PERSON", "pii", "pseudonymize", "messages[0].content", 0, "content", 0.9, "categories.pii", "f" * 32
    )
    for i in range(50):
        event = AuditEvent(
            float(i), f"guard-{i}", "kimi", "chat/completions", "m", "redacted", 200, findings=(finding,)
        )
        store.record(event)
    store.close()
    for args in (["audit", "--jsonl", "--db", str(db)], ["audit", "--db", str(db)]):
        done = _closed_pipe_run(args, tmp_path)
        assert done.returncode == 1
        assert done.stderr == ""  # quiet, like any command whose reader went away


def test_scan_and_entities_into_a_closed_pipe(tmp_path: Path) -> None:
    src = tmp_path / "t.txt"
    src.write_text("Send the contract to Maria Gonzalez, maria.gonzalez@example.com.\n")
    for args in (["entities"], ["scan", "--vendor", "kimi", str(src)]):
        done = _closed_pipe_run(args, tmp_path)
        assert done.returncode == 1, done.stderr
        assert "Traceback" not in done.stderr and "BrokenPipe" not in done.stderr
