"""Extensions created unbound, bound to an application in the factory."""

from __future__ import annotations

import errno
import logging
import os
from pathlib import Path
from typing import Any

from flask import Flask, current_app, g
from flask.sessions import SecureCookieSessionInterface
from flask_babel import Babel
from flask_wtf.csrf import CSRFProtect
from itsdangerous import URLSafeTimedSerializer
from sqlalchemy import Engine, Select, create_engine, event, make_url
from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError, TimeoutError
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.sql.compiler import SQLCompiler

from moderation.config import private_sqlite_file

log = logging.getLogger(__name__)


class Database:
    """One engine per application and one session per request, closed when the request ends."""

    def init_app(self, app: Flask) -> None:
        """Create the engine for `app.config["DATABASE_URL"]` and close sessions on teardown.

        A SQLite file whose folder cannot be written (a read-only instance folder) is opened
        read-only: readers keep reading, and writes fail cleanly (answered 503) instead of the
        whole site failing to open its database.
        """
        url: str = app.config["DATABASE_URL"]
        private_sqlite_file(url)
        timeout = float(app.config["TERTULIA_DATABASE_TIMEOUT"])
        options: dict[str, Any] = {}
        read_only = None
        if url.startswith("sqlite"):
            # The dev server and tests use threads; SQLite connections are not shared between them.
            # `timeout`: how long a write waits for another's lock before giving up.
            connect_args: dict[str, Any] = {"check_same_thread": False, "timeout": timeout}
            if (read_only := _unwritable_sqlite_folder(url)) is not None:
                log.warning(
                    "the database folder %s cannot be written: serving read-only; comments "
                    "cannot be saved until it can (then restart)",
                    read_only,
                )
                # immutable: nothing can change the file, so SQLite needs no -wal/-shm files.
                path = make_url(url).database
                url = f"sqlite:///file:{path}?mode=ro&immutable=1&uri=true"
            options["connect_args"] = connect_args
        else:
            options["pool_pre_ping"] = True
            # An unreachable server must not hold a request for minutes (TCP's own timeout).
            options["connect_args"] = {"connect_timeout": max(1, round(timeout))}
        engine = create_engine(url, **options)
        if url.startswith("sqlite"):
            event.listen(
                engine, "connect", _sqlite_pragmas_read_only if read_only else _sqlite_pragmas
            )
        app.extensions["tertulia.db"] = sessionmaker(engine, expire_on_commit=False)
        app.extensions["tertulia.reads"] = {}
        app.extensions["tertulia.read_only"] = read_only
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

    def read_one(self, statement: Select[Any], params: dict[str, Any]) -> tuple[Any, ...] | None:
        """The first row of `statement` (a prebuilt SELECT of plain columns), read outside the
        request's session.

        For the readers' hot path: the statement is compiled once per application and run on a
        pooled DBAPI connection, without a session, transaction bookkeeping or result
        processing, which cost several times the query itself. Values come back as the driver
        gives them, so only columns that need no conversion (numbers, text) belong here. A
        driver error is raised as SQLAlchemy's (answered 503 when the database is unreachable),
        and a connection it broke leaves the pool.
        """
        engine = self.engine
        reads: dict[Select[Any], SQLCompiler] = current_app.extensions["tertulia.reads"]
        compiled = reads.get(statement)
        if compiled is None:
            made = statement.compile(dialect=engine.dialect)
            assert isinstance(made, SQLCompiler)
            compiled = reads[statement] = made
        values = compiled.construct_params(params)
        bound: Any = values
        if compiled.positiontup is not None:
            bound = tuple(values[name] for name in compiled.positiontup)
        dbapi_error = engine.dialect.loaded_dbapi.Error
        try:
            connection = engine.raw_connection()
        except dbapi_error as error:  # the pool does not wrap a failure to connect
            raise DBAPIError.instance(
                None, None, error, dbapi_error, connection_invalidated=True, dialect=engine.dialect
            ) from error
        cursor = None
        try:
            cursor = connection.cursor()
            cursor.execute(compiled.string, bound)
            row = cursor.fetchone()
            cursor.close()
        except dbapi_error as error:
            lost = engine.dialect.is_disconnect(error, connection.dbapi_connection, cursor)
            if lost:
                connection.invalidate(error)
            raise DBAPIError.instance(
                compiled.string,
                bound,
                error,
                dbapi_error,
                connection_invalidated=lost,
                dialect=engine.dialect,
            ) from error
        finally:
            connection.close()  # back to the pool, which rolls back what the read began
        return tuple(row) if row is not None else None

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


