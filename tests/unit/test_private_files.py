"""The instance folder's secrets: readable by their owner only, and made once (issue 12, item 6)."""

from __future__ import annotations

import itertools
import stat
import threading
import time
from pathlib import Path
from typing import Any

import pytest

from moderation import config, migrations


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_a_new_sqlite_database_is_private(tmp_path: Path, app_factory: Any) -> None:
    url = f"sqlite:///{tmp_path / 'served' / 'tertulia.sqlite3'}"
    migrations.upgrade(url)
    assert mode(tmp_path / "served" / "tertulia.sqlite3") == 0o600
    app = app_factory(DATABASE_URL=f"sqlite:///{tmp_path / 'fresh.sqlite3'}")
    app.test_client().get("/comments.atom")  # the app's own first connection makes the file
    database = tmp_path / "fresh.sqlite3"
    assert mode(database) == 0o600
    for journal in (tmp_path / "fresh.sqlite3-wal", tmp_path / "fresh.sqlite3-shm"):
        assert not journal.exists() or mode(journal) == 0o600


def test_an_existing_database_is_left_as_the_operator_made_it(tmp_path: Path) -> None:
    database = tmp_path / "kept.sqlite3"
    database.touch(mode=0o640)
    database.chmod(0o640)
    config.private_sqlite_file(f"sqlite:///{database}")
    assert mode(database) == 0o640
    config.private_sqlite_file("sqlite://")  # in memory: nothing to make


def test_workers_starting_together_share_one_whole_key(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("SECRET_KEY", raising=False)
    numbers = itertools.count()

    def slow_token(size: int) -> str:
        # Writing a key takes a while: long enough for the other worker to look for it.
        time.sleep(0.2)
        return f"{next(numbers):0{size * 2}d}"

    monkeypatch.setattr("moderation.config.secrets.token_hex", slow_token)
    keys: list[str] = []
    workers = [
        threading.Thread(target=lambda: keys.append(config.secret_key(tmp_path))) for _ in range(3)
    ]
    for worker in workers:
        worker.start()
        time.sleep(0.05)
    for worker in workers:
        worker.join()
    assert len(keys) == 3 and len(set(keys)) == 1 and keys[0]
    assert sorted(path.name for path in tmp_path.iterdir()) == ["secret_key"]
    assert mode(tmp_path / "secret_key") == 0o600


def test_an_empty_key_file_is_refused_by_name(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("SECRET_KEY", raising=False)
    (tmp_path / "secret_key").write_text("")
    with pytest.raises(RuntimeError, match="secret_key is empty"):
        config.secret_key(tmp_path)
