"""The site's spam model learns from moderators (in the learning worker, never in their
requests), refuses worse versions, and rolls back."""

from __future__ import annotations

import json
import threading
from datetime import timedelta
from pathlib import Path
from typing import Any
from unittest import mock

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from models import (
    Article,
    Comment,
    CommentStatus,
    ModeratorRole,
    SpamLabel,
    SpamLearningState,
    SpamModelVersion,
    utcnow,
)
from moderation.extensions import db
from moderation.pipeline import Submission, decide, learning
from moderation.pipeline.retention import forget_author
from moderation.services import services
from moderation.spam import site
from tests.conftest import Auth, csrf_token, queue_form
from tests.factories import Factory

# A campaign the bundled model lets through: bland praise signed by the same brand.
CAMPAIGN = [
    f"{praise} Saludos del equipo de Zentrova Capital."
    for praise in (
        "Interesante punto de vista.",
        "Muy buena nota.",
        "Coincido plenamente.",
        "Excelente reflexión.",
        "Totalmente de acuerdo.",
        "Qué buen texto.",
        "Muy acertado.",
    )
]
GENUINE = [
    "Gracias por el análisis del presupuesto, muy claro.",
    "No estoy de acuerdo con la conclusión sobre salud pública.",
    "¿Dónde puedo consultar los datos del ministerio de educación?",
    "Excelente trabajo de investigación, sigan así.",
    "El gráfico de la segunda sección tiene un error en el eje.",
]
NEAR_DUPLICATE = "Coincido con el autor. Equipo Zentrova Capital"


@pytest.fixture
def app(app_factory: Any) -> Flask:
    built: Flask = app_factory(TERTULIA_SPAM_LEARN_BATCH=10)
    return built


def score(app: Flask, text: str) -> tuple[float, str]:
    """Submit `text` through the real pipeline; its spam score and the model version used."""
    with app.app_context():
        article = db.session.scalar(select(Article))
        assert article is not None
        comment = services().intake.submit(
            db.session, article.slug, Submission(name="Test", email="t@example.org", body=text)
        )
        assert comment.spam_score is not None and comment.spam_model_version is not None
        return comment.spam_score, comment.spam_model_version


def decide_in_queue(client: FlaskClient, comment_id: int, action: str) -> None:
    form = queue_form(client, comment_id)
    response = client.post(f"/queue/comments/{comment_id}/{action}", data=form)
    assert response.status_code == 302


def run_worker_once(app: Flask) -> str:
    """One pass of the learning worker, as cron runs it; its output."""
    result = app.test_cli_runner().invoke(args=["spam", "worker", "--once"])
    assert result.exit_code == 0, result.output
    return result.output


def rounds(app: Flask) -> int | None:
    """The learning round counter (None: no round was ever attempted)."""
    with app.app_context():
        return db.session.scalar(select(SpamLearningState.rounds))


def labels(app: Flask) -> list[tuple[str, bool, str]]:
    with app.app_context():
        rows = db.session.scalars(select(SpamLabel).order_by(SpamLabel.id))
        return [(row.text, row.is_spam, row.source) for row in rows]


def test_decisions_become_labels_but_reject_does_not(
    client: FlaskClient, app: Flask, auth: Auth, factory: Factory
) -> None:
    article = factory.article()
    kept, spam, rejected = (factory.comment(article, body=f"Texto {n}") for n in range(3))
    factory.moderator()
    auth.login()
    decide_in_queue(client, kept.id, "approve")
    decide_in_queue(client, spam.id, "spam")
    decide_in_queue(client, rejected.id, "reject")
    assert labels(app) == [("Texto 0", False, "decision"), ("Texto 1", True, "decision")]


