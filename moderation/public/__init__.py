"""Commenters: article pages with their published threads and the comment form."""

from moderation.public.views import bp

__all__ = ["bp"]
