"""Queue pages and moderator actions: thin views over `listing` and `pipeline.decisions`."""

from __future__ import annotations

import functools

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from werkzeug.wrappers import Response as BaseResponse

from models import Comment, CommentStatus, utcnow
from moderation import audit
from moderation.auth.session import admin_required, login_required, signed_in_moderator
from moderation.config import site_languages
from moderation.extensions import db
from moderation.i18n import language_name, number
from moderation.messages import decided, decided_many, status_label
from moderation.pipeline import ACTIONS, Conflict, NotAllowed, decide, decide_many, learning
from moderation.pipeline.submission import parse_id
from moderation.queue.cards import card_renderer
from moderation.queue.listing import (
    FOLDERS,
    ORDERS,
    Filters,
    comments_by_ids,
    default_order,
    folder_page,
    pending_by_author,
)
from moderation.security import safe_next
from moderation.services import services

bp = Blueprint("queue", __name__)


def status_names() -> dict[CommentStatus, str]:
    """What each status is called on the queue's pages, in the moderator's language."""
    return {status: status_label(status.value) for status in CommentStatus}


@bp.get("/model")
@login_required
def model() -> str:
    """The site's spam model: its learned versions, their verdicts, what waits for the learning
    worker, and rollback for admins."""
    shared = services()
    models = shared.classifiers.spam.available()
    backlog = learning.backlog(db.session, shared.learn_batch)
    return render_template(
        "queue/model.html",
        versions=learning.versions(db.session),
        # None when the bundled model could not be loaded: the page says so (a banner).
        active=models.active(db.session) if models is not None else None,
        backlog=backlog,
        worker_silent=backlog.worker_silent(utcnow()),
        moderator=signed_in_moderator(),
    )


@bp.post("/model/rollback")
@admin_required
def rollback() -> BaseResponse:
    """Make another version active (admins only)."""
    version = request.form.get("version") or None
    try:
        active = learning.rollback(db.session, version)
    except LookupError:
        flash(_("There is no usable spam filter version %(version)s.", version=version), "error")
    else:
        audit.record(db.session, signed_in_moderator().email, "spam.rollback", str(active))
        db.session.commit()
        flash(_("The spam filter now scores with %(version)s.", version=active), "success")
    return redirect(url_for("queue.model"))


@bp.get("/", defaults={"folder": "pending"})
@bp.get("/<folder>")
@login_required
def index(folder: str) -> str:
    """A folder of comments: pending (the queue), spam, rejected or approved."""
    if folder not in FOLDERS:
        abort(404)
    moderator = signed_in_moderator()
    filters = Filters(
        language=request.args.get("language") or None,
        search=request.args.get("q", "").strip() or None,
        likely={"yes": True, "no": False}.get(request.args.get("likely", "")),
        article=request.args.get("article") or None,
        order=request.args.get("order") if request.args.get("order") in ORDERS else None,
        comment_id=request.args.get("id", type=int),
    )
    page = folder_page(
        db.session, moderator, FOLDERS[folder], filters, request.args.get("page", 1, type=int)
    )
    return render_template(
        "queue/index.html",
        folder=folder,
        page=page,
        filters=filters,
        language=filters.language,
        search=filters.search,
        likely=request.args.get("likely") if filters.likely is not None else None,
        order=page.order,
        default_order=default_order(FOLDERS[folder]),
        counts=page.folders,
        moderator=moderator,
        actions=ACTIONS,
        site_languages=site_languages(),
        card=card_renderer(folder, moderator, status_names()),
        language_name=functools.cache(language_name),
    )


@bp.get("/comments/<id:comment_id>")
@login_required
def show(comment_id: int) -> BaseResponse:
    """One comment in whichever folder it is now (the link in notification mails)."""
    comment = db.session.get(Comment, comment_id)
    if comment is None:
        abort(404)
    target = url_for("queue.index", folder=comment.status.value, id=comment.id)
    return redirect(f"{target}#item-{comment.id}")


