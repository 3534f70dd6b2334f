"""Moderators sign in and out."""

from moderation.auth.views import bp

__all__ = ["bp"]
