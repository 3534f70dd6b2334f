"""Generated requests to every endpoint: no 5xx, the documented error shape, nothing stored.

Hypothesis draws a route of the application's URL map (every endpoint, the API's from the
same map the OpenAPI document describes), fills its path with generated or hostile values,
adds a query string, headers and a body (a form, JSON, or raw bytes), and sends it as an
anonymous visitor or as a signed-in admin whose form token is valid, so that the requests get
past the guards to the views. Every answer must be below 500; every 4xx of the API must have
the shape `{"errors": {field: message}}` (the contract plugin also checks it against the
document); and a refused request must leave every table as it was.

Bounded and deterministic for CI: a fixed seed (`TERTULIA_FUZZ_SEED`, default 2026) draws the
same examples every run, and `TERTULIA_FUZZ_EXAMPLES` (default 400) sets how many. It runs on
the suite's database, so `make unit` with DATABASE_URL fuzzes PostgreSQL too.
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

import pytest
from flask import Flask
from hypothesis import HealthCheck, given, seed, settings
from hypothesis import strategies as st
from sqlalchemy import func, select
from werkzeug.routing import Rule

from models import Base, CommentStatus, Moderator, ModeratorRole
from moderation.api.openapi import document
from moderation.extensions import db
from tests.conftest import Auth, csrf_token
from tests.factories import Factory

EXAMPLES = int(os.environ.get("TERTULIA_FUZZ_EXAMPLES", "400"))
SEED = int(os.environ.get("TERTULIA_FUZZ_SEED", "2026"))
VARIABLE = re.compile(r"<(?:[^<>:]+:)?([^<>]+)>")
API = "/api/v1"
TOKEN = "fuzz-api-token"
# Counted on purpose when refused: a wrong password is an attempt against the sign-in limit.
BOOKKEEPING = {"attempts"}

# Values that broke something once, or that a field might choke on.
HOSTILE = [
    "",
    " ",
    "\x00",
    "a\x00b",
    "\ud800",
    "x\udfffy",
    "²",
    "①",
    "٣",
    "9" * 5_000,
    "99999999999",
    "-1",
    "0",
    "1e309",
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "' OR '1'='1' --",
    "%00",
    "../../etc/passwd",
    "..",
    "//evil.example/",
    "javascript:alert(1)",
    "__csrf_token_slot__",
    "\u2028\u2029",
    "a" * 3_000,
    "é" * 300,
]
# Values a view recognises, so that requests also reach past the first check.
KNOWN = [
    "fuzz",
    "1",
    "2",
    "approve",
    "reject",
    "spam",
    "requeue",
    "reject-author",
    "pending",
    "spam",
    "approved",
    "es",
    "en",
    "moderator",
    "admin",
    "wordpress",
    "ana@example.org",
    "Un comentario de prueba sobre el presupuesto.",
    "https://news.example/a",
    "correct horse",
]
FIELDS = [
    "name",
    "email",
    "body",
    "parent_id",
    "page_language",
    "page_description",
    "description",
    "password",
    "next",
    "action",
    "folder",
    "comment_id",
    "reason",
    "version",
    "slug",
    "title",
    "url",
    "language",
    "role",
    "languages",
    "format",
    "learn",
    "current",
    "new",
    "confirm",
    "q",
    "page",
    "reply_to",
]
# A valid value for every field some form or body takes: a request starts from these and has a
# few of them replaced, so that it gets past the checks that a random one would fail first.
VALID = {
    "name": "Ana",
    "email": "ana@example.org",
    "body": "Un comentario de prueba sobre el presupuesto abierto.",
    "page_language": "es",
    "slug": "nuevo",
    "title": "Un título",
    "url": "https://news.example/a",
    "language": "es",
    "role": "moderator",
    "languages": "es",
    "password": "long enough",
    "current": "correct horse",
    "new": "battery staple",
    "confirm": "battery staple",
    "action": "approve",
    "comment_id": "2",
    "folder": "pending",
    "q": "presupuesto",
    "next": "/queue/",
}
# The fields each endpoint reads (query or body): mutations go where they are read.
READS = {
    "api.post_comment": ["name", "email", "body", "parent_id", "page_language", "page_description"],
    "public.post_comment": ["name", "email", "body", "parent_id", "page_language"],
    "api.put_article": ["title", "url", "language", "description"],
    "public.article": ["reply_to"],
    "auth.login": ["email", "password", "next"],
    "auth.password": ["current", "new", "confirm"],
    "queue.index": ["q", "language", "page"],
    "queue.act": ["reason", "next"],
    "queue.bulk": ["action", "folder", "comment_id", "next"],
    "queue.rollback": ["version"],
    "admin.add_article": ["slug", "title", "url", "language", "description"],
    "admin.add_moderator": ["email", "password", "role", "languages"],
    "admin.update_moderator": ["role", "languages", "password"],
    "admin.find_reader": ["email"],
    "admin.export_reader": ["email"],
    "admin.erase_reader": ["email"],
    "admin.start_import": ["format", "learn"],
}
CONTENT_TYPES = [
    "application/json",
    "application/x-www-form-urlencoded",
    "multipart/form-data; boundary=x",
    "text/plain",
    "application/json; charset=latin-1",
    "",
]

text = st.one_of(
    st.sampled_from(HOSTILE),
    st.sampled_from(KNOWN),
    st.text(st.characters(codec=None), max_size=40),  # surrogates included
)
# Mostly the values that broke something once.
hostile = st.sampled_from(HOSTILE) | text
# What HTTP lets a header carry (servers refuse control characters before the app).
header_text = st.text(
    st.characters(min_codepoint=0x20, max_codepoint=0xFF, exclude_characters="\x7f"), max_size=60
)
json_values = st.recursive(
    st.one_of(
        st.none(),
        st.booleans(),
        st.integers(min_value=-(2**70), max_value=2**70),
        st.floats(allow_nan=False),
        text,
    ),
    lambda children: st.one_of(
        st.lists(children, max_size=4), st.dictionaries(st.sampled_from(FIELDS) | text, children)
    ),
    max_leaves=12,
)


def encoded(value: str) -> str:
    """`value` percent-encoded for a URL or a form, lone surrogates as their (invalid) bytes."""
    return quote(value, safe="", errors="surrogatepass")


@st.composite
def mutated(draw: st.DrawFn, reads: list[str], values: st.SearchStrategy[Any]) -> dict[str, Any]:
    """The valid fields, a few of them (mostly those the endpoint reads) replaced or removed."""
    fields: dict[str, Any] = dict(VALID)
    for name in draw(st.lists(st.sampled_from(reads) | st.sampled_from(FIELDS), max_size=3)):
        if draw(st.integers(0, 5)) == 0:
            fields.pop(name, None)
        else:
            fields[name] = draw(values)
    return fields


def nested(depth: int) -> bytes:
    return b'{"body": ' + b"[" * depth + b"]" * depth + b"}"


def form_body(fields: list[tuple[str, str]]) -> str:
    return "&".join(f"{encoded(name)}={encoded(value)}" for name, value in fields)


@dataclass
class Example:
    """One generated request."""

    method: str
    path: str
    headers: dict[str, str]
    body: bytes | None
    as_admin: bool
    with_token: bool
    form_fields: list[tuple[str, str]] = field(default_factory=list)


def rules(app: Flask) -> list[Rule]:
    """Every route, the static files included."""
    return list(app.url_map.iter_rules())


@st.composite
def examples(draw: st.DrawFn, routes: list[Rule]) -> Example:
    # Posting comments is what the world does most: the two ways in are drawn more often.
    busy = [r for r in routes if r.endpoint in ("api.post_comment", "public.post_comment")]
    rule = draw(st.sampled_from(routes + busy * 6))
    methods = sorted(rule.methods or {"GET"})
    is_api = rule.rule.startswith(API)
    if is_api:  # the methods the OpenAPI document describes (HEAD is Flask's, not the API's)
        documented = document()["paths"][VARIABLE.sub(r"{\1}", rule.rule.removeprefix(API))]
        methods = [method for method in methods if method.lower() in documented]
    # Flask answers HEAD and OPTIONS itself for every route: now and then is enough.
    views = [method for method in methods if method not in ("HEAD", "OPTIONS")]
    method = draw(st.sampled_from(views if views and draw(st.integers(0, 9)) > 0 else methods))
    path = ""
    # "/articles/<slug>" -> ["/articles/", "slug", ""]: the variables are the odd parts.
    for n, part in enumerate(VARIABLE.split(rule.rule)):
        if n % 2 == 0:
            path += part
            continue
        # Mostly a slug or id that exists, so that the request reaches the view's own checks.
        known = "fuzz" if "slug" in part else draw(st.sampled_from(["1", "2", "3"]))
        value = known if draw(st.integers(0, 3)) else draw(text)
        # An encoded "/" or "." segment names another route (or none): the API's contract only
        # covers the routes it documents, and the pages' 404s say nothing new.
        if is_api or rule.endpoint == "static":
            value = value.replace("/", "").replace("?", "").replace("#", "")
            value = value if value.strip(".") else "fuzz"
        path += encoded(value)
    reads = READS.get(rule.endpoint, FIELDS)
    query = draw(st.lists(st.tuples(st.sampled_from(reads) | text, hostile), max_size=3))
    if query:
        path += "?" + form_body(query)
    headers: dict[str, str] = {}
    for name in ("Origin", "If-None-Match", "User-Agent", "X-Forwarded-For", "Accept"):
        if draw(st.integers(0, 4)) == 0:
            headers[name] = draw(header_text)
    if is_api and draw(st.booleans()):
        headers["Authorization"] = draw(st.sampled_from([f"Bearer {TOKEN}", "Bearer nope"]))
    body: bytes | None = None
    form_fields: list[tuple[str, str]] = []
    if method in ("POST", "PUT"):
        kind = draw(st.sampled_from(["form", "json", "json", "random json", "raw", "deep", "none"]))
        if kind == "form":
            form_fields = list(draw(mutated(reads, hostile)).items())
            headers.setdefault("Content-Type", "application/x-www-form-urlencoded")
        elif kind in ("json", "random json", "deep"):
            if kind == "json":
                body = json.dumps(draw(mutated(reads, hostile | json_values))).encode()
            elif kind == "random json":
                body = json.dumps(draw(json_values)).encode()
            else:
                body = nested(draw(st.sampled_from([15, 16, 17, 100, 3_000])))
            headers.setdefault("Content-Type", "application/json")
        elif kind == "raw":
            body = draw(st.binary(max_size=200))
    if draw(st.integers(0, 9)) == 0:  # now and then, a content type that does not match
        headers["Content-Type"] = draw(st.sampled_from(CONTENT_TYPES))
    return Example(
        method=method,
        path=path,
        headers=headers,
        body=body,
        as_admin=draw(st.booleans()),
        with_token=draw(st.integers(0, 4)) > 0,
        form_fields=form_fields,
    )


class Visitors:
    """An anonymous client and a signed-in admin, each with its form token."""

    def __init__(self, app: Flask, admin_id: int) -> None:
        self.app = app
        self.admin_id = admin_id
        self.anonymous = app.test_client()
        self.anonymous_token = csrf_token(self.anonymous, "/login")
        self.admin = app.test_client()
        self.admin_token = ""
        self.sign_in()

    def sign_in(self) -> None:
        with self.app.app_context():
            # A generated request may have given the admin another password (that is allowed).
            Factory(db.session).reset_password(self.admin_id, "correct horse")
        response = Auth(self.admin).login(email="fuzz-admin@example.org")
        assert response.status_code == 302, "the fuzzing admin cannot sign in"
        self.admin_token = csrf_token(self.admin, "/queue/")

    def admin_cookie(self) -> Any:
        """The admin's session cookie."""
        return self.admin.get_cookie(self.app.config["SESSION_COOKIE_NAME"])

    def keep_the_admin_signed_in(self) -> None:
        """Sign the admin in again if a request signed them out (sign-out, a new role or
        password). Called when that may have happened: a session ends by deleting its row, and a
        new one comes with a new cookie."""
        if self.admin.get("/queue/").status_code != 200:
            self.sign_in()

    def send(self, example: Example) -> Any:
        client = self.admin if example.as_admin else self.anonymous
        body = example.body
        if example.form_fields or example.headers.get("Content-Type", "").startswith(
            "application/x-www-form"
        ):
            fields = list(example.form_fields)
            if example.with_token:
                token = self.admin_token if example.as_admin else self.anonymous_token
                fields.append(("csrf_token", token))
            body = form_body(fields).encode()
        return client.open(example.path, method=example.method, headers=example.headers, data=body)


