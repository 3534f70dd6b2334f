"""gunicorn settings for Tertulia: `gunicorn -c python:moderation.serving wsgi:app`.

The application, its models and its templates are loaded once, in the master, before the
workers fork (`preload_app`). Every worker then shares those memory pages instead of loading
its own copy, starts answering at once, and a `kill -HUP` reload (new workers forked from the
master, old ones finishing their requests) keeps serving without a pause. The price: a HUP
no longer reads new code; deploy a release with a restart (or `kill -USR2`, then `-TERM` the
old master).

Any other gunicorn setting can still be given on the command line or in GUNICORN_CMD_ARGS,
e.g. `--workers 4 --bind 127.0.0.1:8000`.
"""

from __future__ import annotations

import gc
from typing import Any

from moderation.extensions import dispose_engines
from moderation.services import preload

preload_app = True


def when_ready(server: Any) -> None:
    """In the master, with the application imported and before any worker forks."""
    preload(server.app.wsgi())
    # Objects made so far live as long as the master: keep the collector out of their pages,
    # or its bookkeeping would copy every one of them into each worker.
    gc.collect()
    gc.freeze()


def post_worker_init(worker: Any) -> None:
    """In each new worker: connections opened before the fork are the master's, never reused."""
    dispose_engines(worker.wsgi)
