"""`/api/v1`: post and list comments, open articles from a CMS, describe itself (OpenAPI)."""

from __future__ import annotations

import hmac
from typing import Any

from flask import Blueprint, Response, current_app, jsonify, request, url_for
from werkzeug.wrappers import Response as BaseResponse

from models import CommentStatus
from moderation import management
from moderation.api.openapi import document as openapi_document
from moderation.articles import article_or_404, thread_article_or_404, thread_json
from moderation.config import site_languages
from moderation.extensions import db
from moderation.inputs import RefusedInput, json_body
from moderation.messages import field_messages
from moderation.pipeline import Problem, ValidationFailed, validate
from moderation.services import services
from moderation.threads import PageRequest

bp = Blueprint("api", __name__)


def _errors(problems: dict[str, Problem], status: int) -> tuple[Response, int]:
    """`{"errors": {field: message}, "codes": {field: code}}`: words for people, in the
    language of `Accept-Language`, and stable codes for programs."""
    codes = {name: problem.code for name, problem in problems.items()}
    return jsonify(errors=field_messages(problems), codes=codes), status


NOT_JSON = {"content_type": Problem("not_json")}
# The request headers that can make a response conditional (304, 412, 206).
CONDITIONAL = frozenset(
    ("HTTP_IF_NONE_MATCH", "HTTP_IF_MATCH", "HTTP_IF_MODIFIED_SINCE", "HTTP_IF_UNMODIFIED_SINCE",
     "HTTP_RANGE")
)  # fmt: skip


@bp.post("/articles/<slug>/comments")
def post_comment(slug: str) -> tuple[Response, int]:
    """Accept a comment: 202 when it awaits moderation, 201 when the site publishes at once."""
    if request.mimetype != "application/json":
        # Refusing form and text content types means a cross-site form cannot post here.
        return _errors(NOT_JSON, 415)
    # An unknown article is a 404 whatever was sent; on the error paths only, since a valid
    # comment finds its article inside the intake's single lookup query.
    try:
        payload: Any = json_body()
    except RefusedInput:
        article_or_404(slug)
        raise
    if payload is None:
        article_or_404(slug)
        return _errors({"json": Problem("invalid")}, 400)
    if not isinstance(payload, dict):
        article_or_404(slug)
        return _errors({"json": Problem("not_object")}, 400)
    try:
        submission = validate(
            payload, client_ip=request.remote_addr, user_agent=request.user_agent.string
        )
        comment = services().intake.submit(db.session, slug, submission)
    except ValidationFailed as failed:
        article_or_404(slug)
        return _errors(failed.problems, 422)
    response = jsonify(id=comment.id, status=comment.status.value)
    if comment.status is CommentStatus.APPROVED:
        response.headers["Location"] = url_for(
            "public.article", slug=slug, _anchor=f"comment-{comment.id}"
        )
        return response, 201
    return response, 202


@bp.get("/articles/<slug>/comments")
def list_comments(slug: str) -> BaseResponse | tuple[Response, int]:
    """A page of the article's published thread (`limit`, `after`, `order`), public fields only."""
    try:
        page = PageRequest.parse(request.args)
    except ValidationFailed as failed:
        article_or_404(slug)
        return _errors(failed.problems, 400)
    article = thread_article_or_404(slug)
    version, body = thread_json(article, page)
    response = Response(body, mimetype="application/json")
    response.set_etag(f"{article.id}-{version}")
    if CONDITIONAL.isdisjoint(request.environ):
        return response  # nothing to compare: the Date header is the server's to add
    return response.make_conditional(request)


@bp.get("/openapi.json")
def openapi() -> Response:
    """The OpenAPI 3.1 description of this API."""
    return jsonify(openapi_document())


@bp.put("/articles/<slug>")
def put_article(slug: str) -> tuple[Response, int]:
    """Open (201) or update (200) an article from a CMS: `{title, url?, language?, description?}`.

    Needs `Authorization: Bearer <TERTULIA_API_TOKEN>`.
    """
    if refused := _refuse_without_token():
        return refused
    if request.mimetype != "application/json":
        return _errors(NOT_JSON, 415)
    payload: Any = json_body()
    if not isinstance(payload, dict):
        return _errors({"json": Problem("not_object")}, 400)
    names = ("title", "url", "language", "description")
    fields = {name: payload.get(name) for name in names}
    if not all(value is None or isinstance(value, str) for value in fields.values()):
        return _errors({"json": Problem("not_strings")}, 400)
    title, url, language, description = (fields[name] or "" for name in names)
    try:
        article, created = management.put_article(
            db.session, site_languages(), slug, title, url, language, description
        )
    except ValidationFailed as failed:
        return _errors(failed.problems, 422)
    db.session.commit()
    return jsonify(
        slug=article.slug,
        title=article.title,
        url=article.url,
        language=article.language,
        description=article.description,
    ), 201 if created else 200


def _refuse_without_token() -> tuple[Response, int] | None:
    expected: str | None = current_app.config["TERTULIA_API_TOKEN"]
    if not expected:
        return _errors({"authorization": Problem("not_configured")}, 401)
    given = request.headers.get("Authorization", "").removeprefix("Bearer ").strip()
    if not hmac.compare_digest(given.encode(), expected.encode()):
        return _errors({"authorization": Problem("invalid")}, 401)
    return None
