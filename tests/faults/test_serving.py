"""Serving as deployed: models loaded once in gunicorn's master, and a HUP reload keeps serving."""

from __future__ import annotations

import os
import re
import signal
import threading
import time
from collections.abc import Callable
from pathlib import Path

from flask import Flask

from moderation.extensions import db
from tests.factories import Factory
from tests.faults.served import Served, gunicorn

LOADED = re.compile(r"the (\w+) model loaded in [\d.]+ s \(process (\d+)\)")


def workers(master: int) -> set[int]:
    """The master's child processes."""
    children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
    return {int(pid) for pid in children}


def wait_for(condition: Callable[[], bool], seconds: float = 60) -> None:
    """Poll `condition` until it holds; fail after `seconds`."""
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.1)


def keep_asking(server: Served, stop: threading.Event, answers: list[tuple[float, object]]) -> None:
    """Read the thread and post a comment, in turn, until `stop`; every answer is recorded."""
    n = 0
    while not stop.is_set():
        n += 1
        started = time.monotonic()
        try:
            if n % 2:
                status: object = server.request("/api/v1/articles/nota/comments").status
            else:
                body = {"name": f"R{n}", "email": f"r{n}@example.org", "body": f"Comentario {n}"}
                status = server.request("/api/v1/articles/nota/comments", body=body).status
        except OSError as error:
            status = error
        answers.append((time.monotonic() - started, status))


def test_models_load_in_the_master_and_a_hup_reload_keeps_serving(
    tmp_path: Path, app: Flask
) -> None:
    with app.app_context():
        Factory(db.session).article(slug="nota", language="es")
    env = {
        "DATABASE_URL": app.config["DATABASE_URL"],
        "TERTULIA_INSTANCE": str(tmp_path / "instance"),
        "SECRET_KEY": "serving-test",
        "TERTULIA_COMMENT_RATE_LIMIT": "100000 per minute",
    }
    with gunicorn(env, tmp_path, workers=2, ready="/readyz") as server:
        master = server.process.pid
        wait_for(lambda: len(workers(master)) == 2)
        before = workers(master)
        answers: list[tuple[float, object]] = []
        stop = threading.Event()
        asking = threading.Thread(target=keep_asking, args=(server, stop, answers))
        asking.start()
        time.sleep(1)
        os.kill(master, signal.SIGHUP)
        wait_for(lambda: not workers(master) & before)
        time.sleep(2)  # the new workers answer a while
        stop.set()
        asking.join()
        after = workers(master)
        log = server.output()

    assert not after & before and len(after) == 2, log
    statuses = {status for _, status in answers}
    assert statuses <= {200, 202}, statuses
    assert max(seconds for seconds, _ in answers) < 5, max(answers, key=lambda a: a[0])
    # Every model was loaded once, by the master: workers, old and new, inherit them.
    loads = LOADED.findall(log)
    assert sorted(name for name, _ in loads) == ["language", "spam"], log
    assert {int(pid) for _, pid in loads} == {master}
