"""Cross-origin access for the embed script: only the origins the operator lists."""

from __future__ import annotations

from flask import Blueprint, Response, current_app, jsonify, request

from moderation.messages import problem_text
from moderation.pipeline import Problem


def _origin_of_this_site() -> str:
    return request.host_url.rstrip("/").lower()


def _allowed(origin: str) -> bool:
    allowed: tuple[str, ...] = current_app.config["TERTULIA_EMBED_ORIGINS"]
    return origin.rstrip("/").lower() in allowed or origin.lower() == _origin_of_this_site()


def refuse_foreign_writes() -> tuple[Response, int] | None:
    """Refuse a write whose Origin is neither this site nor a listed embedding site.

    Browsers already refuse to send cross-site JSON without a successful preflight; this holds
    even for clients that skip the preflight.
    """
    origin = request.headers.get("Origin")
    if request.method == "POST" and origin and not _allowed(origin):
        refused = Problem("not_allowed", {"origin": origin})
        return jsonify(
            errors={"origin": problem_text("origin", refused)}, codes={"origin": refused.code}
        ), 403
    return None


def add_cors_headers(response: Response) -> Response:
    """Let listed embedding sites read answers and send JSON (preflight included)."""
    origin = request.headers.get("Origin")
    response.vary.add("Origin")
    if origin and _allowed(origin):
        response.headers["Access-Control-Allow-Origin"] = origin
        if request.method == "OPTIONS":
            response.headers["Access-Control-Allow-Methods"] = "GET, POST"
            response.headers["Access-Control-Allow-Headers"] = "Content-Type, If-None-Match"
            response.headers["Access-Control-Max-Age"] = "600"
        response.headers["Access-Control-Expose-Headers"] = "ETag, Location, Retry-After"
    return response


def register(bp: Blueprint) -> None:
    """Install the origin checks on the API blueprint."""
    bp.before_request(refuse_foreign_writes)
    bp.after_request(add_cors_headers)
