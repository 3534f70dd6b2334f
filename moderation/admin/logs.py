"""Admin pages that account for the site: the audit log and the mail outbox's problems."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy import select
from werkzeug.wrappers import Response as BaseResponse

from models import AuditEntry, utcnow
from moderation import audit
from moderation.admin.views import bp
from moderation.auth.session import admin_required, signed_in_moderator
from moderation.extensions import db
from moderation.notifications import outbox

AUDIT_PAGE = 100


@bp.get("/audit")
@admin_required
def audit_log() -> str:
    """Every administrator's change, newest first (`?before=ID` pages back)."""
    query = select(AuditEntry).order_by(AuditEntry.id.desc()).limit(AUDIT_PAGE)
    if (before := request.args.get("before", type=int)) is not None:
        query = query.where(AuditEntry.id < before)
    if prefix := request.args.get("action", "").strip():
        query = query.where(AuditEntry.action.startswith(prefix))
    entries = db.session.scalars(query).all()
    return render_template(
        "admin/audit.html", entries=entries, action=prefix, more=len(entries) == AUDIT_PAGE
    )


@bp.get("/mail")
@admin_required
def mail() -> str:
    """The outbox: how many mails wait, went out or failed, and why the failing ones fail."""
    return render_template(
        "admin/mail.html",
        counts=outbox.counts(db.session),
        problems=outbox.problems(db.session),
        max_attempts=outbox.MAX_ATTEMPTS,
    )


@bp.post("/mail/<id:mail_id>/retry")
@admin_required
def retry_mail(mail_id: int) -> BaseResponse:
    """Send a failed mail again with the next run of the worker."""
    if not outbox.retry(db.session, mail_id, utcnow()):
        abort(404)
    audit.record(db.session, signed_in_moderator().email, "mail.retry", f"outbox:{mail_id}")
    db.session.commit()
    flash(_("The mail goes out again with the next run of the mail worker."), "success")
    return redirect(url_for("admin.mail"))
