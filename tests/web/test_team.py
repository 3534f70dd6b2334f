"""Moderation as a team: no silent overwrites, context at a glance, blocks and word lists."""

from __future__ import annotations

from datetime import timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from models import AuditEntry, Ban, Comment, CommentStatus, Decision, ModeratorRole, utcnow
from moderation.extensions import db
from tests.conftest import Auth, csrf_token, queue_form
from tests.factories import Factory


def signed_in(app: Flask, email: str) -> FlaskClient:
    client = app.test_client()
    Auth(client).login(email)
    return client


def status_of(app: Flask, comment_id: int) -> CommentStatus:
    with app.app_context():
        return db.session.get_one(Comment, comment_id).status


def test_a_stale_page_cannot_overwrite_a_colleagues_decision(app: Flask, factory: Factory) -> None:
    comment = factory.comment(factory.article(title="Presupuesto"), body="Texto discutido")
    factory.moderator("ana@example.org")
    factory.moderator("bea@example.org")
    ana, bea = signed_in(app, "ana@example.org"), signed_in(app, "bea@example.org")
    stale = queue_form(bea, comment.id)  # Bea's page shows it pending
    done = ana.post(f"/queue/comments/{comment.id}/reject", data=queue_form(ana, comment.id))
    assert done.status_code == 302

    refused = bea.post(f"/queue/comments/{comment.id}/approve", data=stale)
    page = refused.get_data(as_text=True)
    assert refused.status_code == 409
    assert "ana@example.org" in page and "rejected" in page and "anyway" in page
    assert status_of(app, comment.id) is CommentStatus.REJECTED
    with app.app_context():
        assert db.session.query(Decision).count() == 1

    # "Apply anyway" sends the status now seen.
    anyway = bea.post(f"/queue/comments/{comment.id}/approve", data={**stale, "seen": "rejected"})
    assert anyway.status_code == 302
    assert status_of(app, comment.id) is CommentStatus.APPROVED


def test_an_action_without_the_status_seen_is_refused(app: Flask, factory: Factory) -> None:
    comment = factory.comment(factory.article())
    factory.moderator()
    client = signed_in(app, "mod@example.org")
    token = csrf_token(client, "/queue/")
    response = client.post(f"/queue/comments/{comment.id}/approve", data={"csrf_token": token})
    assert response.status_code == 400
    assert status_of(app, comment.id) is CommentStatus.PENDING


