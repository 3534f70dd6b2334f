"""Site admins: articles, moderator accounts, imports and exports, readers' data."""

from moderation.admin import readers, transfer  # noqa: F401  (their routes register on bp)
from moderation.admin.views import bp

__all__ = ["bp"]
