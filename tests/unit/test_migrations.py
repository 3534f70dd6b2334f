"""The Alembic migrations build exactly the schema the models describe, and undo it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, create_engine, inspect

from models import Base, SpamLabel
from moderation import migrations
from moderation.extensions import db
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
    empty_step = runner.invoke(args=["db", "downgrade", "0003_imports"])  # no session, no attempt
    assert empty_step.exit_code == 0, empty_step.output
    forced = runner.invoke(args=["db", "downgrade", "0001", "--force"])
    assert forced.exit_code == 0, forced.output
    assert "spam_labels" not in table_names(url)


def test_postgres_refuses_to_drop_data_too(database_template: str, factory: Factory) -> None:
    if POSTGRES_URL is None:
        pytest.skip("runs when DATABASE_URL names PostgreSQL")
    factory.moderator()
    losses = migrations.downgrade_losses(database_template, "base")
    assert [str(loss) for loss in losses] == ["moderators (1 rows, by 0001)"]
    try:
        with pytest.raises(migrations.DataWouldBeLost):
            migrations.downgrade(database_template, "base")
    finally:
        migrations.upgrade(database_template)  # in case the refusal failed: the run goes on
    assert "moderators" in table_names(database_template)