def _back(folder: str) -> str:
    return safe_next(request.form.get("next"), url_for("queue.index", folder=folder))


def _seen(value: str | None) -> CommentStatus | None:
    try:
        return CommentStatus(value or "")
    except ValueError:
        return None


@bp.post("/comments/<id:comment_id>/<action>")
@login_required
def act(comment_id: int, action: str) -> BaseResponse | tuple[str, int]:
    """Approve, reject, mark as spam or requeue one comment, from the status the moderator saw.

    When a colleague changed it meanwhile nothing changes: a page says who did what and when,
    and offers to apply the action anyway.
    """
    if action not in ACTIONS:
        abort(404)
    comment = db.session.get(Comment, comment_id)
    if comment is None:
        abort(404)
    seen = _seen(request.form.get("seen"))
    if seen is None:
        abort(400, _("This page is out of date: reload it and try again."))
    try:
        decide(
            db.session,
            comment,
            ACTIONS[action],
            signed_in_moderator(),
            request.form.get("reason", ""),
            seen=seen,
        )
    except NotAllowed:
        status = status_label(ACTIONS[action].value)
        flash(
            _("Comment %(number)s is already %(status)s.", number=comment.id, status=status),
            "error",
        )
    except Conflict as conflict:
        page = render_template(
            "queue/conflict.html",
            conflicts=[conflict],
            action=action,
            target=ACTIONS[action],
            statuses=status_names(),
            back=_back(seen.value),
        )
        return page, 409
    else:
        db.session.commit()
        flash(decided(ACTIONS[action].value, comment.id, comment.author_name), "success")
    return redirect(_back(seen.value))


@bp.post("/comments/<id:comment_id>/reject-author")
@login_required
def reject_author(comment_id: int) -> BaseResponse:
    """Reject every pending comment by this comment's author (when banning a troll)."""
    comment = db.session.get(Comment, comment_id)
    if comment is None:
        abort(404)
    comments = pending_by_author(db.session, comment)
    outcome = decide_many(
        db.session, comments, CommentStatus.REJECTED, signed_in_moderator(), "all by this author"
    )
    db.session.commit()
    flash(
        ngettext(
            "%(count)s pending comment by %(name)s rejected.",
            "%(count)s pending comments by %(name)s rejected.",
            len(outcome.changed),
            count=number(len(outcome.changed)),
            name=comment.author_name,
        ),
        "success",
    )
    return redirect(_back("pending"))


@bp.post("/bulk")
@login_required
def bulk() -> BaseResponse | tuple[str, int]:
    """Apply one action to every selected comment, in one transaction, each from the status
    the moderator saw; reports what happened to each when any had changed meanwhile."""
    action = request.form.get("action", "")
    folder = request.form.get("folder", "pending")
    if action not in ACTIONS:
        flash(_("Choose an action for the selected comments."), "error")
        return redirect(_back(folder))
    ids = [number for value in request.form.getlist("comment_id") if (number := parse_id(value))]
    comments = comments_by_ids(db.session, ids)
    if not comments:
        flash(_("Select at least one comment."), "error")
        return redirect(_back(folder))
    seen = {
        comment.id: status
        for comment in comments
        if (status := _seen(request.form.get(f"seen-{comment.id}"))) is not None
    }
    if len(seen) != len(comments):
        abort(400, _("This page is out of date: reload it and try again."))
    outcome = decide_many(db.session, comments, ACTIONS[action], signed_in_moderator(), seen=seen)
    db.session.commit()
    if outcome.conflicts:
        page = render_template(
            "queue/conflict.html",
            conflicts=outcome.conflicts,
            outcome=outcome,
            action=action,
            target=ACTIONS[action],
            statuses=status_names(),
            back=_back(folder),
        )
        return page, 200
    message = decided_many(ACTIONS[action].value, len(outcome.changed))
    if outcome.already:
        message += " " + ngettext(
            "%(num)d was already there.", "%(num)d were already there.", len(outcome.already)
        )
    flash(message, "success")
    return redirect(_back(folder))