def test_moderators_teach_the_model_a_new_campaign(
    client: FlaskClient, app: Flask, auth: Auth, factory: Factory
) -> None:
    article = factory.article(language="es")
    before, bundled = score(app, NEAR_DUPLICATE)
    assert before < 0.5
    campaign = [factory.comment(article, body=text) for text in CAMPAIGN]
    genuine = [factory.comment(article, body=text) for text in GENUINE]
    factory.moderator()
    auth.login()
    for comment in campaign:
        decide_in_queue(client, comment.id, "spam")
    for comment in genuine:
        decide_in_queue(client, comment.id, "approve")
    assert score(app, NEAR_DUPLICATE)[1] == bundled  # the decisions wait for the worker

    assert "promoted, now active" in run_worker_once(app)
    with app.app_context():
        (version,) = learning.versions(db.session)
        assert version.promoted and version.is_active, version.reason
    after, learned = score(app, NEAR_DUPLICATE)
    assert learned == version.version != bundled
    assert after > before + 0.2
    genuine_after, _ = score(app, "Gracias por el artículo, muy bien explicado el presupuesto.")
    assert genuine_after < 0.5


def test_a_decision_records_its_label_and_never_runs_a_round(
    client: FlaskClient, app: Flask, auth: Auth, factory: Factory
) -> None:
    """A moderator's click never waits for learning, nor fails because of it."""
    article = factory.article(language="es")
    campaign = [factory.comment(article, body=text) for text in CAMPAIGN]
    genuine = [factory.comment(article, body=text) for text in GENUINE]
    factory.moderator()
    auth.login()
    # Were a round to start in a request, it would fail it (and the request with it).
    with mock.patch.object(learning, "learn", side_effect=AssertionError("a round in a request")):
        for comment in campaign:
            decide_in_queue(client, comment.id, "spam")
        form = {
            "action": "approve",
            "folder": "pending",
            "csrf_token": csrf_token(client, "/queue/"),
        }
        form |= {f"seen-{comment.id}": "pending" for comment in genuine}
        bulk = client.post("/queue/bulk", data={**form, "comment_id": [c.id for c in genuine]})
        assert bulk.status_code == 302
    assert len(labels(app)) == len(CAMPAIGN) + len(GENUINE)  # two batches' worth
    assert rounds(app) is None
    with app.app_context():
        assert learning.versions(db.session) == []
    page = client.get("/queue/model").get_data(as_text=True)
    assert "12 new decisions since the last learning round" in page
    assert "no learning worker has run yet" in page  # nothing will learn them: the page says so


def test_the_worker_runs_a_due_round_once_and_nothing_otherwise(
    client: FlaskClient, app: Flask, auth: Auth, factory: Factory
) -> None:
    factory.article()
    factory.moderator()
    assert "no learning round due: 0 new label(s), a round learns every 10" in run_worker_once(app)
    seed_labels(
        app, [(text, True) for text in CAMPAIGN[:5]] + [(text, False) for text in GENUINE[:4]]
    )
    assert run_worker_once(app).startswith("no learning round due: 9 new label(s)")
    assert rounds(app) == 0
    auth.login()
    page = client.get("/queue/model").get_data(as_text=True)
    assert "9 new decisions since" in page and "A learning round is due" not in page

    seed_labels(app, [(CAMPAIGN[5], True)])
    page = client.get("/queue/model").get_data(as_text=True)
    assert "A learning round is due: the learning worker runs it" in page
    with app.app_context():  # as if the worker had stopped an hour ago
        state = db.session.get(SpamLearningState, 1)
        assert state is not None and state.checked_at is not None
        state.checked_at = utcnow() - timedelta(hours=1)
        db.session.commit()
    page = client.get("/queue/model").get_data(as_text=True)
    assert "no learning worker has looked for one since" in page

    output = run_worker_once(app)
    assert "learned 9 labels: promoted, now active" in output  # the newest approval held out
    assert rounds(app) == 1
    assert run_worker_once(app).startswith("no learning round due: 0 new label(s)")
    assert rounds(app) == 1
    with app.app_context():
        (version,) = learning.versions(db.session)
        assert version.is_active
    page = client.get("/queue/model").get_data(as_text=True)
    assert version.version in page and "A learning round is due" not in page


def test_a_failing_round_fails_the_worker_pass_and_changes_nothing(
    app: Flask, factory: Factory
) -> None:
    factory.article()
    seed_labels(app, [(text, True) for text in CAMPAIGN] + [(text, False) for text in GENUINE])
    with mock.patch.object(site, "judge", side_effect=RuntimeError("judge broke")):
        result = app.test_cli_runner().invoke(args=["spam", "worker", "--once"])
    assert result.exit_code != 0 and "the learning round failed: judge broke" in result.output
    assert rounds(app) == 0
    assert "promoted, now active" in run_worker_once(app)  # the labels waited