# Every table's row count, in one query (it runs twice for each of the hundreds of requests).
ROW_COUNTS = select(
    *(
        select(func.count()).select_from(table).scalar_subquery().label(table.name)
        for table in Base.metadata.sorted_tables
        if table.name not in BOOKKEEPING
    )
)


def row_counts(app: Flask) -> dict[str, int]:
    with app.app_context():
        return dict(db.session.execute(ROW_COUNTS).one()._mapping)


def check(example: Example, response: Any, before: dict[str, int], after: dict[str, int]) -> None:
    status = response.status_code
    described = f"{example.method} {example.path} ({example.headers}) answered {status}"
    assert status < 500, described
    if status >= 400 and example.path.startswith(API):
        payload = response.get_json(silent=True)
        assert isinstance(payload, dict) and set(payload) == {"errors", "codes"}, described
        errors, codes = payload["errors"], payload["codes"]
        assert isinstance(errors, dict) and errors and codes.keys() == errors.keys(), described
        assert all(isinstance(k, str) and isinstance(v, str) for k, v in errors.items()), described
    if status >= 400:
        assert before == after, f"{described} and still wrote: {before} -> {after}"


@pytest.fixture
def fuzzed_app(app_factory: Any) -> Flask:
    app: Flask = app_factory(
        TERTULIA_API_TOKEN=TOKEN,
        TERTULIA_EMBED_ORIGINS=("https://news.example",),
        TERTULIA_PASSWORD_RATE_LIMIT="1000 per minute",
    )
    with app.app_context():
        factory = Factory(db.session)
        article = factory.article(slug="fuzz", language="es")
        published = factory.comment(article, status=CommentStatus.APPROVED)
        factory.comment(article, parent_id=published.id)
        factory.comment(article, status=CommentStatus.SPAM)
        factory.moderator(email="fuzz-admin@example.org", role=ModeratorRole.ADMIN)
        factory.moderator(email="mod@example.org")
    return app


def test_generated_requests_never_fail_the_server(fuzzed_app: Flask, hypothesis_home: None) -> None:
    with fuzzed_app.app_context():
        admin_id = db.session.scalar(
            select(Moderator.id).where(Moderator.email == "fuzz-admin@example.org")
        )
    assert admin_id is not None
    visitors = Visitors(fuzzed_app, admin_id)
    routes = rules(fuzzed_app)
    sent: list[int] = []

    @seed(SEED)
    @settings(
        max_examples=EXAMPLES,
        database=None,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )
    @given(examples(routes))
    def one_request(example: Example) -> None:
        before = row_counts(fuzzed_app)
        cookie = visitors.admin_cookie()
        response = visitors.send(example)
        after = row_counts(fuzzed_app)
        check(example, response, before, after)
        sent.append(response.status_code)
        sessions = "moderator_sessions"
        if visitors.admin_cookie() != cookie or before[sessions] != after[sessions]:
            visitors.keep_the_admin_signed_in()

    one_request()
    # The run reached past the guards: some requests succeeded, some were refused.
    assert any(status < 400 for status in sent) and any(400 <= status < 500 for status in sent)
    assert len(set(sent)) > 3
