"""Moderators: the queue, the spam folder, and the decisions taken on them."""

from flask import Blueprint

bp = Blueprint("queue", __name__)

from moderation.queue import views  # noqa: E402,F401  (routes register on import)
