"""Admin pages for one reader's data: find it by email, export it, erase it (thin views)."""

from __future__ import annotations

import json

from flask import Response, current_app, flash, redirect, render_template, request, url_for
from flask_babel import ngettext
from werkzeug.wrappers import Response as BaseResponse

from moderation import audit, readers
from moderation.admin.views import bp
from moderation.auth.session import admin_required, signed_in_moderator
from moderation.extensions import db
from moderation.i18n import number


def _actor() -> str:
    return signed_in_moderator().email


def _secret() -> str:
    return str(current_app.config["SECRET_KEY"])


def _page(
    email: str = "", errors: dict[str, str] | None = None, status: int = 200
) -> tuple[str, int]:
    data = readers.find(db.session, email) if email and "email" not in (errors or {}) else None
    page = render_template(
        "admin/readers.html",
        email=email,
        data=data,
        errors=errors or {},
        history=audit.recent(db.session, "reader.", limit=20),
    )
    return page, status


def _email_or_error() -> tuple[str, dict[str, str]]:
    email = readers.normalize_email(request.form.get("email", ""))
    return email, ({} if "@" in email else {"email": "email"})


@bp.get("/readers")
@admin_required
def readers_page() -> tuple[str, int]:
    """Find a reader's data by email."""
    return _page()


@bp.post("/readers")
@admin_required
def find_reader() -> tuple[str, int]:
    """Everything sent with one email (posted, so the address stays out of server logs)."""
    email, errors = _email_or_error()
    return _page(email, errors, 422 if errors else 200)


@bp.post("/readers/export")
@admin_required
def export_reader() -> Response | tuple[str, int]:
    """The reader's data as a JSON download; the audit log notes it."""
    email, errors = _email_or_error()
    if errors:
        return _page(email, errors, 422)
    data = readers.find(db.session, email)
    readers.record_export(db.session, _actor(), _secret(), data)
    db.session.commit()
    body = json.dumps(readers.export(data), ensure_ascii=False, indent=2)
    response = Response(body, mimetype="application/json")
    response.headers["Content-Disposition"] = 'attachment; filename="tertulia-reader-data.json"'
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.post("/readers/erase")
@admin_required
def erase_reader() -> BaseResponse | tuple[str, int]:
    """Erase everything sent with the email, once the admin has typed it a second time."""
    email, errors = _email_or_error()
    if not errors and readers.normalize_email(request.form.get("confirm", "")) != email:
        errors["confirm"] = "confirm"
    if errors:
        return _page(email, errors, 422)
    forgotten = readers.erase(db.session, _actor(), _secret(), email)
    db.session.commit()
    flash(
        ngettext(
            "Erased %(count)s comment sent with that email, and what was learned from it.",
            "Erased %(count)s comments sent with that email, and what was learned from them.",
            forgotten.comments,
            count=number(forgotten.comments),
        ),
        "success",
    )
    return redirect(url_for("admin.readers_page"))
