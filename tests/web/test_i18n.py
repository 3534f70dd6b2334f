"""Pages, messages, dates and numbers in the reader's and the moderator's language."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from models import Article, CommentStatus, Moderator, ModeratorRole
from moderation.extensions import db
from moderation.pipeline import decide
from tests.conftest import Auth, csrf_token, queue_form
from tests.english import english_fragments, english_left
from tests.factories import Factory

MOMENT = datetime(2026, 11, 27, 20, 1, tzinfo=UTC)


def reason(check: str, code: str, flag: bool = False, **params: Any) -> dict[str, Any]:
    return {"check": check, "code": code, "params": params, "flag": flag, "evidence": False}


REASONS = [
    reason("language", "language.detected", language="es", confidence=0.873),
    reason("spam", "spam.score", True, score=0.91, verdict="likely"),
    reason("spam", "link.messaging", True, domain="t.me"),
    reason("spam", "contact.phone", True, count=2),
    reason("spam", "text.capitals", True, percent=40),
    reason("spam", "text.wording", True, words=["gana", "dinero"]),
    reason("spam", "context.burst", True, count=1200, minutes=10),
    reason("spam", "context.language_mismatch", language="pt", article_language="es"),
]


def post(client: FlaskClient, slug: str, **fields: str) -> Any:
    token = csrf_token(client, f"/articles/{slug}")
    return client.post(f"/articles/{slug}", data={"csrf_token": token, **fields})


def seed_thread(factory: Factory, language: str | None, slug: str) -> tuple[Article, int]:
    """An article with a comment and a reply; returns it and the first comment's id."""
    article = factory.article(slug=slug, language=language, title="Presupuesto abierto 2026")
    root = factory.comment(
        article,
        body="Muy buen resumen, ¿dónde están los datos? https://datos.gob.pe/presupuesto",
        status=CommentStatus.APPROVED,
        author_name="Lucía",
        created_at=MOMENT,
    )
    factory.comment(
        article,
        body="En el portal, sección de anexos.",
        status=CommentStatus.APPROVED,
        author_name="Mateo",
        parent_id=root.id,
        created_at=MOMENT,
    )
    return article, root.id


# A Spanish and a Portuguese article, and the pages a reader sees ------------------------------


@pytest.mark.parametrize("code", ["es", "pt"])
def test_an_article_page_speaks_only_its_language(
    client: FlaskClient, factory: Factory, code: str
) -> None:
    _article, root = seed_thread(factory, code, "nota")
    pages = {
        # An English browser changes nothing: the article's language comes first.
        "plain": client.get("/articles/nota", headers={"Accept-Language": "en"}),
        "replying": client.get(f"/articles/nota?reply_to={root}"),
        "errors": post(client, "nota", name="", email="sin-arroba", body="x" * 5001),
        "sent": client.get(
            post(client, "nota", name="Ana", email="ana@example.org", body="Hola").location
        ),
        "not found": client.get("/articles/nota/nada", headers={"Accept-Language": code}),
    }
    assert english_fragments(code)  # the check below has something to look for
    for name, response in pages.items():
        page = response.get_data(as_text=True)
        assert f'<html lang="{code}">' in page, name
        assert english_left(page, code) == [], name


def test_the_article_page_is_in_spanish_with_dates_in_words(
    client: FlaskClient, factory: Factory
) -> None:
    seed_thread(factory, "es", "nota")
    page = client.get("/articles/nota").get_data(as_text=True)
    assert '<time datetime="2026-11-27T20:01:00Z">27 de noviembre de 2026, 20:01</time>' in page
    assert "Deja un comentario" in page and "Respondiendo" not in page
    assert ">Responder</a>" in page and 'aria-label="Responder a Lucía"' in page
    assert 'rel="nofollow ugc noopener noreferrer">https://datos.gob.pe/presupuesto</a>' in page


def test_dates_follow_the_site_time_zone(app_factory: Any) -> None:
    app = app_factory(BABEL_DEFAULT_TIMEZONE="America/Lima")  # TERTULIA_TIMEZONE in production
    with app.app_context():
        seed_thread(Factory(db.session), "pt", "nota")
    page = app.test_client().get("/articles/nota").get_data(as_text=True)
    assert '<time datetime="2026-11-27T20:01:00Z">27 de novembro de 2026 15:01</time>' in page


def test_numbers_in_messages_are_written_the_readers_way(
    client: FlaskClient, factory: Factory
) -> None:
    factory.article(slug="nota", language="pt")
    page = post(client, "nota", name="Ana", email="ana@example.org", body="x" * 5001)
    text = page.get_data(as_text=True)
    assert "no máximo 5.000 caracteres (o seu tem 5.001)" in text


