"""One-click unsubscribe: the link in every mail (thin views over `notifications.events`).

GET shows a confirmation page and changes nothing (mail scanners follow links); POST acts,
whether from that page's button or from a mail client's one-click `List-Unsubscribe-Post`,
which carries no CSRF token: the signed token in the address is the authority.
"""

from __future__ import annotations

from flask import abort, current_app, render_template
from sqlalchemy.orm import Session

from models import Comment, Moderator
from moderation.extensions import csrf, db
from moderation.i18n import use_locale
from moderation.mail import moderator_locale
from moderation.notifications import events, tokens
from moderation.public.views import bp


def _verified(token: str) -> tuple[str, int]:
    found = tokens.verify(str(current_app.config["SECRET_KEY"]), token)
    if found is None:
        abort(404)
    return found


def _speak_their_language(session: Session, kind: str, number: int) -> None:
    if kind == tokens.MODERATOR:
        moderator = session.get(Moderator, number)
        if moderator is not None:
            use_locale(moderator_locale(moderator))
    elif (comment := session.get(Comment, number)) is not None:
        use_locale(comment.language)


@bp.get("/unsubscribe/<token>")
def unsubscribe(token: str) -> str:
    """Ask to confirm: a GET never unsubscribes."""
    kind, number = _verified(token)
    _speak_their_language(db.session, kind, number)
    return render_template("public/unsubscribe.html", token=token, done=False)


@bp.post("/unsubscribe/<token>")
def confirm_unsubscribe(token: str) -> str:
    """Stop the mails the token names (the page's button, or a mail client's one click)."""
    kind, number = _verified(token)
    _speak_their_language(db.session, kind, number)
    events.unsubscribe(db.session, kind, number)
    db.session.commit()
    return render_template("public/unsubscribe.html", token=token, done=True)


# A mail client's one-click POST carries no CSRF token; the signed token is the authority.
csrf.exempt(confirm_unsubscribe)
