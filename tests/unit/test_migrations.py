"""The Alembic migrations build exactly the schema the models describe, and undo it."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, create_engine, inspect, text

from models import Base, SpamLabel
from moderation import migrations
from moderation.extensions import db
from moderation.reasons import describe
from tests.conftest import POSTGRES_URL
from tests.factories import Factory


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

    migrations.downgrade(url, "0002", force=True)
    back = reasons_of(engine)
    assert [r["reason"] for r in back[1]] == [r["reason"] for r in OLD_REASONS]
    assert back[2] == FAILED
    engine.dispose()


def reasons_of(engine: Engine) -> dict[int, list[dict[str, Any]]]:
    with engine.connect() as connection:
        rows = connection.execute(text("SELECT id, reasons FROM comments ORDER BY id"))
        return {row_id: json.loads(reasons) for row_id, reasons in rows}


def table_names(url: str) -> list[str]:
    engine = create_engine(url)
    names = inspect(engine).get_table_names()
    engine.dispose()
    return names


def tables_and_columns(engine: Engine) -> set[str]:
    """Every table, and every column as "table.column"."""
    inspector = inspect(engine)
    names = set(inspector.get_table_names()) - {"alembic_version"}
    return names | {f"{name}.{c['name']}" for name in names for c in inspector.get_columns(name)}


def test_every_migration_declares_what_its_downgrade_drops(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'steps.sqlite3'}"
    script = ScriptDirectory.from_config(migrations.alembic_config(url))
    engine = create_engine(url)
    steps = list(reversed(list(script.walk_revisions())))
    assert len(steps) >= 4
    for step in steps:
        migrations.upgrade(url, step.revision)
        before = tables_and_columns(engine)
        down = step.down_revision
        assert down is None or isinstance(down, str), "the history is one line"
        migrations.downgrade(url, down or "base", force=True)
        gone = before - tables_and_columns(engine)
        # A dropped table takes its columns along; a column is named only when its table stays.
        dropped = {name for name in gone if "." not in name or name.split(".")[0] not in gone}
        assert set(getattr(step.module, "DOWNGRADE_DROPS", ())) == dropped, step.revision
        migrations.upgrade(url, step.revision)
    engine.dispose()


def test_a_downgrade_that_destroys_data_refuses_unless_forced(
    tmp_path: Path, app_factory: Any
) -> None:
    url = f"sqlite:///{tmp_path / 'kept.sqlite3'}"
    migrations.upgrade(url)
    app = app_factory(DATABASE_URL=url)
    with app.app_context():
        factory = Factory(db.session)
        article = factory.article(slug="datos")
        factory.comment(article, source_id="wordpress:1")
        factory.comment(article)
        db.session.add(SpamLabel(text="Compre ya", is_spam=True, source="import"))
        db.session.commit()
    runner = app.test_cli_runner()
    refused = runner.invoke(args=["db", "downgrade", "0001"])
    assert refused.exit_code != 0
    assert "nothing done" in refused.output and "--force" in refused.output
    assert "spam_labels (1 rows" in refused.output
    assert "comments.source_id (1 values" in refused.output
    assert "spam_labels" in table_names(url)
    # 0007_team drops the comments' search text and opt-ins: values, so it needs the force.
    team_step = runner.invoke(args=["db", "downgrade", "0006_i18n", "--force"])
    assert team_step.exit_code == 0, team_step.output
    empty_step = runner.invoke(args=["db", "downgrade", "0004_spam"])  # no session, no attempt
    assert empty_step.exit_code == 0, empty_step.output
    forced = runner.invoke(args=["db", "downgrade", "0001", "--force"])
    assert forced.exit_code == 0, forced.output
    assert "spam_labels" not in table_names(url)


def test_postgres_refuses_to_drop_data_too(database_template: str, factory: Factory) -> None:
    if POSTGRES_URL is None:
        pytest.skip("runs when DATABASE_URL names PostgreSQL")
    factory.moderator()
    losses = migrations.downgrade_losses(database_template, "base")
    assert [str(loss) for loss in losses] == [
        "moderators.notify (1 values, by 0007_team)",
        "moderators (1 rows, by 0001)",
    ]
    try:
        with pytest.raises(migrations.DataWouldBeLost):
            migrations.downgrade(database_template, "base")
    finally:
        migrations.upgrade(database_template)  # in case the refusal failed: the run goes on
    assert "moderators" in table_names(database_template)
