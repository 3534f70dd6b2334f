"""Letting a site's data out: JSON Lines, WordPress WXR, and one reader's data (no Flask here).

Exports contain readers' emails: only administrators and the command line produce them.
"""

from moderation.exports.jsonl import site_lines
from moderation.exports.wxr import wxr_chunks

__all__ = ["site_lines", "wxr_chunks"]
