"""Article pages and the no-JavaScript comment form."""

from __future__ import annotations

import secrets

from flask import (
    Blueprint,
    flash,
    get_flashed_messages,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext
from flask_wtf.csrf import CSRFError, generate_csrf
from sqlalchemy import select
from werkzeug.datastructures import MultiDict
from werkzeug.exceptions import HTTPException, RequestEntityTooLarge
from werkzeug.formparser import parse_form_data
from werkzeug.wrappers import Response as BaseResponse

from models import BODY_LENGTH, Article
from moderation import errors, messages
from moderation.articles import (
    ThreadArticle,
    article_or_404,
    find_article,
    published_comment,
    thread_article_or_404,
    thread_html,
)
from moderation.auth.session import current_moderator
from moderation.extensions import db
from moderation.i18n import locale_code, use_locale
from moderation.inputs import RefusedInput
from moderation.messages import field_messages
from moderation.pipeline import FIELDS, UnknownArticle, ValidationFailed, validate
from moderation.pipeline.submission import parse_id, unstorable_shown
from moderation.services import services
from moderation.threads import PageRequest

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


def render_article(
    article: Article | ThreadArticle,
    form: dict[str, str] | None = None,
    messages: dict[str, str] | None = None,
    token: str | None = None,
    page: PageRequest | None = None,
) -> tuple[str, int]:
    """The article page with a page of its thread; `form` and `messages` refill a rejected
    submission. Returns the page and the thread version it shows.

    The page speaks the article's language, else the one of the page the comment was sent from.
    """
    form = form or {}
    messages = messages or {}
    use_locale(article.language, form.get("page_language"))
    parent_id = parse_id(form.get("parent_id", ""))
    parent = published_comment(article, parent_id) if parent_id is not None else None
    shown, version, thread = thread_html(article, page or PageRequest(), locale_code())
    html = render_template(
        "public/article.html",
        article=shown,
        thread=thread,
        form=form,
        errors=messages,
        summary=[
            (messages[name], FIELD_TARGETS.get(name)) for name in FORM_ORDER if name in messages
        ],
        parent=parent,
        token=token or generate_csrf(),
    )
    return html, version


@bp.get("/articles/<slug>")
def article(slug: str) -> tuple[str, int]:
    """An article, a page of its published thread (`?order=newest`, `?after=ID` for the next
    page) and the comment form (`?reply_to=ID` replies to one)."""
    article = thread_article_or_404(slug)
    page = PageRequest.for_readers(request.args)
    reply_to = parse_id(request.args.get("reply_to", ""))
    # A reply, a moderator's menu or a confirmation to show makes the page this visitor's own.
    # (Flask keeps the messages it takes from the session for the page's template.)
    if reply_to or current_moderator() is not None or get_flashed_messages():
        return render_article(article, {"parent_id": str(reply_to or "")}, page=page)[0], 200
    # What every anonymous reader sees is the same page but for the token: render it once per
    # thread version, page, language and script root (its links start with it), and put the
    # token between its two halves.
    use_locale(article.language)
    cache = services().render_cache
    key = ("page", article.id, article.thread_version, page, locale_code(), request.script_root)
    before, after = cache.get((*key, "before")), cache.get((*key, "after"))
    if not (isinstance(before, str) and isinstance(after, str)):
        before, after, version = split_at_token(article, page)
        stored = ("page", article.id, version, page, locale_code(), request.script_root)
        cache.put((*stored, "before"), before)
        cache.put((*stored, "after"), after)
    return before + generate_csrf() + after, 200


def split_at_token(article: ThreadArticle, page: PageRequest) -> tuple[str, str, int]:
    """The anonymous article page in two parts, around where the visitor's token goes, and
    the thread version it shows.

    The page is rendered with a random stand-in for the token and cut there once: comments can
    say anything, but not a value drawn after they were published. Nothing searches the page
    for the visitor's request.
    """
    slot = secrets.token_hex(16)
    html, version = render_article(article, token=slot, page=page)
    before, after = html.split(slot)
    return before, after, version


def typed_fields() -> dict[str, str]:
    """What the commenter typed in the form, to show it again (even when it was too large)."""
    form: MultiDict[str, str]
    try:
        form = request.form
    except RequestEntityTooLarge:
        form = _oversized_form()
    # A character that no page can show (a NUL) is shown as the replacement character.
    return {name: unstorable_shown(form.get(name, "")) for name in FIELDS}


# A form refused for its size (over MAX_CONTENT_LENGTH) is still read up to this much, to give
# the commenter their text back; anything larger is no comment anybody typed.
REFILL_LIMIT = 256 * 1024


def _oversized_form() -> MultiDict[str, str]:
    # Werkzeug refused it on its Content-Length alone, so the body is still there to read.
    length = request.content_length
    if length is None or length > REFILL_LIMIT:
        return MultiDict()
    _, form, _ = parse_form_data(request.environ, max_content_length=REFILL_LIMIT, silent=True)
    return form


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
        return render_article(article, typed_fields(), field_messages(failed))[0], 422
    # Worded where it is shown, in the page's language: "approved:31" or "pending:31".
    flash(f"{comment.status.value}:{comment.id}", SENT)
    return redirect(url_for("public.article", slug=slug))


@bp.errorhandler(Exception)
def keep_what_was_typed(error: Exception) -> errors.Answer:
    """Show the form again, with what was typed, when the comment is refused or fails.

    Refusals are the guards (the CSRF token, the rate limits, the request's size and
    characters) and an unknown article; any other HTTP error is answered as everywhere else,
    and so is every error of the other pages. Flask asks a blueprint's handler first. When the
    database cannot be reached or written (503), the form comes back on a page that needs
    nothing from it.
    """
    passes = isinstance(error, HTTPException) and not isinstance(
        error, CSRFError | RequestEntityTooLarge
    )
    if passes or request.endpoint != "public.post_comment":
        return errors.answer(error)
    typed = typed_fields()
    slug = str((request.view_args or {}).get("slug"))
    if errors.unavailable(error):  # asked nothing more of the database
        use_locale(typed.get("page_language"))
        told = errors.failure(error)
        page = render_template(
            "public/unsaved.html",
            slug=slug,
            form=typed,
            message=told.message,
            token=generate_csrf(),
            offline=True,
        )
        return page, told.status, told.headers
    article = find_article(slug)
    if article is not None:
        use_locale(article.language, typed.get("page_language"))
    told = errors.failure(error)  # an unexpected error is logged and rolled back here
    if article is None:
        # Nowhere to show the form: an error page that still holds the text.
        message = None
        if isinstance(error, UnknownArticle):
            message = gettext(messages.NOT_SENT_NO_ARTICLE, slug=unstorable_shown(error.slug))
        page = render_template("errors/error.html", failure=told, message=message, typed=typed)
        return page, told.status, told.headers
    if isinstance(error, RefusedInput):
        field_errors = field_messages(error)
    elif isinstance(error, RequestEntityTooLarge):
        field_errors = {"body": gettext(messages.COMMENT_TOO_LARGE, limit=BODY_LENGTH)}
    elif isinstance(error, CSRFError):
        field_errors = {"form": errors.session_expired()}
    else:
        field_errors = {"form": told.message}
    page, _ = render_article(article, typed, field_errors)
    return page, told.status, told.headers
