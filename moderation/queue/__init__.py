"""Moderators: the queue, the spam folder, and the decisions taken on them."""

from moderation.queue.views import bp

__all__ = ["bp"]
