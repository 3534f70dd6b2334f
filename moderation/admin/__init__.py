"""Site admins: articles, moderator accounts, imports and exports, readers' data."""

from moderation.admin import (  # noqa: F401  (their routes register on bp)
    logs,
    readers,
    rules,
    transfer,
)
from moderation.admin.views import bp

__all__ = ["bp"]
