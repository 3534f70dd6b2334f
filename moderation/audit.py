"""The audit log: what administrators did to readers' data and to the site (no Flask here)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from models import AuditEntry

COMMAND_LINE = "command line"


def record(
    session: Session,
    actor: str,
    action: str,
    target: str = "",
    details: dict[str, Any] | None = None,
) -> AuditEntry:
    """Add an entry; the caller commits it with the change it accounts for."""
    entry = AuditEntry(actor=actor, action=action, target=target[:300], details=details or {})
    session.add(entry)
    return entry


def recent(session: Session, prefix: str = "", limit: int = 50) -> list[AuditEntry]:
    """The newest entries whose action starts with `prefix`."""
    query = select(AuditEntry).order_by(AuditEntry.id.desc()).limit(limit)
    if prefix:
        query = query.where(AuditEntry.action.startswith(prefix))
    return list(session.scalars(query))