def seed_labels(app: Flask, rows: list[tuple[str, bool]]) -> None:
    with app.app_context():
        learning.import_labels(db.session, rows)
        db.session.commit()


def test_a_version_that_hides_approved_comments_is_not_promoted(
    app: Flask, factory: Factory
) -> None:
    factory.article()
    # The site approved readers citing an open-data portal (learned, promoted); then a
    # moderator's mis-clicks mark near-copies of the newest of them as spam. The candidate,
    # judged on the newest approvals it has not learned, would send that approved comment to
    # the spam folder: refused.
    approved = [
        ("Los contratos están en datos-abiertos.org/contratos, revísenlos.", False),
        ("Según datos-abiertos.org el gasto en salud subió, muy útil.", False),
    ]
    poisoned = [
        (f"Según datos-abiertos.org el gasto en salud subió {n} veces, muy útil.", True)
        for n in range(8)
    ]
    with app.app_context():
        models = services().spam_models
        learning.import_labels(db.session, approved)
        first = learning.learn(db.session, models, batch=2)
        db.session.commit()
        assert first is not None and first.version.promoted
        learning.import_labels(db.session, poisoned)
        outcome = learning.learn(db.session, models, batch=8)
        db.session.commit()
        assert outcome is not None and outcome.learned == 9  # the newest approval held out
        version = outcome.version
        assert not version.promoted and version.reason == "learning.more_approved_to_spam"
        metrics = version.metrics
        assert metrics["site_genuine_to_spam_after"] > metrics["site_genuine_to_spam_before"]
        assert metrics["n"] >= 200 and metrics["genuine"] + metrics["spam"] == metrics["n"]
        assert learning.versions(db.session)[1].is_active
    _, version_used = score(app, "Gracias por el artículo.")
    assert version_used == first.version.version


def services_base_version(app: Flask) -> str:
    with app.app_context():
        return services().spam_models.base.version


def test_rollback_and_every_worker_follows(
    app_factory: Any, app: Flask, factory: Factory, tmp_path: Path
) -> None:
    factory.article()
    other_worker = app_factory(TERTULIA_SPAM_LEARN_BATCH=10)
    history = tmp_path / "history.csv"
    rows = [(text, "spam") for text in CAMPAIGN] + [(text, "ham") for text in GENUINE]
    history.write_text(
        "text,label\n" + "".join(f'"{text}",{label}\n' for text, label in rows), encoding="utf-8"
    )
    runner = app.test_cli_runner()
    result = runner.invoke(args=["spam", "learn", str(history)])
    assert result.exit_code == 0, result.output
    assert "imported 12 labels (7 spam, 5 ham)" in result.output
    assert "promoted, now active" in result.output
    with app.app_context():
        (version,) = learning.versions(db.session)
        active = version.version
    assert score(other_worker, NEAR_DUPLICATE)[1] == active

    listing = runner.invoke(args=["spam", "versions"])
    assert f"* {active}" in listing.output

    result = runner.invoke(args=["spam", "rollback"])
    assert result.exit_code == 0 and "active spam model: bundled" in result.output
    assert score(other_worker, NEAR_DUPLICATE)[1] == services_base_version(other_worker)
    assert "* bundled (active)" in runner.invoke(args=["spam", "versions"]).output

    result = runner.invoke(args=["spam", "rollback", active])
    assert result.exit_code == 0, result.output
    assert score(other_worker, NEAR_DUPLICATE)[1] == active
    missing = runner.invoke(args=["spam", "rollback", "no-such-version"])
    assert missing.exit_code != 0 and "no spam model version" in missing.output

    evaluated = runner.invoke(args=["spam", "evaluate", str(history), "--json"])
    assert json.loads(evaluated.output)["model_version"] == active


def test_learn_rejects_a_malformed_csv_and_changes_nothing(app: Flask, tmp_path: Path) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text("text,label\nfine comment,ham\nanother,maybe\n", encoding="utf-8")
    result = app.test_cli_runner().invoke(args=["spam", "learn", str(bad)])
    assert result.exit_code != 0
    assert "line 3" in result.output
    with app.app_context():
        assert db.session.scalar(select(func.count(SpamLabel.id))) == 0
        assert db.session.scalar(select(func.count(SpamModelVersion.id))) == 0
        assert db.session.scalar(select(func.count(Comment.id))) == 0


