"""Fixtures: an application per test with its own database, clients, and a login helper.

The schema is built once per run. On SQLite (the default) each test gets a copy of a template
database file; when DATABASE_URL names PostgreSQL, the suite migrates that database once and
empties every table after each test (`DELETE` and restarted sequences in one round trip, which
costs a millisecond where `TRUNCATE` costs fifty): point it at a throwaway database. No test may
write outside its temporary folder (`tests/sealing.py`).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner
from hypothesis.configuration import set_hypothesis_home_dir
from jinja2 import BytecodeCache
from jinja2.bccache import Bucket
from sqlalchemy import create_engine, make_url, text

from models import Base
from moderation import create_app, migrations
from moderation.config import database_url
from moderation.extensions import db
from tests.factories import Factory
from tests.faults.outage import Outage
from tests.package import wheel

pytest_plugins = ("tests.sealing", "tests.mailserver")

# Under pytest-xdist (`-n 2`, as `make unit` runs), each worker has a database of its own on
# PostgreSQL: DATABASE_URL's name with the worker's id (tertulia_test_gw0, ...), created if needed.
WORKER = os.environ.get("PYTEST_XDIST_WORKER")
SHARED_URL = database_url() if os.environ.get("DATABASE_URL") else None
POSTGRES_URL = (
    make_url(SHARED_URL)
    .set(database=f"{make_url(SHARED_URL).database}_{WORKER}")
    .render_as_string(hide_password=False)
    if SHARED_URL and WORKER
    else SHARED_URL
)
CSRF_INPUT = re.compile(r'<input type="hidden" name="csrf_token" value="([^"]+)"')


def pytest_report_header() -> str:
    """Say which database the suite runs against."""
    if POSTGRES_URL is None:
        return "database: SQLite (a copy of one file per test)"
    return f"database: PostgreSQL ({make_url(SHARED_URL or '').database}, or _gwN per xdist worker)"


@pytest.fixture(scope="session")
def database_template(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The schema, built once per run: a SQLite file to copy, or the migrated PostgreSQL URL."""
    if POSTGRES_URL is not None:
        if POSTGRES_URL != SHARED_URL:
            create_database(POSTGRES_URL, SHARED_URL or "")
        migrations.downgrade(POSTGRES_URL, "base", force=True)
        migrations.upgrade(POSTGRES_URL, "head")
        yield POSTGRES_URL
        return
    path = tmp_path_factory.mktemp("schema") / "template.sqlite3"
    engine = create_engine(f"sqlite:///{path}")
    Base.metadata.create_all(engine)
    engine.dispose()
    yield str(path)


