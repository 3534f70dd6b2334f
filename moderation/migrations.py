"""Run the Alembic migrations in `migrations/` against a database URL.

A migration whose `downgrade` destroys data says so in `DOWNGRADE_DROPS` (tables, or
"table.column"); `downgrade` counts what is there and refuses unless forced.
"""

from __future__ import annotations

from dataclasses import dataclass

from alembic import command
from alembic.config import Config
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, column, create_engine, func, inspect, select, table

from moderation.config import MIGRATIONS, private_sqlite_file


def alembic_config(url: str) -> Config:
    """An Alembic configuration for `url`, from a checkout or an installed wheel alike.

    alembic.ini is for the `alembic` command in a checkout (new revisions); it is not read here,
    so its logging setup never replaces the application's.
    """
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.set_main_option("path_separator", "os")
    # `%` would be read as interpolation by configparser (passwords often contain it).
    cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return cfg


def upgrade(url: str, revision: str = "head") -> None:
    """Migrate the database at `url` up to `revision` (a new SQLite file is made private)."""
    private_sqlite_file(url)
    command.upgrade(alembic_config(url), revision)


@dataclass(frozen=True, slots=True)
class Loss:
    """Data a downgrade would drop: `rows` rows of a table, or values of a column."""

    revision: str
    dropped: str  # "table" or "table.column"
    rows: int

    def __str__(self) -> str:
        kind = "values" if "." in self.dropped else "rows"
        return f"{self.dropped} ({self.rows} {kind}, by {self.revision})"


class DataWouldBeLost(Exception):
    """A downgrade would drop data; nothing was done."""

    def __init__(self, losses: list[Loss]) -> None:
        super().__init__(", ".join(map(str, losses)))
        self.losses = losses


def _stored(connection: Connection, dropped: str) -> int:
    name, _, column_name = dropped.partition(".")
    if not inspect(connection).has_table(name):
        return 0
    rows = table(name, *([column(column_name)] if column_name else []))
    query = select(func.count()).select_from(rows)
    if column_name:
        query = query.where(rows.c[column_name].is_not(None))
    return int(connection.scalar(query) or 0)


def downgrade_losses(url: str, revision: str) -> list[Loss]:
    """What migrating the database at `url` down to `revision` would drop (nothing: empty)."""
    script = ScriptDirectory.from_config(alembic_config(url))
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            current = MigrationContext.configure(connection).get_current_heads()
            losses = [
                Loss(step.revision, dropped, rows)
                for step in script.iterate_revisions(current, revision)
                for dropped in getattr(step.module, "DOWNGRADE_DROPS", ())
                if (rows := _stored(connection, dropped))
            ]
    finally:
        engine.dispose()
    return losses


def downgrade(url: str, revision: str, force: bool = False) -> None:
    """Migrate the database at `url` down to `revision`.

    Raises `DataWouldBeLost`, having done nothing, when that would drop stored data and `force`
    is not given.
    """
    if not force and (losses := downgrade_losses(url, revision)):
        raise DataWouldBeLost(losses)
    command.downgrade(alembic_config(url), revision)
