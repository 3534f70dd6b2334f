"""Site admins: the articles open for comments and the moderator accounts."""

from moderation.admin.views import bp

__all__ = ["bp"]
