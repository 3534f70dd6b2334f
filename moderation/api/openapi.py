"""The OpenAPI 3.1 description of `/api/v1`: the one place every endpoint is documented.

Served at `/api/v1/openapi.json`. The test suite validates this document, every example in
it, and every response the API gives during the tests against it, and fails when a route
under `/api/v1` is missing here: change an endpoint, change this file. No Flask here.
"""

from __future__ import annotations

import functools
from typing import Any

from models import (
    BODY_LENGTH,
    DESCRIPTION_LENGTH,
    EMAIL_LENGTH,
    NAME_LENGTH,
    SLUG_LENGTH,
    TITLE_LENGTH,
    URL_LENGTH,
    CommentStatus,
)
from moderation import messages
from moderation.pipeline.submission import COMMENT_LIMITS
from moderation.threads import DEFAULT_PAGE, MAX_PAGE, PUBLIC_FIELDS, Order

VERSION = "1.0.0"
JSON = "application/json"


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def _error(
    description: str, example: dict[str, tuple[str, str]], headers: dict[str, Any] | None = None
) -> dict[str, Any]:
    """An error response; `example` maps each field to its (code, English message)."""
    body = {
        "errors": {name: message for name, (_code, message) in example.items()},
        "codes": {name: code for name, (code, _message) in example.items()},
    }
    response: dict[str, Any] = {
        "description": description,
        "content": {JSON: {"schema": _ref("Error"), "example": body}},
    }
    if headers:
        response["headers"] = headers
    return response


