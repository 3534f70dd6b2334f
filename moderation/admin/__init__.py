"""Site admins: the articles open for comments and the moderator accounts."""

from flask import Blueprint

bp = Blueprint("admin", __name__)

from moderation.admin import views  # noqa: E402,F401  (routes register on import)