@pytest.mark.parametrize(
    ("accept", "page_language", "expected"),
    [
        ("pt-BR,pt;q=0.9", "", "pt"),  # no article language: the browser
        ("fr", "", "en"),  # nothing we speak: the site default
        ("pt", "es", "es"),  # the page the comment came from beats the browser
        ("pt", "x-klingon", "pt"),  # an unusual page language is skipped
    ],
)
def test_an_article_without_a_language_follows_the_page_then_the_browser(
    client: FlaskClient, factory: Factory, accept: str, page_language: str, expected: str
) -> None:
    factory.article(slug="nota", language=None)
    refused = client.post(
        "/articles/nota",
        data={"csrf_token": csrf_token(client, "/articles/nota"), "page_language": page_language},
        headers={"Accept-Language": accept},
    )
    assert refused.status_code == 422
    assert f'<html lang="{expected}">' in refused.get_data(as_text=True)


def test_the_cached_page_is_kept_per_language_and_says_it_varies(
    client: FlaskClient, factory: Factory
) -> None:
    seed_thread(factory, None, "nota")
    for accept, words in (("es", "Deja un comentario"), ("pt", "Deixe um comentário")):
        for _ in range(2):  # rendered, then from the cache
            response = client.get("/articles/nota", headers={"Accept-Language": accept})
            assert words in response.get_data(as_text=True)
            assert response.headers["Content-Language"] == accept
            assert "Accept-Language" in response.headers["Vary"]
    seed_thread(factory, "es", "fija")
    fixed = client.get("/articles/fija", headers={"Accept-Language": "pt"})
    assert "Accept-Language" not in fixed.headers.get("Vary", "")


def test_the_site_default_language_speaks_when_nothing_else_does(app_factory: Any) -> None:
    app = app_factory(TERTULIA_DEFAULT_LOCALE="es")
    page = app.test_client().get("/articles/none").get_data(as_text=True)
    assert "Página no encontrada" in page and "No existe el artículo “none”." in page


# The moderator's language ---------------------------------------------------------------------


def seed_queue(factory: Factory) -> None:
    article = factory.article(slug="nota", language="es", title="Presupuesto abierto 2026")
    factory.comment(
        article,
        body="Gana dinero ya, escríbeme por t.me",
        reasons=REASONS,
        spam_score=0.91,
        likely_spam=True,
        created_at=MOMENT,
        author_name="Promo",
    )
    factory.comment(article, body="Otro comentario", parent_id=None, author_name="Carmen")
    factory.comment(article, body="Sin clasificar", spam_score=None, author_name="Bea")
    decided = factory.comment(article, body="Ya revisado", author_name="Dora")
    moderator = factory.moderator(email="mod@example.org", languages="es", role=ModeratorRole.ADMIN)
    decide(factory.session, decided, CommentStatus.REJECTED, moderator, "all by this author")
    decide(factory.session, decided, CommentStatus.PENDING, None)
    factory.session.commit()


def choose(client: FlaskClient, code: str) -> Any:
    token = csrf_token(client, "/account")
    return client.post("/account", data={"csrf_token": token, "locale": code})


@pytest.mark.parametrize("code", ["es", "pt"])
def test_a_moderator_who_chose_a_language_gets_every_queue_page_in_it(
    client: FlaskClient, auth: Auth, factory: Factory, monkeypatch: pytest.MonkeyPatch, code: str
) -> None:
    seed_queue(factory)
    monkeypatch.setattr("moderation.queue.listing.PAGE_SIZE", 2)  # to show the pages' links
    auth.login()
    assert choose(client, code).status_code == 302
    english_browser = {"Accept-Language": "en"}  # the choice beats the browser
    for path in (
        "/queue/",
        "/queue/?page=2",
        "/queue/spam",
        "/queue/rejected",
        "/queue/approved",
        "/queue/?q=nadie&language=fr",
        "/queue/?likely=yes&order=score",
        "/queue/?likely=no&order=likely",
        "/queue/model",
        "/account",
        "/account/password",
        "/admin/articles",
        "/admin/moderators",
        "/admin/transfer",
        "/admin/readers",
    ):
        page = client.get(path, headers=english_browser).get_data(as_text=True)
        assert f'<html lang="{code}">' in page, path
        assert english_left(page, code) == [], path


def test_reasons_and_decisions_are_worded_in_the_moderators_language(
    client: FlaskClient, auth: Auth, factory: Factory
) -> None:
    seed_queue(factory)
    auth.login()
    choose(client, "es")
    page = client.get("/queue/").get_data(as_text=True)
    for words in (
        "Escrito en español (con 87\u00a0% de certeza)",  # Babel's no-break space
        "Puntuación de spam 0,91: probable spam",
        "Enlaza a t.me, un servicio de mensajería",
        "Ofrece 2 números de teléfono o WhatsApp",
        "Mayúsculas: 40\u00a0% del texto",
        "Su redacción se parece al spam que el filtro aprendió: “gana” y “dinero”",
        "1.200 comentarios de este cliente en 10 minutos",
        "Escrito en portugués; el artículo, en español",
        "pendiente → rechazado por mod@example.org",
        ": todos los de este autor",
        "rechazado → pendiente por importación",
        "Probable spam",
        "sin clasificar",
    ):
        assert words in page, words


