"""Commenters: article pages with their published threads, the comment form, the feeds and the
embed script's words."""

from moderation.public import embed, feeds, unsubscribe  # noqa: F401  (their routes register on bp)
from moderation.public.views import bp

__all__ = ["bp"]
