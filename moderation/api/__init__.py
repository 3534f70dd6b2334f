"""The JSON API for embedding sites and integrations."""

from flask import Blueprint

bp = Blueprint("api", __name__)

from moderation.api import cors, views  # noqa: E402,F401  (routes register on import)

cors.register(bp)
