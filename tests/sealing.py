"""A pytest plugin that fails any test writing outside its temporary folder.

Two layers, because neither sees everything:

- an audit hook (`sys.addaudithook`) sees every file this Python process opens for writing,
  creates, renames or deletes, and every SQLite database it opens, whatever library does it;
  the write is refused on the spot and the test fails, naming the path;
- a snapshot of the working tree, compared after every test, sees what the hook cannot: writes
  by subprocesses (a browser, a build) and by C code.

Python's own bytecode caches (`__pycache__`) are the one thing allowed anywhere.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[1]
# Left out of the snapshot: the tools' own state, never the project's (instance/ is watched).
UNWATCHED = {".git", ".venv", "__pycache__", ".pytest_cache", ".mypy_cache", ".ruff_cache"}
_WRITE_FLAGS = os.O_WRONLY | os.O_RDWR | os.O_CREAT | os.O_APPEND | os.O_TRUNC
# Audit event -> (positions of the paths it writes, positions of their directory descriptors).
# `open` is checked apart, since reading is fine.
_WRITING_EVENTS: dict[str, tuple[tuple[int, ...], tuple[int, ...]]] = {
    "os.mkdir": ((0,), (2,)),
    "os.rename": ((0, 1), (2, 3)),
    "os.remove": ((0,), (1,)),
    "os.rmdir": ((0,), (1,)),
    "os.truncate": ((0,), ()),
    "os.symlink": ((1,), (2,)),
    "os.link": ((1,), (3,)),
    "shutil.rmtree": ((0,), (1,)),
    "sqlite3.connect": ((0,), ()),
}


class _Seal:
    """The folder writes are allowed in during the running test, and what went elsewhere."""

    allowed: str | None = None
    refused: list[str] = []  # noqa: RUF012  (one shared record, reset per test)


def _outside(path: Any) -> str | None:
    """`path` as an absolute string when a write there breaks the seal, else None."""
    if isinstance(path, int) or path is None:
        return None  # an open file descriptor: where it points was checked when it was opened
    name = os.path.abspath(os.fsdecode(path))
    allowed = _Seal.allowed
    if allowed is None or name == os.devnull or name.startswith(":memory:"):
        return None
    if name == allowed or name.startswith(allowed + os.sep) or "__pycache__" in name:
        return None
    return name


def _audit(event: str, args: tuple[Any, ...]) -> None:
    if _Seal.allowed is None:
        return
    if event == "open":
        path, mode, flags = args
        writes = any(c in mode for c in "wax+") if isinstance(mode, str) else flags & _WRITE_FLAGS
        paths = [path] if writes else []
    elif event in _WRITING_EVENTS:
        positions, descriptors = _WRITING_EVENTS[event]
        if any(i < len(args) and args[i] not in (None, -1) for i in descriptors):
            return  # relative to an open directory (inside rmtree, which is checked whole)
        paths = [args[i] for i in positions]
        if event == "sqlite3.connect" and str(paths[0]).startswith("file:"):
            paths = [str(paths[0]).removeprefix("file:").split("?")[0]]
    else:
        return
    for path in paths:
        if (name := _outside(path)) is not None:
            _Seal.refused.append(f"{event} {name}")
            raise PermissionError(f"a test may only write inside its tmp_path, not {name}")


sys.addaudithook(_audit)


def snapshot(root: Path = ROOT) -> dict[str, tuple[int, int]]:
    """Every file under `root` (but the tools' state) with its modification time and size, and
    every folder (by name only: a folder's time changes with any new `__pycache__` in it)."""
    files: dict[str, tuple[int, int]] = {}
    folders = [str(root)]
    while folders:
        with os.scandir(folders.pop()) as entries:
            for entry in entries:
                if entry.is_dir(follow_symlinks=False):
                    if entry.name not in UNWATCHED:
                        folders.append(entry.path)
                        files[entry.path + os.sep] = (0, 0)
                else:
                    status = entry.stat(follow_symlinks=False)
                    files[entry.path] = (status.st_mtime_ns, status.st_size)
    return files


def changes(before: dict[str, tuple[int, int]], after: dict[str, tuple[int, int]]) -> list[str]:
    """What differs between two snapshots, one line per file."""
    lines = [f"created {path}" for path in sorted(after.keys() - before.keys())]
    lines += [f"deleted {path}" for path in sorted(before.keys() - after.keys())]
    kept = sorted(before.keys() & after.keys())
    return lines + [f"changed {path}" for path in kept if before[path] != after[path]]


@pytest.fixture(scope="session")
def _working_tree() -> Iterator[list[dict[str, tuple[int, int]]]]:
    # The latest snapshot; each test compares against it and leaves its own for the next.
    yield [snapshot()]


@pytest.fixture(autouse=True)
def sealed(tmp_path: Path, _working_tree: list[dict[str, tuple[int, int]]]) -> Iterator[None]:
    """Fail the test if it (or anything it started) wrote outside `tmp_path`."""
    _Seal.refused = []
    _Seal.allowed = str(tmp_path)
    try:
        yield
    finally:
        _Seal.allowed = None
    now = snapshot()
    changed = changes(_working_tree[0], now)
    _working_tree[0] = now
    outside = _Seal.refused + changed
    assert not outside, "the test wrote outside its tmp_path:\n" + "\n".join(outside)
