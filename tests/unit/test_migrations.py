"""The Alembic migrations build exactly the schema the models describe, and undo it."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Engine, create_engine, inspect, text

from models import Base
from moderation import migrations
from moderation.reasons import describe
from tests.conftest import POSTGRES_URL


def test_upgrade_matches_the_models_and_downgrade_empties(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'migrated.sqlite3'}"
    migrations.upgrade(url)
    engine = create_engine(url)
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        assert compare_metadata(context, Base.metadata) == []
    migrations.downgrade(url, "base")
    assert set(inspect(engine).get_table_names()) == {"alembic_version"}
    engine.dispose()


def test_postgres_schema_matches_the_models(database_template: str) -> None:
    if POSTGRES_URL is None:
        pytest.skip("runs when DATABASE_URL names PostgreSQL")
    engine = create_engine(database_template)
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        assert compare_metadata(context, Base.metadata) == []
    engine.dispose()


OLD_REASONS = [
    {"check": "language", "reason": "Spanish (93%)", "flag": False, "language": "es",
     "confidence": 0.93},
    {"check": "spam", "reason": "spam score 0.91 (spam)", "flag": True, "score": 0.91,
     "band": "spam", "top_features": [["link", 1.2]]},
    {"check": "signal", "reason": "1 link (cheap.example)", "flag": True},
    {"check": "signal", "reason": "2 phone numbers", "flag": True},
    {"check": "signal", "reason": "phrase: call now", "flag": True},
    {"check": "signal", "reason": "something the old code said", "flag": True},
]  # fmt: skip
FAILED = [{"check": "spam", "reason": "unclassified: spam classifier failed", "flag": True}]


def test_stored_reasons_become_codes_and_back(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'reasons.sqlite3'}"
    migrations.upgrade(url, "0002")
    engine = create_engine(url)
    with engine.begin() as connection:
        connection.execute(text("INSERT INTO articles (id, slug, title) VALUES (1, 'a', 'A')"))
        for row_id, reasons in ((1, OLD_REASONS), (2, FAILED)):
            connection.execute(
                text(
                    "INSERT INTO comments (id, article_id, author_name, author_email, body, "
                    "body_fingerprint, body_html, language, reasons, status) VALUES "
                    "(:id, 1, 'N', 'n@example.org', 'b', 'f', '<p>b</p>', 'es', :reasons, "
                    "'pending')"
                ),
                {"id": row_id, "reasons": json.dumps(reasons)},
            )
    migrations.upgrade(url, "head")
    stored = reasons_of(engine)
    assert [(r["code"], r["params"]) for r in stored[1]] == [
        ("language.detected", {"language": "es", "confidence": 0.93}),
        ("spam.score", {"score": 0.91, "verdict": "spam"}),
        ("link.unknown", {"domain": "cheap.example"}),
        ("contact.phone", {"count": 2}),
        ("legacy", {"text": "phrase: call now"}),
        ("legacy", {"text": "something the old code said"}),
    ]
    assert [r["unclassified"] for r in stored[2]] == [True] and stored[2][0][
        "code"
    ] == "spam.failed"
    assert describe("legacy", stored[1][5]["params"]) == "something the old code said"

    migrations.downgrade(url, "0002")
    back = reasons_of(engine)
    assert [r["reason"] for r in back[1]] == [r["reason"] for r in OLD_REASONS]
    assert back[2] == FAILED
    engine.dispose()


def reasons_of(engine: Engine) -> dict[int, list[dict[str, Any]]]:
    with engine.connect() as connection:
        rows = connection.execute(text("SELECT id, reasons FROM comments ORDER BY id"))
        return {row_id: json.loads(reasons) for row_id, reasons in rows}
