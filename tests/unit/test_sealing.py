"""The guard that keeps tests inside their temporary folder (tests/sealing.py) does refuse."""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest

from tests import sealing


def test_a_write_outside_tmp_path_is_refused_and_recorded(tmp_path: Path) -> None:
    outside = tmp_path.parent / f"{tmp_path.name}-outside"
    attempts: list[Callable[[], object]] = [
        lambda: outside.write_text("lost", encoding="utf-8"),
        lambda: os.close(os.open(outside, os.O_WRONLY | os.O_CREAT)),
        lambda: outside.mkdir(),
        lambda: sqlite3.connect(outside),
    ]
    for attempt in attempts:
        with pytest.raises(PermissionError, match="only write inside its tmp_path"):
            attempt()
    refused = [line.split()[0] for line in sealing._Seal.refused]
    sealing._Seal.refused.clear()  # provoked on purpose: this test must not fail for them
    assert refused == ["open", "open", "os.mkdir", "sqlite3.connect"]
    assert not outside.exists()


def test_reading_anywhere_and_writing_inside_are_fine(tmp_path: Path) -> None:
    assert sealing.ROOT.joinpath("pyproject.toml").read_text(encoding="utf-8")
    (tmp_path / "inside").mkdir()
    (tmp_path / "inside" / "file.txt").write_text("kept", encoding="utf-8")
    sqlite3.connect(tmp_path / "inside" / "db.sqlite3").close()
    assert sealing._Seal.refused == []


def test_the_snapshot_sees_what_other_processes_did(tmp_path: Path) -> None:
    (tmp_path / "kept.txt").write_text("a", encoding="utf-8")
    (tmp_path / "gone.txt").write_text("b", encoding="utf-8")
    before = sealing.snapshot(tmp_path)
    (tmp_path / "kept.txt").write_text("longer", encoding="utf-8")
    (tmp_path / "gone.txt").unlink()
    (tmp_path / "new").mkdir()
    (tmp_path / "__pycache__").mkdir()  # Python's own caches are not the test's doing
    assert sealing.changes(before, sealing.snapshot(tmp_path)) == [
        f"created {tmp_path / 'new'}{os.sep}",
        f"deleted {tmp_path / 'gone.txt'}",
        f"changed {tmp_path / 'kept.txt'}",
    ]
