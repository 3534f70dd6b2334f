"""Extensions created unbound, bound to an application in the factory."""

from __future__ import annotations

from typing import Any

from flask import Flask, current_app, g
from flask_babel import Babel
from flask_wtf.csrf import CSRFProtect
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.orm import Session, sessionmaker

from moderation.config import private_sqlite_file


class Database:
    """One engine per application and one session per request, closed when the request ends."""

    def init_app(self, app: Flask) -> None:
        """Create the engine for `app.config["DATABASE_URL"]` and close sessions on teardown."""
        url: str = app.config["DATABASE_URL"]
        private_sqlite_file(url)
        options: dict[str, Any] = {}
        if url.startswith("sqlite"):
            # The dev server and tests use threads; SQLite connections are not shared between them.
            options["connect_args"] = {"check_same_thread": False}
        else:
            options["pool_pre_ping"] = True
        engine = create_engine(url, **options)
        if url.startswith("sqlite"):
            event.listen(engine, "connect", _sqlite_pragmas)
        app.extensions["tertulia.db"] = sessionmaker(engine, expire_on_commit=False)
        app.teardown_appcontext(self._close_session)

    @property
    def engine(self) -> Engine:
        """The current application's engine."""
        engine = self._factory().kw["bind"]
        assert isinstance(engine, Engine)
        return engine

    @property
    def session(self) -> Session:
        """The session of the current request (or CLI command), opened on first use."""
        if "db_session" not in g:
            g.db_session = self._factory()()
        session: Session = g.db_session
        return session

    @staticmethod
    def _factory() -> sessionmaker[Session]:
        factory: sessionmaker[Session] = current_app.extensions["tertulia.db"]
        return factory

    @staticmethod
    def _close_session(exc: BaseException | None) -> None:
        session: Session | None = g.pop("db_session", None)
        if session is not None:
            if exc is not None:
                session.rollback()
            session.close()


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    # WAL lets the thread readers proceed while a comment is being written.
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


db = Database()
csrf = CSRFProtect()
babel = Babel()