SCHEMAS: dict[str, Any] = {
    "Error": {
        "type": "object",
        "description": "One message and one code per field; `request`, `json`, "
        "`content_type`, `authorization` and `origin` name the request as a whole. Messages "
        "are for people and speak the language of `Accept-Language` (en, es, pt; else the "
        "site default); codes are for programs and never change with the language.",
        "required": ["errors", "codes"],
        "additionalProperties": False,
        "properties": {
            "errors": {
                "type": "object",
                "description": "field -> message, in the language of `Accept-Language`.",
                "minProperties": 1,
                "additionalProperties": {"type": "string"},
            },
            "codes": {
                "type": "object",
                "description": "field -> stable code, the same fields as `errors`. A field: "
                "`required`, `too_long`, `not_text`, `invalid`, `not_found`, "
                "`taken`, `not_site_language`. The request: "
                "`not_json` (`content_type`), `invalid`, `not_object`, `not_strings` "
                "(`json`), `not_configured`, `invalid` (`authorization`), `not_allowed` "
                "(`origin`), and for `request` the HTTP error: `bad_request`, `not_found`, "
                "`method_not_allowed`, `too_large`, `rate_limited`, `internal_error`, "
                "`unavailable`.",
                "minProperties": 1,
                "additionalProperties": {"type": "string", "pattern": "^[a-z][a-z_]*$"},
            },
        },
    },
    "NewComment": {
        "type": "object",
        "required": ["name", "email", "body"],
        "properties": {
            "name": {"type": "string", "minLength": 1, "maxLength": NAME_LENGTH},
            "email": {
                "type": "string",
                "maxLength": EMAIL_LENGTH,
                "description": "Stored for moderators; never published, not even as a hash.",
            },
            "body": {
                "type": "string",
                "minLength": 1,
                "maxLength": BODY_LENGTH,
                "description": "Markdown; raw HTML and images are not rendered.",
            },
            "parent_id": {
                "type": ["integer", "string", "null"],
                "description": "A published comment of the same article, to reply to.",
            },
            "page_language": {
                "type": ["string", "null"],
                "description": "Language code of the page the commenter read (a hint).",
            },
            "page_description": {
                "type": ["string", "null"],
                "description": "The page's meta description, when the article has none: what "
                "an on-topic comment is about (used for this comment only; longer text is cut "
                f"at {DESCRIPTION_LENGTH} characters).",
            },
            "notify_published": {
                "type": ["boolean", "null"],
                "description": "Email the author when the comment is published (once). The "
                "address is used for nothing else; every mail has a one-click unsubscribe.",
            },
            "notify_replies": {
                "type": ["boolean", "null"],
                "description": "Email the author when a reply to this comment is published, at "
                "most once per thread per hour.",
            },
        },
    },
    "CommentAccepted": {
        "type": "object",
        "required": ["id", "status"],
        "additionalProperties": False,
        "properties": {
            "id": {"type": "integer"},
            "status": {"type": "string", "enum": [status.value for status in CommentStatus]},
        },
    },
    "PublicComment": {
        "type": "object",
        "description": "Only these fields ever leave the server: no email, nothing derived "
        "from one.",
        "required": list(PUBLIC_FIELDS),
        "additionalProperties": False,
        "properties": {
            "id": {"type": "integer"},
            "parent_id": {"type": ["integer", "null"]},
            "author_name": {"type": "string"},
            "body": {"type": "string"},
            "body_html": {"type": "string"},
            "language": {"type": "string"},
            "created_at": {"type": "string", "format": "date-time"},
        },
    },
    "Thread": {
        "type": "object",
        "description": "A page of the thread: `limit` top-level comments, each followed by all "
        "its published replies (oldest first; `parent_id` nests them).",
        "required": ["article", "comments", "total", "next_after", "limits"],
        "additionalProperties": False,
        "properties": {
            "article": {
                "type": "object",
                "required": ["slug", "title", "url"],
                "additionalProperties": False,
                "properties": {
                    "slug": {"type": "string"},
                    "title": {"type": "string"},
                    "url": {"type": ["string", "null"]},
                },
            },
            "comments": {"type": "array", "items": _ref("PublicComment")},
            "total": {
                "type": "integer",
                "minimum": 0,
                "description": "Published comments in the whole thread, every page included.",
            },
            "next_after": {
                "type": ["integer", "null"],
                "description": "Pass it as `after` (with the same `order`) for the next page; "
                "null on the last page.",
            },
            "limits": {
                "type": "object",
                "description": "The most characters each field of a new comment takes.",
                "required": list(COMMENT_LIMITS),
                "additionalProperties": False,
                "properties": {name: {"type": "integer"} for name in COMMENT_LIMITS},
            },
        },
    },
    "ArticleFields": {
        "type": "object",
        "required": ["title"],
        "properties": {
            "title": {"type": "string", "minLength": 1, "maxLength": TITLE_LENGTH},
            "url": {
                "type": ["string", "null"],
                "maxLength": URL_LENGTH,
                "description": "http:// or https://",
            },
            "language": {"type": ["string", "null"], "description": "One of the site's languages."},
            "description": {
                "type": ["string", "null"],
                "maxLength": DESCRIPTION_LENGTH,
                "description": "A sentence or two on what the article is about (its meta "
                "description): the spam filter judges whether a comment with a link is on topic.",
            },
        },
    },
    "Article": {
        "type": "object",
        "required": ["slug", "title", "url", "language", "description"],
        "additionalProperties": False,
        "properties": {
            "slug": {"type": "string", "maxLength": SLUG_LENGTH},
            "title": {"type": "string"},
            "url": {"type": ["string", "null"]},
            "language": {"type": ["string", "null"]},
            "description": {"type": ["string", "null"]},
        },
    },
}

SLUG = {
    "name": "slug",
    "in": "path",
    "required": True,
    "description": "The article's slug.",
    "schema": {"type": "string", "maxLength": SLUG_LENGTH},
}
NO_ARTICLE = _error(
    "No article with this slug.", {"request": ("not_found", "There is no article “nope”.")}
)
UNEXPECTED = _error(
    "An unexpected failure; nothing was written.",
    {
        "request": (
            "internal_error",
            "Something failed on our side and nothing was saved. Please try again later.",
        )
    },
)
UNAVAILABLE = _error(
    "The database cannot be reached or written just now; nothing was stored. Send the same "
    "request again after `Retry-After` seconds.",
    {"request": ("unavailable", messages.DATABASE_UNAVAILABLE)},
    headers={"Retry-After": {"description": "Seconds to wait.", "schema": {"type": "string"}}},
)
TOO_LARGE = _error(
    "The request is larger than 64 kB.",
    {"request": ("too_large", "What you sent is larger than this site accepts.")},
)
NOT_JSON_TYPE = _error(
    "The content type is not application/json (a CSRF defence).",
    {"content_type": ("not_json", "Send JSON with Content-Type: application/json.")},
)
LANGUAGE = {
    "name": "Accept-Language",
    "in": "header",
    "required": False,
    "description": "The language of the error messages: en, es or pt (else the site default). "
    "The embed sends the language of the page it is on.",
    "schema": {"type": "string"},
}
PREFLIGHT = {
    "summary": "CORS preflight",
    "description": "Answered for the origins in `TERTULIA_EMBED_ORIGINS` (and this site) with "
    "`Access-Control-Allow-*` headers; the body is empty.",
    "parameters": [SLUG],
    "responses": {"200": {"description": "Preflight answered."}},
}