def test_bulk_reports_each_comment(app: Flask, factory: Factory) -> None:
    article = factory.article()
    moved, fresh, there = (factory.comment(article, body=f"Comentario {n}") for n in range(3))
    factory.moderator("ana@example.org")
    factory.moderator("bea@example.org")
    ana, bea = signed_in(app, "ana@example.org"), signed_in(app, "bea@example.org")
    token = csrf_token(bea, "/queue/")
    ana.post(f"/queue/comments/{moved.id}/spam", data=queue_form(ana, moved.id))
    response = bea.post(
        "/queue/bulk",
        data={
            "csrf_token": token,
            "action": "reject",
            "comment_id": [str(moved.id), str(fresh.id), str(there.id)],
            f"seen-{moved.id}": "pending",
            f"seen-{fresh.id}": "pending",
            f"seen-{there.id}": "rejected",
        },
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "1 comment changed as you asked." in page and "1 was already there." in page
    assert f'id="conflict-{moved.id}"' in page and "ana@example.org" in page
    assert status_of(app, moved.id) is CommentStatus.SPAM
    assert status_of(app, fresh.id) is CommentStatus.REJECTED


def test_replies_show_their_parent_and_the_queue_filters_by_article(
    app: Flask, factory: Factory
) -> None:
    budget, law = factory.article(title="Presupuesto"), factory.article(title="Ley de datos")
    parent = factory.comment(
        budget, body="Primera línea del comentario original.", status=CommentStatus.APPROVED
    )
    factory.comment(budget, body="Una respuesta", parent_id=parent.id)
    factory.comment(law, body="Sobre la ley")
    factory.moderator()
    client = signed_in(app, "mod@example.org")
    page = client.get("/queue/").get_data(as_text=True)
    assert "In reply to Reader" in page and "Primera línea del comentario original." in page
    assert "approved" in page
    assert 'Presupuesto <span class="count">1</span>' in page
    only = client.get(f"/queue/?article={law.slug}").get_data(as_text=True)
    assert "Sobre la ley" in only and "Una respuesta" not in only
    newest = client.get("/queue/?order=newest").get_data(as_text=True)
    assert newest.index("Sobre la ley") < newest.index("Una respuesta")
    # A row's article link narrows the folder down, keeping the search and order.
    kept = client.get("/queue/?q=ley&order=newest").get_data(as_text=True)
    assert f'href="/queue/?q=ley&amp;article={law.slug}&amp;order=newest"' in kept


def test_a_reply_and_its_parent_both_waiting_show_in_full(app: Flask, factory: Factory) -> None:
    article = factory.article()
    parent = factory.comment(article, body="La pregunta original")
    factory.comment(article, body="La respuesta", parent_id=parent.id)
    factory.moderator()
    for order in ("oldest", "newest"):
        page = signed_in(app, "mod@example.org").get("/queue/", query_string={"order": order})
        text = page.get_data(as_text=True)
        assert '<div class="body" lang="es"><p>La pregunta original</p>' in text  # its card
        assert "In reply to Reader" in text and "La respuesta" in text


def test_cards_escape_what_readers_and_sites_wrote(app: Flask, factory: Factory) -> None:
    article = factory.article(title='<i>"Ley"</i> & datos')
    parent = factory.comment(article, body="<script>alert(1)</script> pregunta")
    factory.comment(
        article,
        body="Una respuesta",
        parent_id=parent.id,
        author_name='<b onmouseover="x">Eve</b>',
        author_email="eve+<x>@example.org",
        reasons=[{"check": "spam", "code": "link.unknown", "params": {"domain": "<x>.example"}}],
    )
    factory.moderator()
    page = signed_in(app, "mod@example.org").get("/queue/").get_data(as_text=True)
    for raw in ("<script>", "<b onmouseover", "<i>", "<x>"):
        assert raw not in page
    assert "&lt;b onmouseover=&#34;x&#34;&gt;Eve&lt;/b&gt;" in page
    assert "eve+&lt;x&gt;@example.org" in page
    assert "&lt;i&gt;&#34;Ley&#34;&lt;/i&gt; &amp; datos" in page
    assert "Links to &lt;x&gt;.example" in page


def test_a_card_changes_as_soon_as_its_comment_does(app: Flask, factory: Factory) -> None:
    # Cards are kept between pages: what a colleague did must show on the next one.
    article = factory.article()
    parent = factory.comment(article, body="La pregunta original")
    reply = factory.comment(article, body="La respuesta", parent_id=parent.id)
    factory.moderator("ana@example.org")
    factory.moderator("bea@example.org")
    ana, bea = signed_in(app, "ana@example.org"), signed_in(app, "bea@example.org")
    before = bea.get("/queue/").get_data(as_text=True)
    assert f"(#{parent.id}, pending)" in before and "by ana@example.org" not in before
    ana.post(f"/queue/comments/{parent.id}/approve", data=queue_form(ana, parent.id))
    ana.post(f"/queue/comments/{reply.id}/reject", data=queue_form(ana, reply.id))
    ana.post(f"/queue/comments/{reply.id}/requeue", data=queue_form(ana, reply.id))
    after = bea.get("/queue/").get_data(as_text=True)
    assert f"(#{parent.id}, approved)" in after
    assert "rejected → pending by ana@example.org" in after
    assert f'name="seen-{reply.id}" value="pending"' in after


def test_the_queue_sorts_oldest_newest_likely_spam_and_by_score(
    app: Flask, factory: Factory
) -> None:
    article = factory.article()
    start = utcnow() - timedelta(hours=1)
    bodies = ["Primero", "Segundo", "Tercero", "Cuarto"]
    scores = [0.3, 0.9, None, 0.6]
    likely = [False, False, False, True]
    for minute, (body, score, flag) in enumerate(zip(bodies, scores, likely, strict=True)):
        factory.comment(
            article,
            body=body,
            spam_score=score,
            likely_spam=flag,
            created_at=start + timedelta(minutes=minute),
        )
    factory.moderator()
    client = signed_in(app, "mod@example.org")

    def order(name: str) -> list[str]:
        page = client.get("/queue/", query_string={"order": name}).get_data(as_text=True)
        return sorted(bodies, key=page.index)

    assert order("oldest") == ["Primero", "Segundo", "Tercero", "Cuarto"]
    assert order("newest") == ["Cuarto", "Tercero", "Segundo", "Primero"]
    # Unclassified comments (no score) come last when sorting by score.
    assert order("score") == ["Segundo", "Cuarto", "Primero", "Tercero"]
    assert order("likely") == ["Cuarto", "Primero", "Segundo", "Tercero"]


def test_folders_past_the_count_cap_show_a_floor(
    app: Flask, factory: Factory, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("moderation.queue.listing.COUNT_CAP", 2)
    article = factory.article()
    for _ in range(3):
        factory.comment(article, status=CommentStatus.APPROVED)
    factory.comment(article)
    factory.moderator()
    client = signed_in(app, "mod@example.org")
    for folder in ("", "approved"):
        page = client.get(f"/queue/{folder}")
        assert page.status_code == 200
        assert 'Approved <span class="count">2+</span>' in page.get_data(as_text=True)


@pytest.mark.parametrize("query", ["educacion", "EDUCACIÓN", "Educación pública", "lucia"])
def test_search_ignores_case_and_accents(app: Flask, factory: Factory, query: str) -> None:
    article = factory.article()
    factory.comment(article, body="La educación pública primero", author_name="Lucía")
    factory.comment(article, body="Otro tema", author_name="Mateo")
    factory.moderator()
    client = signed_in(app, "mod@example.org")
    # The first search uses the index; once the folder is counted within the cap, the next
    # reads the folder's rows instead (listing.search_condition): both find the same.
    for _ in range(2):
        text = client.get("/queue/", query_string={"q": query}).get_data(as_text=True)
        assert "La educación pública primero" in text and "Otro tema" not in text


def test_search_takes_wildcards_literally(app: Flask, factory: Factory) -> None:
    article = factory.article()
    factory.comment(article, body="cien por ciento")
    factory.comment(article, body="100% seguro")
    factory.moderator()
    text = signed_in(app, "mod@example.org").get("/queue/?q=%25").get_data(as_text=True)
    assert "100% seguro" in text and "cien por ciento" not in text


def admin(app: Flask, factory: Factory) -> FlaskClient:
    factory.moderator("admin@example.org", role=ModeratorRole.ADMIN)
    return signed_in(app, "admin@example.org")


def test_admins_block_authors_and_networks_and_the_log_says_so(
    app: Flask, factory: Factory
) -> None:
    client = admin(app, factory)
    token = csrf_token(client, "/admin/bans")
    added = client.post(
        "/admin/bans",
        data={"csrf_token": token, "email": "troll@example.org", "duration": "7d", "note": "acoso"},
    )
    assert added.status_code == 302
    network = client.post(
        "/admin/bans", data={"csrf_token": token, "network": "192.0.2.0/24", "duration": "forever"}
    )
    assert network.status_code == 302
    refused = client.post(
        "/admin/bans", data={"csrf_token": token, "network": "nope", "duration": "forever"}
    )
    assert refused.status_code == 422
    page = client.get("/admin/bans").get_data(as_text=True)
    assert "acoso" in page and "192.0.2.0/24" in page and "troll@example.org" not in page
    with app.app_context():
        stored = db.session.scalars(select(Ban.value)).all()
        assert "troll@example.org" not in stored
        ban_id = db.session.scalars(select(Ban.id).where(Ban.note == "acoso")).one()
    assert client.post(f"/admin/bans/{ban_id}/lift", data={"csrf_token": token}).status_code == 302
    log = client.get("/admin/audit").get_data(as_text=True)
    assert log.count("ban.add") == 2 and "ban.lift" in log and "troll@example.org" not in log


def test_blocking_from_the_queue_rejects_the_authors_pending_comments(
    app: Flask, factory: Factory
) -> None:
    article = factory.article(slug="presupuesto")
    troll = [factory.comment(article, author_email="t@example.org") for _ in range(2)]
    other = factory.comment(article)
    client = admin(app, factory)
    form = queue_form(client, troll[0].id)
    response = client.post(f"/admin/bans/comment/{troll[0].id}", data=form)
    assert response.status_code == 302
    assert all(status_of(app, c.id) is CommentStatus.REJECTED for c in troll)
    assert status_of(app, other.id) is CommentStatus.PENDING
    token = csrf_token(client, "/articles/presupuesto")
    client.post(
        "/articles/presupuesto",
        data={"csrf_token": token, "name": "T", "email": "T@example.org", "body": "Otra vez yo"},
    )
    with app.app_context():
        latest = db.session.scalars(select(Comment).order_by(Comment.id.desc())).first()
        assert latest is not None and latest.status is CommentStatus.REJECTED
        assert latest.reasons[0]["code"] == "ban.author"
    assert "A moderator blocked this author" in client.get("/queue/rejected").get_data(as_text=True)


def test_admins_keep_word_lists(app: Flask, factory: Factory) -> None:
    client = admin(app, factory)
    token = csrf_token(client, "/admin/words")
    added = client.post(
        "/admin/words",
        data={"csrf_token": token, "phrases": "estafa\nVete a la mierda", "action": "block"},
    )
    assert added.status_code == 302
    empty = client.post(
        "/admin/words", data={"csrf_token": token, "phrases": " ", "action": "hold"}
    )
    assert empty.status_code == 422
    page = client.get("/admin/words").get_data(as_text=True)
    assert "Vete a la mierda" in page
    with app.app_context():
        entry = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "words.add")).one()
        assert entry.details["phrases"] == ["estafa", "Vete a la mierda"]


@pytest.mark.parametrize("path", ["/admin/bans", "/admin/words", "/admin/audit", "/admin/mail"])
def test_safety_pages_are_for_admins(app: Flask, factory: Factory, path: str) -> None:
    factory.moderator()
    assert signed_in(app, "mod@example.org").get(path).status_code == 403
    assert app.test_client().get(path).status_code == 302


def test_the_api_takes_the_two_opt_ins(app: Flask, factory: Factory) -> None:
    factory.article(slug="presupuesto")
    client = app.test_client()
    body = {"name": "Ana", "email": "ana@example.org", "body": "Buen artículo, gracias."}
    ok = client.post(
        "/api/v1/articles/presupuesto/comments",
        json={**body, "notify_published": True, "notify_replies": False},
    )
    assert ok.status_code == 202
    with app.app_context():
        stored = db.session.get_one(Comment, ok.json["id"])  # type: ignore[index]
        assert stored.notify_published and not stored.notify_replies
    bad = client.post(
        "/api/v1/articles/presupuesto/comments", json={**body, "notify_replies": "maybe"}
    )
    assert bad.status_code == 422 and "notify_replies" in bad.json["errors"]  # type: ignore[index]
