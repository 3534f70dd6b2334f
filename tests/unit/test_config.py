"""Settings from the environment."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import pytest

from moderation import config


def test_defaults(tmp_path: Path) -> None:
    settings = config.load({"TERTULIA_INSTANCE": str(tmp_path)})
    assert settings["DATABASE_URL"] == f"sqlite:///{tmp_path / 'tertulia.sqlite3'}"
    assert settings["TERTULIA_LANGUAGES"] == ("en", "es", "pt")
    assert settings["TERTULIA_SPAM_THRESHOLD"] is None
    assert settings["TERTULIA_PUBLISH_UNREVIEWED"] is False


def test_environment_overrides(tmp_path: Path) -> None:
    settings = config.load(
        {
            "TERTULIA_INSTANCE": str(tmp_path),
            "DATABASE_URL": "postgres://u:p@db/tertulia",
            "TERTULIA_LANGUAGES": "ES, pt,,es",
            "TERTULIA_SPAM_THRESHOLD": "0.75",
            "TERTULIA_PUBLISH_UNREVIEWED": "yes",
        }
    )
    assert settings["DATABASE_URL"] == "postgresql+psycopg://u:p@db/tertulia"
    assert settings["TERTULIA_LANGUAGES"] == ("es", "pt")
    assert settings["TERTULIA_SPAM_THRESHOLD"] == 0.75
    assert settings["TERTULIA_PUBLISH_UNREVIEWED"] is True


def test_secret_key_is_generated_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SECRET_KEY", raising=False)
    first = config.secret_key(tmp_path)
    assert len(first) == 64
    assert config.secret_key(tmp_path) == first
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0


def test_the_factory_leaves_the_root_logger_to_whoever_runs_it(app_factory: Any) -> None:
    root = logging.getLogger()
    saved = root.handlers[:], root.level
    # As under gunicorn or `flask run`: nothing configured yet.
    root.handlers.clear()
    root.setLevel(logging.WARNING)
    try:
        app_factory()
        after = root.handlers[:], root.level
    finally:
        root.handlers[:] = saved[0]
        root.setLevel(saved[1])
    assert after == ([], logging.WARNING)
    assert logging.getLogger("moderation.pipeline").getEffectiveLevel() == logging.INFO


def test_reference_domains_are_read_as_a_list() -> None:
    settings = config.load({"TERTULIA_SPAM_REFERENCE_DOMAINS": " News.Example.org, partner.net ,"})
    assert settings["TERTULIA_SPAM_REFERENCE_DOMAINS"] == ("news.example.org", "partner.net")
    assert config.load({})["TERTULIA_SPAM_REFERENCE_DOMAINS"] == ()
