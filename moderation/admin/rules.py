"""Admin pages that keep trolls out: bans and word lists (thin views over `pipeline.rules`).

Every change is written to the audit log with the change itself.
"""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import select
from werkzeug.wrappers import Response as BaseResponse

from models import Ban, BanKind, Comment, CommentStatus, WordAction, WordRule, utcnow
from moderation import audit
from moderation.admin.views import bp
from moderation.auth.session import admin_required, signed_in_moderator
from moderation.extensions import db
from moderation.messages import field_messages
from moderation.pipeline import ValidationFailed, decide_many, rules
from moderation.queue.listing import pending_by_author
from moderation.services import services


def _actor() -> str:
    return signed_in_moderator().email


def _target(ban: Ban) -> str:
    # An author is named by the start of the keyed hash: enough to tell bans apart, no address.
    return f"email:{ban.value[:12]}" if ban.kind is BanKind.EMAIL else f"network:{ban.value}"


def _bans_page(form: dict[str, str], errors: dict[str, str], status: int) -> tuple[str, int]:
    bans = db.session.scalars(select(Ban).order_by(Ban.created_at.desc(), Ban.id.desc())).all()
    page = render_template(
        "admin/bans.html",
        bans=bans,
        now=utcnow().replace(tzinfo=None),
        durations=list(rules.DURATIONS),
        form=form,
        errors=errors,
        history=audit.recent(db.session, "ban.", limit=20),
    )
    return page, status


@bp.get("/bans")
@admin_required
def bans() -> tuple[str, int]:
    """The bans in force and past, and a form to ban an author or a network."""
    return _bans_page({"duration": "forever"}, {}, 200)


@bp.post("/bans")
@admin_required
def add_ban() -> BaseResponse | tuple[str, int]:
    """Ban an author (by email) or a client network, for a while or for good."""
    typed = {name: request.form.get(name, "") for name in ("email", "network", "duration", "note")}
    try:
        ban = rules.add_ban(
            db.session,
            services().intake.email_key,
            _actor(),
            utcnow(),
            email=typed["email"],
            network=typed["network"],
            duration=typed["duration"],
            note=typed["note"],
        )
    except ValidationFailed as failed:
        db.session.rollback()
        typed["email"] = ""  # never echo an address back into a page
        return _bans_page(typed, field_messages(failed), 422)
    audit.record(
        db.session,
        _actor(),
        "ban.add",
        _target(ban),
        {"duration": typed["duration"], "note": ban.note},
    )
    db.session.commit()
    flash(_("Blocked. Their next comments go straight to Rejected."), "success")
    return redirect(url_for("admin.bans"))


@bp.post("/bans/comment/<id:comment_id>")
@admin_required
def ban_author(comment_id: int) -> BaseResponse:
    """Ban the author of a comment (from the queue) and reject their pending comments."""
    comment = db.session.get(Comment, comment_id)
    if comment is None:
        abort(404)
    duration = request.form.get("duration", "forever")
    note = request.form.get("note") or _("Author of comment #%(id)s", id=comment.id)
    try:
        ban = rules.add_ban(
            db.session,
            services().intake.email_key,
            _actor(),
            utcnow(),
            email=comment.author_email,
            duration=duration,
            note=note,
        )
    except ValidationFailed as failed:
        db.session.rollback()
        flash(" ".join(field_messages(failed).values()), "error")
        return redirect(url_for("queue.index"))
    outcome = decide_many(
        db.session,
        pending_by_author(db.session, comment),
        CommentStatus.REJECTED,
        signed_in_moderator(),
        "author blocked",
    )
    audit.record(
        db.session,
        _actor(),
        "ban.add",
        _target(ban),
        {"duration": duration, "note": ban.note, "comment": comment.id},
    )
    db.session.commit()
    flash(
        ngettext(
            "%(name)s is blocked; %(num)d pending comment rejected.",
            "%(name)s is blocked; %(num)d pending comments rejected.",
            len(outcome.changed),
            name=comment.author_name,
        ),
        "success",
    )
    return redirect(url_for("queue.index"))


@bp.post("/bans/<id:ban_id>/lift")
@admin_required
def lift_ban(ban_id: int) -> BaseResponse:
    """End a ban now."""
    ban = rules.lift_ban(db.session, ban_id)
    if ban is None:
        abort(404)
    audit.record(db.session, _actor(), "ban.lift", _target(ban), {"note": ban.note})
    db.session.commit()
    flash(_("The block is lifted."), "success")
    return redirect(url_for("admin.bans"))


def _words_page(form: dict[str, str], errors: dict[str, str], status: int) -> tuple[str, int]:
    words = db.session.scalars(select(WordRule).order_by(WordRule.action, WordRule.folded)).all()
    page = render_template(
        "admin/words.html",
        words=words,
        actions=[action.value for action in WordAction],
        form=form,
        errors=errors,
        history=audit.recent(db.session, "words.", limit=20),
    )
    return page, status


@bp.get("/words")
@admin_required
def words() -> tuple[str, int]:
    """The site's blocked and held words and phrases."""
    return _words_page({"action": WordAction.HOLD.value}, {}, 200)


@bp.post("/words")
@admin_required
def add_words() -> BaseResponse | tuple[str, int]:
    """Add words or phrases, one per line, to the block or the hold list."""
    typed = {name: request.form.get(name, "") for name in ("phrases", "action")}
    try:
        added = rules.add_phrases(db.session, typed["phrases"], typed["action"], _actor())
    except ValidationFailed as failed:
        db.session.rollback()
        return _words_page(typed, field_messages(failed), 422)
    if added:
        audit.record(
            db.session,
            _actor(),
            "words.add",
            typed["action"],
            {"phrases": [rule.phrase for rule in added]},
        )
    db.session.commit()
    flash(
        ngettext("%(num)d word or phrase added.", "%(num)d words or phrases added.", len(added)),
        "success",
    )
    return redirect(url_for("admin.words"))


@bp.post("/words/<id:rule_id>/remove")
@admin_required
def remove_word(rule_id: int) -> BaseResponse:
    """Take a word or phrase off its list."""
    rule = rules.remove_phrase(db.session, rule_id)
    if rule is None:
        abort(404)
    audit.record(db.session, _actor(), "words.remove", rule.action.value, {"phrase": rule.phrase})
    db.session.commit()
    flash(_("Removed from the list."), "success")
    return redirect(url_for("admin.words"))
