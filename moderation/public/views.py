"""Article pages and the no-JavaScript comment form."""

from __future__ import annotations

from flask import (
    Blueprint,
    flash,
    get_flashed_messages,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_wtf.csrf import CSRFError, generate_csrf
from sqlalchemy import select
from werkzeug.exceptions import HTTPException
from werkzeug.wrappers import Response as BaseResponse

from models import Article
from moderation import errors
from moderation.articles import article_or_404, find_article, published_comment, thread_html
from moderation.extensions import db
from moderation.i18n import locale_code, use_locale
from moderation.messages import field_messages
from moderation.pipeline import FIELDS, UnknownArticle, ValidationFailed, validate
from moderation.ratelimit import RateLimited
from moderation.services import services

bp = Blueprint("public", __name__)

# The fields of the form in the order the page shows them, and where the error summary sends
# the reader for each (the reply-to comment is the "Replying to" line).
FORM_ORDER = ("form", "name", "email", "body", "parent_id", "page_description")
FIELD_TARGETS = {"name": "name", "email": "email", "body": "body", "parent_id": "replying"}
# The flash category of the confirmation the page shows after a comment was sent.
SENT = "comment"


@bp.get("/")
def index() -> str:
    """The list of articles open for comments."""
    articles = db.session.scalars(select(Article).order_by(Article.created_at.desc())).all()
    return render_template("public/index.html", articles=articles)


# Stands in for the visitor's CSRF token in the cached page; never a valid token itself.
TOKEN_SLOT = "__csrf_token_slot__"


def render_article(
    article: Article,
    form: dict[str, str] | None = None,
    messages: dict[str, str] | None = None,
    status: int = 200,
    token: str | None = None,
) -> tuple[str, int]:
    """The article page with its thread; `form` and `messages` refill a rejected submission.

    The page speaks the article's language, else the one of the page the comment was sent from.
    """
    form = form or {}
    messages = messages or {}
    use_locale(article.language, form.get("page_language"))
    parent_id = form.get("parent_id", "")
    parent = published_comment(article, int(parent_id)) if parent_id.isdigit() else None
    page = render_template(
        "public/article.html",
        article=article,
        thread=thread_html(article, locale_code()),
        form=form,
        errors=messages,
        summary=[
            (messages[name], FIELD_TARGETS.get(name)) for name in FORM_ORDER if name in messages
        ],
        parent=parent,
        token=token or generate_csrf(),
    )
    return page, status


@bp.get("/articles/<slug>")
def article(slug: str) -> tuple[str, int]:
    """An article's published thread and the comment form (`?reply_to=ID` replies to one)."""
    article = article_or_404(slug)
    reply_to = request.args.get("reply_to", "")
    # A reply, a moderator's menu or a confirmation to show makes the page this visitor's own.
    # (Flask keeps the messages it takes from the session for the page's template.)
    if reply_to.isdigit() or "moderator_id" in session or get_flashed_messages():
        return render_article(article, {"parent_id": reply_to if reply_to.isdigit() else ""})
    # What every anonymous reader sees is the same page but for the token: render it once per
    # thread version and language, and fill the token in.
    use_locale(article.language)
    page: str = services().render_cache.get(
        ("page", article.id, article.thread_version, locale_code()),
        lambda: render_article(article, token=TOKEN_SLOT)[0],
    )
    return page.replace(TOKEN_SLOT, generate_csrf(), 1), 200


def typed_fields() -> dict[str, str]:
    """What the commenter typed in the form, to show it again."""
    return {name: request.form.get(name, "") for name in FIELDS}


@bp.post("/articles/<slug>")
def post_comment(slug: str) -> BaseResponse | tuple[str, int]:
    """Accept a comment from the form; on bad input, show it again with one message per field."""
    try:
        submission = validate(
            request.form,
            client_ip=request.remote_addr,
            user_agent=request.user_agent.string,
        )
        comment = services().intake.submit(db.session, slug, submission)
    except ValidationFailed as failed:
        article = article_or_404(slug)
        use_locale(article.language, request.form.get("page_language"))  # before the wording
        return render_article(article, typed_fields(), field_messages(failed), status=422)
    # Worded where it is shown, in the page's language: "approved:31" or "pending:31".
    flash(f"{comment.status.value}:{comment.id}", SENT)
    return redirect(url_for("public.article", slug=slug))


@bp.errorhandler(Exception)
def keep_what_was_typed(error: Exception) -> errors.Answer:
    """Show the form again, with what was typed, when a guard refuses a comment or it fails.

    The guards are the CSRF token and the rate limits; any other error is answered as everywhere
    else. Flask asks a blueprint's handler before the application's.
    """
    refill = isinstance(error, CSRFError | RateLimited) or not isinstance(
        error, HTTPException | UnknownArticle
    )
    if not refill or request.endpoint != "public.post_comment":
        return errors.answer(error)
    article = find_article(str((request.view_args or {}).get("slug")))
    if article is None:
        return errors.answer(error)
    use_locale(article.language, request.form.get("page_language"))
    told = errors.failure(error)  # an unexpected error is logged and rolled back here
    message = errors.session_expired() if isinstance(error, CSRFError) else told.message
    page, _ = render_article(article, typed_fields(), {"form": message}, status=told.status)
    return page, told.status, told.headers
