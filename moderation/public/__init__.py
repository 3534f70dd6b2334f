"""Commenters: article pages with their published threads, the comment form and the feeds."""

from moderation.public import feeds, unsubscribe  # noqa: F401  (their routes register on bp)
from moderation.public.views import bp

__all__ = ["bp"]
