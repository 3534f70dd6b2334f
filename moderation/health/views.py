"""Liveness and readiness: thin views over the database, the models and the storage."""

from __future__ import annotations

import logging

from flask import Blueprint, Response, current_app, jsonify
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from moderation.extensions import db, driver_message
from moderation.services import services

log = logging.getLogger(__name__)
bp = Blueprint("health", __name__)


def _uncached(response: Response) -> Response:
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/healthz")
def healthz() -> Response:
    """The process is up and answering; asks nothing of the database or the models."""
    return _uncached(jsonify(status="ok"))


@bp.get("/readyz")
def readyz() -> tuple[Response, int]:
    """Ready for traffic when the database answers; 503 otherwise.

    The models are loaded here if they never were. One that cannot be loaded makes the answer
    "degraded", not 503: comments are still taken (unclassified), and taking every worker out
    of the balancer would stop the site for a problem that waiting does not fix. A read-only
    instance folder is "degraded" for the same reason: readers are still served.
    """
    try:
        with db.engine.connect() as connection:
            connection.execute(text("SELECT 1"))
        database = "ok"
    except SQLAlchemyError as error:
        log.warning("readiness: database unavailable: %s", driver_message(error))
        database = "unavailable"
    models = {status.name: status.state for status in services().classifiers.load()}
    storage = "read-only" if current_app.extensions["tertulia.read_only"] else "ok"
    if database != "ok":
        status, code = "unavailable", 503
    elif storage != "ok" or any(state != "loaded" for state in models.values()):
        status, code = "degraded", 200
    else:
        status, code = "ready", 200
    body = jsonify(status=status, database=database, storage=storage, models=models)
    return _uncached(body), code
