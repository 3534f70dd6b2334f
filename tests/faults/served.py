"""Tertulia served by a real gunicorn in a subprocess, as deployed (`moderation.serving`)."""

from __future__ import annotations

import contextlib
import http.cookiejar
import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    """A redirect is an answer to look at, not to follow."""

    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


@dataclass
class Answer:
    """One HTTP answer: status, headers, body."""

    status: int
    headers: dict[str, str]
    body: str

    def json(self) -> Any:
        """The body as JSON."""
        return json.loads(self.body)


@dataclass
class Served:
    """A running server: its base URL, its master process and its log file.

    Requests share one cookie jar, like a browser's, so a form's CSRF token stays valid.
    """

    base: str
    process: subprocess.Popen[bytes]
    log: Path
    cookies: http.cookiejar.CookieJar = field(default_factory=http.cookiejar.CookieJar)

    def request(
        self,
        path: str,
        body: dict[str, Any] | None = None,
        form: dict[str, str] | None = None,
        timeout: float = 30,
    ) -> Answer:
        """GET `path`, or POST `body` as JSON or `form` as a form; any status is an answer."""
        data, headers = None, {}
        if body is not None:
            data, headers = json.dumps(body).encode(), {"Content-Type": "application/json"}
        elif form is not None:
            data = urllib.parse.urlencode(form).encode()
            headers = {"Content-Type": "application/x-www-form-urlencoded"}
        request = urllib.request.Request(self.base + path, data=data, headers=headers)
        opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.cookies), _NoRedirect
        )
        try:
            with opener.open(request, timeout=timeout) as response:
                return Answer(response.status, dict(response.headers), response.read().decode())
        except urllib.error.HTTPError as error:
            return Answer(error.code, dict(error.headers), error.read().decode())

    def output(self) -> str:
        """What the server logged so far."""
        return self.log.read_text(errors="replace")


def free_port() -> int:
    """An unused localhost port."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@contextlib.contextmanager
def gunicorn(
    env: dict[str, str],
    folder: Path,
    workers: int = 2,
    prefix: Sequence[str] = (),
    ready: str = "/healthz",
) -> Iterator[Served]:
    """Serve `wsgi:app` with `moderation.serving` until the block ends.

    `prefix` runs gunicorn inside another command (e.g. a mount namespace). Readiness is an
    answer from `ready`, not an open port: the master listens before its workers can answer.
    """
    port = free_port()
    log = folder / "gunicorn.log"
    command = [
        *prefix,
        sys.executable, "-m", "gunicorn", "-c", "python:moderation.serving",
        "--workers", str(workers), "--bind", f"127.0.0.1:{port}", "--graceful-timeout", "5",
        "wsgi:app",
    ]  # fmt: skip
    environment = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1", **env}
    with log.open("wb") as sink:
        process = subprocess.Popen(command, cwd=ROOT, env=environment, stdout=sink, stderr=sink)
    served = Served(f"http://127.0.0.1:{port}", process, log)
    try:
        deadline = time.monotonic() + 120
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"gunicorn exited:\n{served.output()}")
            try:
                if served.request(ready, timeout=5).status < 500:
                    break
            except OSError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(f"gunicorn did not answer:\n{served.output()}")
            time.sleep(0.2)
        yield served
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