def test_a_moderators_language_defaults_to_the_browser_and_is_stored(
    client: FlaskClient, app: Flask, auth: Auth, factory: Factory
) -> None:
    factory.moderator(email="mod@example.org")
    auth.login()
    portuguese = client.get("/queue/", headers={"Accept-Language": "pt-BR"})
    assert "Comentários aguardando moderação" in portuguese.get_data(as_text=True)
    account = client.get("/account", headers={"Accept-Language": "pt-BR"}).get_data(as_text=True)
    assert "O do meu navegador (Português)" in account
    choose(client, "es")
    with app.app_context():
        assert db.session.scalar(select(Moderator.locale)) == "es"
    saved = client.get("/account", headers={"Accept-Language": "pt-BR"})
    assert "Se guardó tu configuración." in saved.get_data(as_text=True)
    choose(client, "")  # back to the browser's
    with app.app_context():
        assert db.session.scalar(select(Moderator.locale)) is None


def test_queue_flash_messages_speak_the_moderators_language(
    client: FlaskClient, auth: Auth, factory: Factory
) -> None:
    article = factory.article(slug="nota")
    comment = factory.comment(article, author_name="Lucía")
    factory.moderator(email="mod@example.org")
    auth.login()
    choose(client, "pt")
    client.post(f"/queue/comments/{comment.id}/approve", data=queue_form(client, comment.id))
    page = client.get("/queue/").get_data(as_text=True)
    assert f"O comentário {comment.id} de Lucía foi aprovado." in page


# The API and the embed ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("accept", "message"),
    [
        ("es-AR,es;q=0.9", "Esto no parece una dirección de correo electrónico."),
        ("pt-BR", "Isto não parece um endereço de e-mail."),
        ("de", "This does not look like an email address."),
    ],
)
def test_api_errors_follow_accept_language_with_stable_codes(
    client: FlaskClient, factory: Factory, accept: str, message: str
) -> None:
    factory.article(slug="nota", language="es")
    response = client.post(
        "/api/v1/articles/nota/comments",
        json={"name": "Ana", "email": "ana", "body": ""},
        headers={"Accept-Language": accept},
    )
    assert response.status_code == 422 and response.json is not None
    assert response.json["codes"] == {"email": "invalid", "body": "required"}
    assert response.json["errors"]["email"] == message
    missing = client.get("/api/v1/articles/nada/comments", headers={"Accept-Language": accept})
    assert missing.json is not None and missing.json["codes"] == {"request": "not_found"}


@pytest.mark.parametrize(
    ("article_language", "page_language", "accept", "expected"),
    [
        ("pt", "es", "es", "pt"),  # the article first
        (None, "es-MX", "pt", "es"),  # then the page the embed is on
        (None, "x-klingon", "", "en"),  # an unusual <html lang>: the site default
        (None, "", "pt-BR", "pt"),  # else the browser
    ],
)
def test_the_embed_words_follow_article_page_browser_default(
    client: FlaskClient,
    factory: Factory,
    article_language: str | None,
    page_language: str,
    accept: str,
    expected: str,
) -> None:
    factory.article(slug="nota", language=article_language)
    response = client.get(
        f"/embed/messages.json?article=nota&page_language={page_language}",
        headers={"Accept-Language": accept} if accept else {},
    )
    assert response.status_code == 200 and response.json is not None
    assert response.json["locale"] == expected
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    words = response.json["messages"]
    assert set(words) >= {"comments", "send", "pending", "summary", "replyingTo"}
    assert "%(name)s" in words["replyingTo"]
    if expected != "en":
        assert english_left(" ".join(words.values()), expected) == []


def test_the_admin_page_shows_the_whole_embed_snippet(
    client: FlaskClient, auth: Auth, factory: Factory
) -> None:
    factory.article(slug="nota")
    factory.moderator(email="mod@example.org", role=ModeratorRole.ADMIN)
    auth.login()
    page = client.get("/admin/articles").get_data(as_text=True)
    snippet = re.search(r'<pre class="snippet"><code>(.*?)</code></pre>', page, re.S)
    assert snippet is not None
    assert snippet.group(1) == (
        '&lt;div data-tertulia-article="nota"&gt;&lt;/div&gt;\n'
        '&lt;script src="http://localhost/static/embed.js" defer&gt;&lt;/script&gt;'
    )
