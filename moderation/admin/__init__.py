"""Site admins: articles, moderator accounts, imports and exports, readers' data."""

from flask import Blueprint

bp = Blueprint("admin", __name__)

from moderation.admin import readers, transfer, views  # noqa: E402,F401  (routes register on import)
