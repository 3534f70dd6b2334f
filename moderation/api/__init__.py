"""The JSON API for embedding sites and integrations."""

from moderation.api import cors
from moderation.api.views import bp

cors.register(bp)

__all__ = ["bp"]