def create_database(url: str, reachable: str) -> None:
    """Create the database `url` names unless it exists, connected through `reachable`."""
    name = make_url(url).database
    engine = create_engine(reachable, isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        exists = connection.scalar(
            text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": name}
        )
        if not exists:
            connection.exec_driver_sql(f'CREATE DATABASE "{name}"')
    engine.dispose()


@pytest.fixture(scope="session", autouse=True)
def _wheel_jobs(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[list[subprocess.Popen[str]]]:
    """Building, installing and serving the wheel (tests/package) is started with a serial run
    that holds its test: it runs beside the other tests instead of after them. Under xdist every
    worker collects every test, so the job waits for the worker that runs the test, while the
    other worker goes on."""
    jobs: list[subprocess.Popen[str]] = []
    if WORKER is None and any(item.path.name == "test_wheel.py" for item in request.session.items):
        jobs.append(wheel.start(tmp_path_factory.mktemp("wheel")))
    yield jobs
    for job in jobs:
        if job.poll() is None:
            job.kill()
            job.communicate()


@pytest.fixture(scope="session")
def wheel_job(
    _wheel_jobs: list[subprocess.Popen[str]], tmp_path_factory: pytest.TempPathFactory
) -> subprocess.Popen[str]:
    """The job building, installing and serving the wheel (`tests.package.wheel.start`)."""
    if not _wheel_jobs:
        _wheel_jobs.append(wheel.start(tmp_path_factory.mktemp("wheel")))
    return _wheel_jobs[0]


class SharedTemplates(BytecodeCache):
    """Compiled templates kept for every test app of the run: each app has its own Jinja
    environment, and compiling the same templates again for each one is most of a first page."""

    def __init__(self) -> None:
        self._compiled: dict[str, bytes] = {}

    def load_bytecode(self, bucket: Bucket) -> None:
        """Fill `bucket` when this template was compiled before."""
        if (code := self._compiled.get(bucket.key)) is not None:
            bucket.bytecode_from_string(code)

    def dump_bytecode(self, bucket: Bucket) -> None:
        """Keep a newly compiled template."""
        self._compiled[bucket.key] = bucket.bytecode_to_string()


TEMPLATES = SharedTemplates()


def test_settings(tmp_path: Path, url: str) -> dict[str, Any]:
    """Settings every test app shares; tests override what they exercise."""
    return {
        "TESTING": True,
        "SECRET_KEY": "test-secret",
        "DATABASE_URL": url,
        "TERTULIA_INSTANCE": tmp_path / "instance",
        "TERTULIA_COMMENT_RATE_LIMIT": "1000 per minute",
        "TERTULIA_LOGIN_RATE_LIMIT": "1000 per minute",
    }


@pytest.fixture
def app_factory(
    tmp_path: Path, database_template: str, empty_tables: Callable[[], None]
) -> Iterator[Any]:
    """Build apps on this test's database: `app_factory(**overrides)`."""
    if POSTGRES_URL is None:
        copy = tmp_path / "test.sqlite3"
        shutil.copyfile(database_template, copy)
        url = f"sqlite:///{copy}"
    else:
        url = database_template
    built: list[Flask] = []

    def build(**overrides: Any) -> Flask:
        app = create_app({**test_settings(tmp_path, url), **overrides})
        app.jinja_env.bytecode_cache = TEMPLATES
        built.append(app)
        return app

    yield build

    for app in built:
        with app.app_context():
            db.engine.dispose()
    empty_tables()


@pytest.fixture(scope="session")
def empty_tables(database_template: str) -> Iterator[Callable[[], None]]:
    """Leaves the PostgreSQL schema as the migrations built it, every table empty, with one
    engine for the run; ids count from 1 again, as in a new database. Nothing to do on SQLite."""
    if POSTGRES_URL is None:
        yield lambda: None
        return
    engine = create_engine(database_template)
    with engine.connect() as connection:
        sequences = connection.scalars(
            text(
                "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
                " WHERE c.relkind = 'S' AND n.nspname = current_schema() ORDER BY c.relname"
            )
        ).all()
    # Children first: no foreign key is left pointing at a deleted row.
    statements = [f"DELETE FROM {table.name}" for table in reversed(Base.metadata.sorted_tables)]
    statements.append("SELECT " + ", ".join(f"setval('{name}', 1, false)" for name in sequences))

    def empty() -> None:
        with engine.begin() as connection:
            connection.exec_driver_sql("; ".join(statements))

    yield empty
    engine.dispose()


@pytest.fixture
def outage(app_factory: Any) -> Iterator[tuple[Flask, Outage]]:
    """An application and the outage of its database (`with outage.during(): ...`).

    Requests give up on the locked or unreachable database after 0.3 s (not 5).
    """
    if POSTGRES_URL is not None:
        fault = Outage(POSTGRES_URL)
        app = app_factory(DATABASE_URL=fault.url, TERTULIA_DATABASE_TIMEOUT=0.3)
    else:
        app = app_factory(TERTULIA_DATABASE_TIMEOUT=0.3)
        fault = Outage(app.config["DATABASE_URL"])
    yield app, fault
    fault.close()


@pytest.fixture
def app(app_factory: Any) -> Flask:
    """The application under test, with CSRF on as in production."""
    built: Flask = app_factory()
    return built


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    """A browser-like client."""
    return app.test_client()


@pytest.fixture
def runner(app: Flask) -> FlaskCliRunner:
    """Runs `flask` commands against the app."""
    return app.test_cli_runner()


@pytest.fixture
def factory(app: Flask) -> Iterator[Factory]:
    """Creates rows directly in the test database, in a session of its own.

    No application context stays pushed: requests made by the test client then get their own
    context, session and `g`, exactly as in production.
    """
    session = app.extensions["tertulia.db"]()
    yield Factory(session)
    session.close()


def csrf_token(client: FlaskClient, path: str) -> str:
    """Load `path` and return the CSRF token of its form, as a browser would."""
    page = client.get(path)
    match = CSRF_INPUT.search(page.get_data(as_text=True))
    assert match, f"no CSRF token on {path}"
    return match.group(1)


def queue_form(client: FlaskClient, comment_id: int) -> dict[str, str]:
    """What the queue page shows for one comment's action buttons: the CSRF token and the status
    the moderator sees (`seen`), as a browser would send them."""
    page = client.get(f"/queue/comments/{comment_id}", follow_redirects=True)
    text = page.get_data(as_text=True)
    seen = re.search(rf'name="seen-{comment_id}" value="(\w+)"', text)
    token = CSRF_INPUT.search(text)
    assert seen and token, f"comment {comment_id} is not on its queue page"
    return {"csrf_token": token.group(1), "seen": seen.group(1)}


class Auth:
    """Signs a moderator in and out through the real login form."""

    def __init__(self, client: FlaskClient) -> None:
        self._client = client

    def login(self, email: str = "mod@example.org", password: str = "correct horse") -> Any:
        token = csrf_token(self._client, "/login")
        return self._client.post(
            "/login", data={"email": email, "password": password, "csrf_token": token}
        )

    def logout(self) -> Any:
        token = csrf_token(self._client, "/queue/")
        return self._client.post("/logout", data={"csrf_token": token})


@pytest.fixture
def auth(client: FlaskClient) -> Auth:
    """Login helper for `client`."""
    return Auth(client)


@pytest.fixture
def hypothesis_home(tmp_path: Path) -> Iterator[None]:
    """Hypothesis keeps a cache even without its example database: in this test's folder."""
    set_hypothesis_home_dir(tmp_path / "hypothesis")
    yield
    set_hypothesis_home_dir(None)
