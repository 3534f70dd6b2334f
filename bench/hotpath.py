"""CPU per request of the hot path, in process: `python -m bench.hotpath` prints a table.

The brief's aims (posting at 0.2x, reading a 50-comment thread at 0.5x Flask's hello world)
as a ratio of CPU time: each request is handed to the WSGI application directly (no server,
no sockets) and `time.process_time` is read around it, so other processes on the machine
change the figures far less than they change wrk's requests per second. Hello world is a
minimal Flask application in the same process, measured in the same rounds. The cases take
turns, batch by batch, and each figure is the median of its batches.

Also counts the SQL statements each request runs, and `--profile CASE` prints where that
case's time goes (cProfile). SQLite in a temporary folder, or `--database-url` (a THROWAWAY
database: it is emptied). Tertulia runs as served: trusted proxy, default rate limits, each
post from its own address.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import json
import os
import pstats
import random
import re
import statistics
import tempfile
import time
from collections.abc import Callable, Iterable
from http.cookies import SimpleCookie
from pathlib import Path
from typing import Any

from flask import Flask
from werkzeug.test import EnvironBuilder

from bench.http import environment, seed

SLUG = "bench"
# The brief's aims, by the start of a case's name.
TARGETS = {"read thread": 0.5, "post comment (API)": 0.2}
BODY = (
    "Comentario {n}: el presupuesto de salud baja otra vez y nadie explica por qué. "
    "Publiquen los datos por ministerio."
)

Environ = dict[str, Any]


def call(app: Any, environ: Environ) -> tuple[str, dict[str, str], bytes]:
    """Run one request through a WSGI application: its status, headers and body."""
    answer: dict[str, Any] = {}

    def start_response(status: str, headers: list[tuple[str, str]], *_: Any) -> None:
        answer["status"], answer["headers"] = status, dict(headers)

    chunks: Iterable[bytes] = app(environ, start_response)
    try:
        body = b"".join(chunks)
    finally:
        close = getattr(chunks, "close", None)
        if close is not None:
            close()
    return answer["status"], answer["headers"], body


def client_address() -> str:
    """A reader's address: each post comes from its own, as from many readers."""
    return f"10.{random.randint(0, 255)}.{random.randint(0, 255)}.{random.randint(1, 254)}"


class Cases:
    """The requests of each case, built before they are timed."""

    def __init__(self, app: Flask) -> None:
        self.app = app
        self.serial = 0
        # A reader who opened the page: the session cookie and the form's token.
        _, headers, body = call(app, self.build("GET", f"/articles/{SLUG}"))
        cookie = SimpleCookie(headers["Set-Cookie"])
        self.cookie = "; ".join(f"{name}={morsel.value}" for name, morsel in cookie.items())
        found = re.search(rb'name="csrf_token"[^>]*value="([^"]+)"', body)
        assert found, "no CSRF token on the article page"
        self.token = found.group(1).decode()

    @staticmethod
    def build(method: str, path: str, **options: Any) -> Environ:
        headers = {"X-Forwarded-For": client_address(), **options.pop("headers", {})}
        environ: Environ = EnvironBuilder(
            path=path, method=method, headers=headers, **options
        ).get_environ()
        return environ

    def hello(self) -> Environ:
        return self.build("GET", "/")

    def thread(self) -> Environ:
        return self.build("GET", f"/api/v1/articles/{SLUG}/comments")

    def page(self) -> Environ:
        return self.build("GET", f"/articles/{SLUG}", headers={"Accept-Language": "es"})

    def post_api(self) -> Environ:
        self.serial += 1
        payload = {
            "name": f"Bench {self.serial}",
            "email": f"bench{self.serial}@example.org",
            "body": BODY.format(n=self.serial),
        }
        return self.build(
            "POST",
            f"/api/v1/articles/{SLUG}/comments",
            data=json.dumps(payload),
            content_type="application/json",
        )

    def post_form(self) -> Environ:
        self.serial += 1
        form = {
            "name": f"Bench {self.serial}",
            "email": f"bench{self.serial}@example.org",
            "body": BODY.format(n=self.serial),
            "csrf_token": self.token,
        }
        return self.build("POST", f"/articles/{SLUG}", data=form, headers={"Cookie": self.cookie})