def test_spam_filter_page_and_admin_rollback(
    client: FlaskClient, app: Flask, auth: Auth, factory: Factory
) -> None:
    factory.article()
    rows = [(text, True) for text in CAMPAIGN] + [(text, False) for text in GENUINE]
    seed_labels(app, rows)
    with app.app_context():
        outcome = learning.learn(db.session, services().spam_models, batch=10)
        db.session.commit()
        assert outcome is not None and outcome.version.promoted
        version = outcome.version.version
    factory.moderator(email="mod@example.org")
    factory.moderator(email="admin@example.org", role=ModeratorRole.ADMIN)

    auth.login("mod@example.org")
    page = client.get("/queue/model").get_data(as_text=True)
    assert version in page and "(active)" in page and "Use this version" not in page
    token = csrf_token(client, "/queue/model")
    refused = client.post("/queue/model/rollback", data={"csrf_token": token})
    assert refused.status_code == 403
    auth.logout()

    auth.login("admin@example.org")
    token = csrf_token(client, "/queue/model")
    done = client.post("/queue/model/rollback", data={"csrf_token": token, "version": "bundled"})
    assert done.status_code == 302
    page = client.get("/queue/model").get_data(as_text=True)
    assert "now scores with bundled" in page and "Use this version" in page
    assert score(app, NEAR_DUPLICATE)[1] == services_base_version(app)


def test_versions_of_another_bundled_model_are_set_aside_and_relearned(
    app: Flask, factory: Factory
) -> None:
    factory.article()
    seed_labels(app, [(text, True) for text in CAMPAIGN] + [(text, False) for text in GENUINE])
    with app.app_context():
        outcome = learning.learn(db.session, services().spam_models, batch=10)
        assert outcome is not None and outcome.version.promoted
        # As if the bundled model had been upgraded since this version was learned.
        outcome.version.base_version = "spam-older-release"
        db.session.commit()
    assert score(app, NEAR_DUPLICATE)[1] == services_base_version(app)

    result = app.test_cli_runner().invoke(args=["spam", "relearn"])
    assert result.exit_code == 0, result.output
    # Twelve labels less the newest of the five approvals, held out to judge the candidate.
    assert "learned 11 labels" in result.output and "promoted, now active" in result.output
    with app.app_context():
        newest = learning.versions(db.session)[0]
        assert newest.is_active and newest.base_version == services_base_version(app)
    assert score(app, NEAR_DUPLICATE)[1] == newest.version