def dispose_engines(app: Flask) -> None:
    """Forget pooled connections inherited through a fork, without closing the parent's."""
    factory: sessionmaker[Session] = app.extensions["tertulia.db"]
    engine = factory.kw["bind"]
    assert isinstance(engine, Engine)
    engine.dispose(close=False)


# Seconds a client should wait before trying again after the database failed it.
RETRY_AFTER = 30


def database_unreachable(error: BaseException) -> bool:
    """Whether `error` means the database cannot be reached or is locked: a fault of the
    moment, answered 503 with Retry-After, not a bug answered 500."""
    if isinstance(error, OperationalError | InterfaceError | TimeoutError):
        return True
    return isinstance(error, DBAPIError) and error.connection_invalidated


def storage_read_only(error: BaseException) -> str | None:
    """What cannot be written, when `error` is a write refused by a read-only or full disk."""
    if isinstance(error, DBAPIError):
        name = getattr(error.orig, "sqlite_errorname", "")
        if name.startswith(("SQLITE_READONLY", "SQLITE_FULL")):
            return f"the database ({name})"
    if isinstance(error, OSError) and error.errno in _STORAGE_ERRNOS:
        return f"{error.filename} ({error.strerror})"
    return None


def driver_message(error: BaseException) -> str:
    """The driver's own message on one line, for the log (SQLAlchemy's adds the statement)."""
    cause = getattr(error, "orig", None) or error
    lines = str(cause).strip().splitlines()
    return f"{type(cause).__name__}: {lines[0] if lines else ''}"


_STORAGE_ERRNOS = (errno.EROFS, errno.EACCES, errno.EPERM, errno.ENOSPC, errno.EDQUOT)


def _unwritable_sqlite_folder(url: str) -> Path | None:
    """The folder of a SQLite database file that this process cannot write, if it cannot."""
    database = make_url(url).database
    if not database or database == ":memory:" or database.startswith("file:"):
        return None
    path = Path(database).resolve()
    # SQLite writes its journal (-wal, -shm) beside the file, so the folder must be writable.
    if path.exists() and not os.access(path.parent, os.W_OK):
        return path.parent
    return None


def _sqlite_pragmas_read_only(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    # WAL lets the thread readers proceed while a comment is being written.
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


class SessionCookies(SecureCookieSessionInterface):
    """Flask's signed-cookie sessions, with the signing serializer built once per key.

    Flask builds a new one for every request (to open the session) and again to save it;
    it holds nothing but the keys and settings, so the same one serves every request until
    `SECRET_KEY` or `SECRET_KEY_FALLBACKS` change.
    """

    def __init__(self) -> None:
        self._serializers: dict[tuple[Any, ...], URLSafeTimedSerializer] = {}

    def get_signing_serializer(self, app: Flask) -> URLSafeTimedSerializer | None:
        """The serializer for `app`'s current keys (None without a secret key)."""
        keys = (app.secret_key, tuple(app.config.get("SECRET_KEY_FALLBACKS") or ()))
        serializer = self._serializers.get(keys)
        if serializer is None:
            serializer = super().get_signing_serializer(app)
            if serializer is None:
                return None
            self._serializers = {keys: serializer}  # the keys in force: one at a time
        return serializer


db = Database()
csrf = CSRFProtect()
babel = Babel()