def measure(
    app: Any, make: Callable[[], Environ], count: int, expect: str, profile: cProfile.Profile | None
) -> float:
    """CPU µs per request over `count` requests built by `make` (built before the clock runs)."""
    environs = [make() for _ in range(count)]
    spent = 0
    for environ in environs:
        if profile is not None:
            profile.enable()
        start = time.process_time_ns()
        status, _, _ = call(app, environ)
        spent += time.process_time_ns() - start
        if profile is not None:
            profile.disable()
        if not status.startswith(expect):
            raise SystemExit(f"{environ['REQUEST_METHOD']} {environ['PATH_INFO']}: {status}")
    return spent / count / 1000


def main() -> None:
    """Seed, warm up, measure every case in turns, print the table."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=15, help="batches per case")
    parser.add_argument("--batch", type=int, default=100, help="requests per batch")
    parser.add_argument("--thread-size", type=int, default=50, help="published comments")
    parser.add_argument("--database-url", help="a THROWAWAY database (it is emptied)")
    parser.add_argument("--profile", help="print where this case's time goes (cProfile)")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as folder:
        env = environment(Path(folder), args.database_url)
        seed(env, args.thread_size)
        os.environ.update(env)
        from bench.hello import app as hello
        from moderation import create_app
        from moderation.extensions import db
        from moderation.services import preload

        app = create_app()
        preload(app)
        with app.app_context():
            engine = db.engine
        statements = [0]

        def count(*_: Any) -> None:
            statements[0] += 1

        from sqlalchemy import event

        if engine.dialect.name == "sqlite":
            # Every statement SQLite runs, BEGIN and COMMIT included, and the reads made on
            # the DBAPI connection without SQLAlchemy (`Database.read_one`).
            event.listen(
                engine, "connect", lambda connection, _: connection.set_trace_callback(count)
            )
            engine.dispose()
        else:  # statements sent through SQLAlchemy only
            event.listen(engine, "before_cursor_execute", count)
        cases = Cases(app)
        table: list[tuple[str, Any, Callable[[], Environ], str]] = [
            ("hello world (baseline)", hello, cases.hello, "200"),
            (f"read thread (API, {args.thread_size} comments)", app, cases.thread, "200"),
            (f"article page (HTML, {args.thread_size} comments)", app, cases.page, "200"),
            ("post comment (API)", app, cases.post_api, "202"),
            ("post comment (form)", app, cases.post_form, "302"),
        ]
        for _, wsgi, make, expect in table:  # warm every cache and pool
            measure(wsgi, make, 20, expect, None)
        times: dict[str, list[float]] = {name: [] for name, *_ in table}
        queries: dict[str, int] = {}
        profile = cProfile.Profile() if args.profile else None
        for _ in range(args.rounds):
            for name, wsgi, make, expect in table:
                statements[0] = 0
                profiled = profile if args.profile and name.startswith(args.profile) else None
                times[name].append(measure(wsgi, make, args.batch, expect, profiled))
                queries[name] = statements[0] // args.batch

    hello_us = statistics.median(times[table[0][0]])
    database = args.database_url.split(":")[0] if args.database_url else "SQLite"
    print(
        f"## CPU per request in process ({database}; median of {args.rounds} batches of "
        f"{args.batch})\n"
    )
    print("| request | CPU µs | x hello world | target | SQL statements per request |")
    print("|---|---|---|---|---|")
    for name, *_ in table:
        spent = statistics.median(times[name])
        target = next((f"{v:.1f}x" for k, v in TARGETS.items() if name.startswith(k)), "")
        print(f"| {name} | {spent:,.0f} | {hello_us / spent:.2f}x | {target} | {queries[name]} |")
    if profile is not None:
        out = io.StringIO()
        order = os.environ.get("BENCH_PROFILE_SORT", "cumulative")  # or "tottime"
        pstats.Stats(profile, stream=out).sort_stats(order).print_stats(
            int(os.environ.get("BENCH_PROFILE_ROWS", "45"))
        )
        print(out.getvalue())


if __name__ == "__main__":
    main()
