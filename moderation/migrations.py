"""Run the Alembic migrations in `migrations/` against a database URL."""

from __future__ import annotations

from alembic import command
from alembic.config import Config

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


def downgrade(url: str, revision: str) -> None:
    """Migrate the database at `url` down to `revision`."""
    command.downgrade(alembic_config(url), revision)
