"""Commenters: article pages with their published threads and the comment form."""

from flask import Blueprint

bp = Blueprint("public", __name__)

from moderation.public import feeds, views  # noqa: E402,F401  (routes register on import)
