"""The demo `make run` serves: three articles, published and queued comments, two accounts."""

from __future__ import annotations

import secrets
from collections.abc import Iterator, Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session
from werkzeug.security import check_password_hash

from models import Article, Comment, CommentStatus, Moderator, ModeratorRole
from moderation import management
from moderation.pipeline import Intake, Submission, decide

DEMO_EMAIL = "demo@tertulia.example"
# A plain moderator, on localhost only: its password is printed while it is still this one.
DEMO_PASSWORD = "tertulia-demo"
# The demo's admin gets a random password, printed once, when the account is made.
ADMIN_EMAIL = "admin@tertulia.example"

# (slug, title, language, [(name, email, body, publish?)]); a None email marks a reply to the
# previous published comment.
ARTICLES = [
    (
        "presupuesto-abierto-2026",
        "Presupuesto abierto 2026: ¿a dónde va el dinero público?",
        "es",
        [
            (
                "Lucía",
                "lucia@ejemplo.org",
                "Muy buen resumen. ¿Publicarán los datos en formato abierto?",
                True,
            ),
            (
                "Mateo",
                "mateo@ejemplo.org",
                "Sí, el portal ya tiene los CSV de cada ministerio.",
                True,
            ),
            (
                "Carmen",
                "carmen@ejemplo.org",
                "Me parece vergonzoso que salud reciba menos que el año pasado. "
                "Exijo explicaciones.",
                False,
            ),
            (
                "Promo",
                "promo@ejemplo.org",
                "GANA DINERO RAPIDO desde casa!!! Haz clic aqui http://dinero-facil.example "
                "y recibe tu premio",
                False,
            ),
        ],
    ),
    (
        "transparencia-municipal",
        "Transparência municipal: o que mudou com a nova lei",
        "pt",
        [
            (
                "João",
                "joao@exemplo.org",
                "Excelente matéria, obrigado por explicar a lei com clareza.",
                True,
            ),
            (
                "Ana",
                "ana@exemplo.org",
                "A prefeitura da minha cidade ainda não publica os contratos. Como posso pedir?",
                False,
            ),
        ],
    ),
    (
        "open-contracting-latam",
        "Open contracting across Latin America",
        "en",
        [
            (
                "Sam",
                "sam@example.org",
                "Great overview. The Paraguay example is worth a follow-up piece.",
                True,
            ),
            (
                "Priya",
                "priya@example.org",
                "Could you link the dataset you used for the chart?",
                False,
            ),
        ],
    ),
]


def seed(session: Session, intake: Intake, site_languages: Sequence[str]) -> Iterator[str]:
    """Create whatever part of the demo is missing and say what was done; idempotent.

    Accounts and articles go through the site's own rules (`management`), like any other.
    """
    moderator = session.scalar(select(Moderator).where(Moderator.email == DEMO_EMAIL))
    if moderator is None:
        moderator = management.add_moderator(
            session,
            site_languages,
            DEMO_EMAIL,
            DEMO_PASSWORD,
            role=ModeratorRole.MODERATOR.value,
            languages=",".join(site_languages),
        )
        session.commit()
        yield f"demo moderator {DEMO_EMAIL} created"
    has_admin = session.scalar(select(Moderator.id).where(Moderator.role == ModeratorRole.ADMIN))
    if has_admin is None:
        password = secrets.token_urlsafe(12)
        management.add_moderator(
            session, site_languages, ADMIN_EMAIL, password, role=ModeratorRole.ADMIN.value
        )
        session.commit()
        yield (
            f"admin {ADMIN_EMAIL} created with password {password} (shown this once: change it "
            f"at /account/password, or with `flask moderators password {ADMIN_EMAIL}`)"
        )

    for slug, title, language, comments in ARTICLES:
        if language not in site_languages:
            yield f"demo article '{slug}' left out: this site does not moderate '{language}'"
            continue
        if session.scalar(select(Article.id).where(Article.slug == slug)) is not None:
            continue
        article = management.add_article(session, site_languages, slug, title, language=language)
        session.commit()
        for name, email, body, publish in comments:
            comment = intake.submit(
                session,
                article.slug,
                Submission(name=name, email=email, body=body, page_language=language),
            )
            if publish and comment.status is not CommentStatus.APPROVED:
                stored = session.get_one(Comment, comment.id)
                decide(session, stored, CommentStatus.APPROVED, moderator, "demo")
                session.commit()
        yield f"demo article '{slug}' created with {len(comments)} comments"

    pending = session.scalar(select(Comment.id).where(Comment.status == CommentStatus.PENDING))
    # Never a password that is no longer the published one: it might be the moderator's own.
    unchanged = check_password_hash(moderator.password_hash, DEMO_PASSWORD)
    yield (
        f"Sign in at /login as {DEMO_EMAIL}"
        + (f" with password {DEMO_PASSWORD}" if unchanged else " (its password was changed)")
        + ("" if pending is None else "; comments are waiting in the queue")
    )
