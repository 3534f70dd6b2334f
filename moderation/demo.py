"""The demo `make run` serves: three articles, published and queued comments, a moderator."""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from models import Article, Comment, CommentStatus, Moderator, ModeratorRole
from moderation import management
from moderation.pipeline import Intake, Submission, decide

DEMO_EMAIL = "demo@tertulia.example"
# A demo on localhost only: printed on every `make run`, never a production account.
DEMO_PASSWORD = "tertulia-demo"

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
            role=ModeratorRole.ADMIN.value,
            languages=",".join(site_languages),
        )
        session.commit()
        yield "demo moderator created"

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
    yield (
        f"Sign in at /login as {DEMO_EMAIL} with password {DEMO_PASSWORD}"
        + ("" if pending is None else " (comments are waiting in the queue)")
    )