PATHS: dict[str, Any] = {
    "/articles/{slug}/comments": {
        "post": {
            "summary": "Post a comment",
            "description": "The comment is language- and spam-checked and waits for a moderator "
            "(202), or is published at once when the site allows it (201). A comment held as "
            "spam is answered like any other.",
            "parameters": [SLUG, LANGUAGE],
            "requestBody": {
                "required": True,
                "content": {
                    JSON: {
                        "schema": _ref("NewComment"),
                        "example": {
                            "name": "Lucía",
                            "email": "lucia@example.org",
                            "body": "Muy buen *resumen*.",
                            "page_language": "es",
                            "notify_replies": True,
                        },
                    }
                },
            },
            "responses": {
                "201": {
                    "description": "Published at once (`TERTULIA_PUBLISH_UNREVIEWED`).",
                    "headers": {
                        "Location": {
                            "description": "The comment on the article page.",
                            "schema": {"type": "string"},
                        }
                    },
                    "content": {
                        JSON: {
                            "schema": _ref("CommentAccepted"),
                            "example": {"id": 31, "status": "approved"},
                        }
                    },
                },
                "202": {
                    "description": "Stored, awaiting moderation (or held as spam).",
                    "content": {
                        JSON: {
                            "schema": _ref("CommentAccepted"),
                            "example": {"id": 31, "status": "pending"},
                        }
                    },
                },
                "400": _error(
                    "The body is not JSON, not an object, or nested too deeply.",
                    {"json": ("invalid", "The request body is not valid JSON.")},
                ),
                "403": _error(
                    "Sent from a page of a site not listed in `TERTULIA_EMBED_ORIGINS`.",
                    {
                        "origin": (
                            "not_allowed",
                            "Comments from pages on https://elsewhere.example are not "
                            "accepted here.",
                        )
                    },
                ),
                "404": NO_ARTICLE,
                "413": TOO_LARGE,
                "415": NOT_JSON_TYPE,
                "422": _error(
                    "One message and one code per invalid field (a field holding a NUL "
                    "character or half a surrogate pair is invalid too: `not_storable`).",
                    {
                        "email": ("invalid", "This does not look like an email address."),
                        "body": ("required", "Please write a comment."),
                    },
                ),
                "429": _error(
                    "This client reached a rate limit.",
                    {
                        "request": (
                            "rate_limited",
                            "You are commenting too fast. Please wait 1 minute and send it again.",
                        )
                    },
                    headers={
                        "Retry-After": {
                            "description": "Seconds to wait.",
                            "schema": {"type": "string"},
                        }
                    },
                ),
                "500": UNEXPECTED,
                "503": UNAVAILABLE,
            },
        },
        "get": {
            "summary": "List a page of an article's published comments",
            "description": "A page holds `limit` top-level comments, oldest or newest first, "
            "each followed by all its published replies (oldest first; `parent_id` nests them). "
            "Follow `next_after` for the next page. Send the `ETag` back in `If-None-Match` for "
            "a `304` until the thread changes.",
            "parameters": [
                SLUG,
                {
                    "name": "limit",
                    "in": "query",
                    "required": False,
                    "description": "Top-level comments per page.",
                    "schema": {
                        "type": "integer",
                        "minimum": 1,
                        "maximum": MAX_PAGE,
                        "default": DEFAULT_PAGE,
                    },
                },
                {
                    "name": "after",
                    "in": "query",
                    "required": False,
                    "description": "The `next_after` of the previous page: this page starts "
                    "after that comment. An id no longer in the thread gives an empty page.",
                    "schema": {"type": "integer", "minimum": 1},
                },
                {
                    "name": "order",
                    "in": "query",
                    "required": False,
                    "schema": {
                        "type": "string",
                        "enum": [order.value for order in Order],
                        "default": Order.OLDEST.value,
                    },
                },
                {
                    "name": "If-None-Match",
                    "in": "header",
                    "required": False,
                    "schema": {"type": "string"},
                },
            ],
            "responses": {
                "200": {
                    "description": "The published thread.",
                    "headers": {"ETag": {"schema": {"type": "string"}}},
                    "content": {
                        JSON: {
                            "schema": _ref("Thread"),
                            "example": {
                                "article": {
                                    "slug": "presupuesto",
                                    "title": "Presupuesto 2026",
                                    "url": None,
                                },
                                "comments": [
                                    {
                                        "id": 1,
                                        "parent_id": None,
                                        "author_name": "Lucía",
                                        "body": "Muy buen *resumen*.",
                                        "body_html": "<p>Muy buen <em>resumen</em>.</p>\n",
                                        "language": "es",
                                        "created_at": "2026-11-27T09:17:16Z",
                                    }
                                ],
                                "total": 1,
                                "next_after": None,
                                "limits": COMMENT_LIMITS,
                            },
                        }
                    },
                },
                "304": {"description": "Not modified since the `ETag` sent."},
                "400": _error(
                    "A paging parameter is not valid.",
                    {"limit": ("page_limit", f"Limit must be a number from 1 to {MAX_PAGE}.")},
                ),
                "404": NO_ARTICLE,
                "500": UNEXPECTED,
                "503": UNAVAILABLE,
            },
        },
        "options": PREFLIGHT,
    },
    "/articles/{slug}": {
        "put": {
            "summary": "Open or update an article (for a CMS)",
            "description": "Needs `Authorization: Bearer <TERTULIA_API_TOKEN>`.",
            "security": [{"token": []}],
            "parameters": [SLUG, LANGUAGE],
            "requestBody": {
                "required": True,
                "content": {
                    JSON: {
                        "schema": _ref("ArticleFields"),
                        "example": {
                            "title": "Ley de datos",
                            "url": "https://news.example/ley",
                            "language": "es",
                            "description": "El congreso debate la ley de acceso a los datos.",
                        },
                    }
                },
            },
            "responses": {
                "200": {
                    "description": "Updated.",
                    "content": {
                        JSON: {
                            "schema": _ref("Article"),
                            "example": {
                                "slug": "ley-datos",
                                "title": "Ley de datos abiertos",
                                "url": None,
                                "language": "es",
                                "description": None,
                            },
                        }
                    },
                },
                "201": {
                    "description": "Opened for comments.",
                    "content": {
                        JSON: {
                            "schema": _ref("Article"),
                            "example": {
                                "slug": "ley-datos",
                                "title": "Ley de datos",
                                "url": "https://news.example/ley",
                                "language": "es",
                                "description": "El congreso debate la ley de acceso a los datos.",
                            },
                        }
                    },
                },
                "400": _error(
                    "The body is not a JSON object, is nested too deeply, or a field is not a "
                    "string.",
                    {
                        "json": (
                            "not_strings",
                            "title, url, language and description must be strings.",
                        )
                    },
                ),
                "401": _error(
                    "No token configured, or the wrong one.",
                    {"authorization": ("invalid", "Send Authorization: Bearer <the API token>.")},
                ),
                "413": TOO_LARGE,
                "415": NOT_JSON_TYPE,
                "422": _error(
                    "One message and one code per invalid field.",
                    {"title": ("required", "Give the article's title.")},
                ),
                "500": UNEXPECTED,
                "503": UNAVAILABLE,
            },
        },
        "options": PREFLIGHT,
    },
    "/openapi.json": {
        "get": {
            "summary": "This document",
            "responses": {
                "200": {
                    "description": "The OpenAPI 3.1 description of the API.",
                    "content": {
                        JSON: {"schema": {"type": "object", "required": ["openapi", "paths"]}}
                    },
                },
            },
        },
        "options": {**PREFLIGHT, "parameters": []},
    },
}


@functools.cache
def document() -> dict[str, Any]:
    """The whole OpenAPI document."""
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Tertulia API",
            "version": VERSION,
            "description": "Post and read comments, and open articles from a CMS. Every error "
            'has the shape `{"errors": {field: message}, "codes": {field: code}}`: messages '
            "in the language of `Accept-Language`, codes stable for programs.",
            "license": {"name": "AGPL-3.0-or-later", "identifier": "AGPL-3.0-or-later"},
        },
        "servers": [{"url": "/api/v1"}],
        "paths": PATHS,
        "components": {
            "schemas": SCHEMAS,
            "securitySchemes": {"token": {"type": "http", "scheme": "bearer"}},
        },
    }