def test_racing_decisions_learn_each_batch_once(app: Flask, factory: Factory) -> None:
    """Two workers crossing the batch boundary together learn once (issue 12, item 7)."""
    factory.article()
    with app.app_context():  # a first round creates the counter; the race is at the next one
        db.session.add(SpamLearningState(id=1, rounds=4))
        db.session.commit()
    seed_labels(app, [(text, True) for text in CAMPAIGN] + [(text, False) for text in GENUINE])
    both_computed = threading.Barrier(2, timeout=30)
    real_learn = site.learn

    def learn_then_wait(model: Any, examples: Any) -> Any:
        candidate = real_learn(model, examples)
        both_computed.wait()  # both have read the round counter and learned a candidate
        return candidate

    outcomes: list[object] = []
    errors: list[BaseException] = []

    def worker() -> None:
        try:
            with app.app_context():
                outcome = learning.learn(db.session, services().spam_models, batch=10)
                db.session.commit()
                outcomes.append(outcome)
        except BaseException as error:  # reported below, with the thread's traceback
            errors.append(error)

    with mock.patch.object(site, "learn", learn_then_wait):
        threads = [threading.Thread(target=worker) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
    assert not errors, errors
    assert sorted(outcome is None for outcome in outcomes) == [False, True]
    with app.app_context():
        assert db.session.scalar(select(func.count(SpamModelVersion.id))) == 1
        assert db.session.scalar(select(SpamLearningState.rounds)) == 5


def test_loaded_versions_are_keyed_by_a_uid_never_reused(app: Flask, factory: Factory) -> None:
    """A worker's cache must not serve a deleted version for a new row (issue 12, item 15)."""
    factory.article()
    with app.app_context():
        models = services().spam_models
        learning.import_labels(db.session, [(text, True) for text in CAMPAIGN])
        first = learning.learn(db.session, models, batch=1)
        db.session.commit()
        assert first is not None
        old_id, old_uid = first.version.id, first.version.uid
        old = models.model_for(db.session, old_uid)  # cached in this worker
        db.session.delete(first.version)
        db.session.commit()
        learning.import_labels(db.session, [(text, False) for text in GENUINE])
        second = learning.learn(db.session, models, batch=1, force=True)
        db.session.commit()
        assert second is not None and second.version.uid != old_uid
        if db.engine.dialect.name == "sqlite":
            assert second.version.id == old_id  # SQLite reused the id: keying on it was wrong
        new = models.model_for(db.session, second.version.uid)
        assert new is not old and new.site.decisions == len(CAMPAIGN) + len(GENUINE) - 1


def test_forgetting_an_author_removes_what_the_model_learned(
    app: Flask, client: FlaskClient, auth: Auth, factory: Factory
) -> None:
    """Erasing an author drops the learned versions that saw their words (issue 12, item 4)."""
    article = factory.article(language="es")
    theirs = [
        factory.comment(article, body=text, author_email="zentrova@example.org")
        for text in CAMPAIGN
    ]
    others = [factory.comment(article, body=text) for text in GENUINE]
    factory.moderator()
    auth.login()
    for comment in theirs:
        decide_in_queue(client, comment.id, "spam")
    for comment in others:
        decide_in_queue(client, comment.id, "approve")
    run_worker_once(app)
    with app.app_context():
        (learned,) = learning.versions(db.session)
        assert learned.is_active and any(
            "zentrova" in key for key in learned.site_weights["weights"]
        )
        forgotten = forget_author(db.session, "ZENTROVA@example.org")
        db.session.commit()
        assert (forgotten.comments, forgotten.labels, forgotten.versions) == (7, 7, 1)
        assert db.session.scalar(select(func.count(SpamLabel.id))) == len(GENUINE)
        assert learning.versions(db.session) == []  # the bundled model scores meanwhile
    # Five labels are less than a batch: the erasure asked for the round.
    assert "promoted, now active" in run_worker_once(app)
    with app.app_context():
        remaining = learning.versions(db.session)
        assert len(remaining) == 1
        assert all(row.version != learned.version for row in remaining)
        for row in remaining:  # learned again from the other readers' labels only
            assert not any("zentrova" in key for key in row.site_weights["weights"])
            assert row.site_weights["decisions"] == len(GENUINE) - 1  # the newest held out


def test_an_erasure_during_a_round_makes_it_discard_what_it_learned(
    app: Flask, factory: Factory
) -> None:
    """A round that read an author's labels before they were erased must not store a version."""
    with app.app_context():  # as after earlier rounds
        db.session.add(SpamLearningState(id=1, rounds=3))
        db.session.commit()
    seed_labels(app, [(text, False) for text in GENUINE])
    article = factory.article(language="es")
    theirs = [
        factory.comment(article, body=text, author_email="z@example.org") for text in CAMPAIGN
    ]
    with app.app_context():
        for comment in theirs:  # decided by moderators: spam labels tied to the author
            decide(db.session, db.session.get_one(Comment, comment.id), CommentStatus.SPAM, None)
        db.session.commit()
    real_learn = site.learn

    def learn_then_erase(model: Any, examples: Any) -> Any:
        candidate = real_learn(model, examples)
        assert any("Zentrova" in text for text, _ in examples)

        def erase() -> None:
            with app.app_context():
                forget_author(db.session, "z@example.org")
                db.session.commit()

        eraser = threading.Thread(target=erase)
        eraser.start()
        eraser.join(timeout=30)
        return candidate

    with mock.patch.object(site, "learn", learn_then_erase):
        output = run_worker_once(app)
    assert "promoted" not in output
    assert rounds(app) == 4  # moved on by the erasure, not by the round
    with app.app_context():
        assert db.session.scalar(select(func.count(SpamLabel.id))) == len(GENUINE)
        for row in learning.versions(db.session):
            assert not any("zentrova" in key for key in row.site_weights["weights"])
