"""Article pages and the no-JavaScript comment form."""

from __future__ import annotations

from flask import current_app, flash, redirect, render_template, request, url_for
from sqlalchemy import select
from werkzeug.wrappers import Response as BaseResponse

from models import Article, CommentStatus
from moderation.articles import article_or_404, thread_html
from moderation.extensions import db, limiter
from moderation.pipeline import FIELDS, ValidationFailed, validate
from moderation.public import bp
from moderation.services import services


def comment_limit() -> str:
    """The configured per-client comment rate limit."""
    limit: str = current_app.config["TERTULIA_COMMENT_RATE_LIMIT"]
    return limit


@bp.get("/")
def index() -> str:
    """The list of articles open for comments."""
    articles = db.session.scalars(select(Article).order_by(Article.created_at.desc())).all()
    return render_template("public/index.html", articles=articles)


def render_article(
    article: Article,
    form: dict[str, str] | None = None,
    errors: dict[str, str] | None = None,
    status: int = 200,
) -> tuple[str, int]:
    """The article page with its thread; `form` and `errors` refill a rejected submission."""
    page = render_template(
        "public/article.html",
        article=article,
        thread=thread_html(article),
        form=form or {},
        errors=errors or {},
    )
    return page, status


@bp.get("/articles/<slug>")
def article(slug: str) -> tuple[str, int]:
    """An article's published thread and the comment form."""
    return render_article(article_or_404(slug))


@bp.post("/articles/<slug>")
@limiter.limit(comment_limit)
def post_comment(slug: str) -> BaseResponse | tuple[str, int]:
    """Accept a comment from the form; on bad input, show it again with one message per field."""
    found = article_or_404(slug)
    typed = {name: request.form.get(name, "") for name in FIELDS}
    try:
        submission = validate(
            request.form,
            client_ip=request.remote_addr,
            user_agent=request.user_agent.string,
        )
        comment = services().pipeline.submit(db.session, found, submission)
    except ValidationFailed as failed:
        return render_article(found, typed, failed.errors, status=422)
    if comment.status is CommentStatus.APPROVED:
        flash("Thank you! Your comment is published.", "success")
        anchor = f"comment-{comment.id}"
    else:
        flash("Thank you! Your comment is awaiting moderation.", "success")
        anchor = "comments"
    return redirect(url_for("public.article", slug=slug, _anchor=anchor))
