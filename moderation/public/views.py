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
from werkzeug.exceptions import HTTPException, ServiceUnavailable
from werkzeug.wrappers import Response as BaseResponse

from models import Article, CommentStatus
from moderation import errors
from moderation.articles import article_or_404, find_article, thread_html
from moderation.extensions import db
from moderation.pipeline import FIELDS, UnknownArticle, ValidationFailed, validate
from moderation.ratelimit import RateLimited
from moderation.services import services
from moderation.threads import PageRequest

bp = Blueprint("public", __name__)


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
    errors: dict[str, str] | None = None,
    token: str | None = None,
    page: PageRequest | None = None,
) -> tuple[str, int]:
    """The article page with a page of its thread; `form` and `errors` refill a rejected
    submission. Returns the page and the thread version it shows."""
    shown, version, thread = thread_html(article, page or PageRequest())
    html = render_template(
        "public/article.html",
        article=shown,
        thread=thread,
        form=form or {},
        errors=errors or {},
        token=token or generate_csrf(),
    )
    return html, version


@bp.get("/articles/<slug>")
def article(slug: str) -> tuple[str, int]:
    """An article, a page of its published thread (`?order=newest`, `?after=ID` for the next
    page) and the comment form (`?reply_to=ID` fills reply-to)."""
    article = article_or_404(slug)
    page = PageRequest.for_readers(request.args)
    reply_to = request.args.get("reply_to", "")
    # A reply-to field, a moderator's menu or a message to show makes the page this visitor's
    # own. (Flask keeps the messages it takes from the session for the page's template.)
    if reply_to.isdigit() or "moderator_id" in session or get_flashed_messages():
        form = {"parent_id": reply_to if reply_to.isdigit() else ""}
        return render_article(article, form, page=page)[0], 200
    # What every anonymous reader sees is the same page but for the token: render it once per
    # thread version and fill the token in.
    cache = services().render_cache
    cached = cache.get(("page", article.id, article.thread_version, page))
    if not isinstance(cached, str):
        cached, version = render_article(article, token=TOKEN_SLOT, page=page)
        cache.put(("page", article.id, version, page), cached)
    return cached.replace(TOKEN_SLOT, generate_csrf(), 1), 200


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
        return render_article(article_or_404(slug), typed_fields(), failed.errors)[0], 422
    if comment.status is CommentStatus.APPROVED:
        flash("Thank you! Your comment is published.", "success")
        anchor = f"comment-{comment.id}"
    else:
        flash("Thank you! Your comment is awaiting moderation.", "success")
        anchor = "comments"
    return redirect(url_for("public.article", slug=slug, _anchor=anchor))


@bp.errorhandler(Exception)
def keep_what_was_typed(error: Exception) -> errors.Answer:
    """Show the form again, with what was typed, when a guard refuses a comment or it fails.

    The guards are the CSRF token and the rate limits; any other error is answered as everywhere
    else. Flask asks a blueprint's handler before the application's. When the database cannot
    be reached or written (503), the form comes back on a page that needs nothing from it.
    """
    refill = isinstance(error, CSRFError | RateLimited) or not isinstance(
        error, HTTPException | UnknownArticle
    )
    if not refill or request.endpoint != "public.post_comment":
        return errors.answer(error)
    http_error = errors.as_http_error(error)  # an unexpected error is logged and rolled back here
    status, headers = errors.status_and_headers(http_error)
    slug = str((request.view_args or {}).get("slug"))
    message = (
        "Your session expired before you sent this. Please send it again."
        if isinstance(error, CSRFError)
        else http_error.description or http_error.name
    )
    if isinstance(http_error, ServiceUnavailable):
        page = render_template(
            "public/unsaved.html",
            slug=slug,
            form=typed_fields(),
            message=message,
            token=generate_csrf(),
            offline=True,
        )
        return page, status, headers
    article = find_article(slug)
    if article is None:
        return errors.answer(http_error)
    page, _ = render_article(article, typed_fields(), {"form": message})
    return page, status, headers
