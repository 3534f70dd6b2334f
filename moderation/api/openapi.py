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
from moderation.pipeline.submission import COMMENT_LIMITS
from moderation.threads import PUBLIC_FIELDS

VERSION = "1.0.0"
JSON = "application/json"


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def _error(
    description: str, example: dict[str, str], headers: dict[str, Any] | None = None
) -> dict[str, Any]:
    response: dict[str, Any] = {
        "description": description,
        "content": {JSON: {"schema": _ref("Error"), "example": {"errors": example}}},
    }
    if headers:
        response["headers"] = headers
    return response


SCHEMAS: dict[str, Any] = {
    "Error": {
        "type": "object",
        "description": "One message per field; `request`, `json` and `content_type` name the "
        "request as a whole.",
        "required": ["errors"],
        "additionalProperties": False,
        "properties": {
            "errors": {
                "type": "object",
                "minProperties": 1,
                "additionalProperties": {"type": "string"},
            }
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
        "required": ["article", "comments", "total", "limits"],
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
            "total": {"type": "integer", "minimum": 0},
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
NO_ARTICLE = _error("No article with this slug.", {"request": "There is no article 'nope'."})
UNEXPECTED = _error(
    "An unexpected failure; nothing was written.",
    {
        "request": "The server encountered an internal error and was unable to complete your "
        "request. Either the server is overloaded or there is an error in the application."
    },
)
TOO_LARGE = _error(
    "The request is larger than 64 kB.",
    {"request": "The data value transmitted exceeds the capacity limit."},
)
NOT_JSON_TYPE = _error(
    "The content type is not application/json (a CSRF defence).",
    {"content_type": "Send JSON with Content-Type: application/json."},
)
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
            "parameters": [SLUG],
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
                    {"json": "The request body is not valid JSON."},
                ),
                "403": _error(
                    "Sent from a page of a site not listed in `TERTULIA_EMBED_ORIGINS`.",
                    {
                        "origin": "Comments from pages on https://elsewhere.example are not "
                        "accepted here."
                    },
                ),
                "404": NO_ARTICLE,
                "413": TOO_LARGE,
                "415": NOT_JSON_TYPE,
                "422": _error(
                    "One message per invalid field (a field holding a NUL character or half a "
                    "surrogate pair is invalid too).",
                    {"email": "This does not look like an email address."},
                ),
                "429": _error(
                    "This client reached a rate limit.",
                    {
                        "request": "You are commenting too fast (5 per minute). Please wait "
                        "and send it again."
                    },
                    headers={
                        "Retry-After": {
                            "description": "Seconds to wait.",
                            "schema": {"type": "string"},
                        }
                    },
                ),
                "500": UNEXPECTED,
            },
        },
        "get": {
            "summary": "List an article's published comments",
            "description": "Oldest first; replies carry `parent_id`. Send the `ETag` back in "
            "`If-None-Match` for a `304` until the thread changes.",
            "parameters": [
                SLUG,
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
                                "limits": COMMENT_LIMITS,
                            },
                        }
                    },
                },
                "304": {"description": "Not modified since the `ETag` sent."},
                "404": NO_ARTICLE,
                "500": UNEXPECTED,
            },
        },
        "options": PREFLIGHT,
    },
    "/articles/{slug}": {
        "put": {
            "summary": "Open or update an article (for a CMS)",
            "description": "Needs `Authorization: Bearer <TERTULIA_API_TOKEN>`.",
            "security": [{"token": []}],
            "parameters": [SLUG],
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
                    {"json": "title, url, language and description must be strings."},
                ),
                "401": _error(
                    "No token configured, or the wrong one.",
                    {"authorization": "Send Authorization: Bearer <the API token>."},
                ),
                "413": TOO_LARGE,
                "415": NOT_JSON_TYPE,
                "422": _error(
                    "One message per invalid field.", {"title": "Give the article's title."}
                ),
                "500": UNEXPECTED,
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
            'has the shape `{"errors": {field: message}}`.',
            "license": {"name": "AGPL-3.0-or-later", "identifier": "AGPL-3.0-or-later"},
        },
        "servers": [{"url": "/api/v1"}],
        "paths": PATHS,
        "components": {
            "schemas": SCHEMAS,
            "securitySchemes": {"token": {"type": "http", "scheme": "bearer"}},
        },
    }
