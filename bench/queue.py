"""The moderators' queue at scale: `python -m bench.queue --database-url postgresql://.../db`.

Seeds a PostgreSQL database (emptied first: point it at a throwaway one) with articles and
1,000,000 comments in bulk (`INSERT ... SELECT generate_series`, indexes built after the load),
then times, through the Flask test client signed in as an admin (the queue also as a moderator
of Spanish and Portuguese, whose languages come first), in a process prepared as
`moderation/serving.py` prepares a gunicorn worker (models and templates preloaded, then frozen
out of the garbage collector), the queue page, a search, an article filter and a folder switch,
and prints p50/p95 per case beside a baseline: a page that only signs in and reads nothing
(`/account/notifications`).

Comments: the 452 texts of `moderation/spam/corpus/comments.csv` (comments in three languages)
repeated, each row with its own author address and the reasons every classified comment
carries (its language and its spam score); 0.5% pending (a backlog of 5,000), 2.5% spam, 5%
rejected, the rest approved, every decided one with its decision; one in five a reply; 50
comments per article in a row.

Seeding takes minutes: `--reuse` measures a database an earlier run seeded, migrated to the
current head first (which builds any index added since).
"""

from __future__ import annotations

import argparse
import csv
import gc
import statistics
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, cast

from sqlalchemy import Table, create_engine, text

from models import Base, Comment, comment_search_text, fold
from moderation import create_app, migrations
from moderation.markdown import render_markdown
from moderation.pipeline import fingerprint
from moderation.queue.listing import PAGE_SIZE
from moderation.services import preload

REPO = Path(__file__).resolve().parents[1]
CORPUS = REPO / "moderation" / "spam" / "corpus" / "comments.csv"
NAMES = ["Lucía", "Mateo", "João", "Ana", "Sam", "Carmen", "José", "Beatriz", "Tomás", "Inés"]
PASSWORD = "bench password"


def pool() -> list[dict[str, Any]]:
    """The texts the comments are made of, with everything derived from them computed once."""
    with CORPUS.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    made = []
    for index, row in enumerate(rows):
        body = row["text"].strip()
        name = NAMES[index % len(NAMES)]
        made.append(
            {
                "i": index,
                "name": name,
                "body": body,
                "body_html": render_markdown(body),
                "fingerprint": fingerprint(body),
                "language": row["language"] or "und",
                # search_text = fold(name) \n email \n fold(body); the email is ASCII lower case.
                "name_folded": fold(name),
                "body_folded": fold(body),
            }
        )
    assert comment_search_text("Ñ", "x@y.z", "É") == "n\nx@y.z\ne"  # the layout assumed below
    return made


def seed(url: str, comments: int, articles: int) -> None:
    """Empty the database, migrate it, and load the articles and comments in bulk."""
    migrations.upgrade(url, "head")
    engine = create_engine(url)
    table = cast(Table, Comment.__table__)
    texts = pool()
    with engine.begin() as connection:
        names = ", ".join(t.name for t in Base.metadata.sorted_tables)
        connection.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
        # Indexes are built once after the load: maintaining them row by row is far slower.
        for index in table.indexes:
            connection.execute(text(f"DROP INDEX IF EXISTS {index.name}"))
        connection.execute(
            text(
                "INSERT INTO moderators (email, password_hash, role, languages, notify) "
                "VALUES ('admin@bench.example', :hash, 'admin', '', 'off')"
            ),
            {"hash": _password_hash()},
        )
        connection.execute(
            text(
                "INSERT INTO articles (slug, title, language, thread_version, created_at) "
                "SELECT 'article-' || g, 'Artículo ' || g, "
                "(ARRAY['es','pt','en'])[1 + g % 3], 0, now() - interval '400 days' "
                "FROM generate_series(1, :n) g"
            ),
            {"n": articles},
        )
        connection.execute(
            text(
                "CREATE TEMP TABLE pool (i int PRIMARY KEY, name text, body text, body_html text, "
                "fingerprint text, language text, name_folded text, body_folded text)"
            )
        )
        connection.execute(
            text(
                "INSERT INTO pool VALUES (:i, :name, :body, :body_html, :fingerprint, "
                ":language, :name_folded, :body_folded)"
            ),
            texts,
        )
        started = time.perf_counter()
        connection.execute(
            text(
                """
                INSERT INTO comments (
                    article_id, parent_id, author_name, author_email, body, body_fingerprint,
                    body_html, language, language_confidence, spam_score, reasons, likely_spam,
                    status, created_at, updated_at, published_at, search_text,
                    notify_published, notify_replies)
                SELECT
                    1 + (g / 50) % :articles,
                    CASE WHEN g % 5 = 0 AND g % 50 <> 0 THEN g - 1 END,
                    p.name,
                    'reader' || g || '@example.org',
                    p.body, p.fingerprint, p.body_html, p.language, 0.9,
                    ((g::bigint * 7919) % 1000) / 1000.0,
                    json_build_array(
                        json_build_object(
                            'check', 'language', 'code', 'language.detected',
                            'params', json_build_object(
                                'language', p.language, 'confidence', 0.9),
                            'flag', false, 'unclassified', false, 'evidence', false),
                        json_build_object(
                            'check', 'spam', 'code', 'spam.score',
                            'params', json_build_object(
                                'score', ((g::bigint * 7919) % 1000) / 1000.0,
                                'verdict', CASE WHEN g % 40 = 3 THEN 'spam'
                                    WHEN g % 1000 = 1 THEN 'likely' ELSE 'clean' END),
                            'flag', g % 40 = 3 OR g % 1000 = 1,
                            'unclassified', false, 'evidence', false)),
                    g % 1000 = 1,
                    CASE WHEN g % 200 = 7 THEN 'pending' WHEN g % 40 = 3 THEN 'spam'
                         WHEN g % 20 = 11 THEN 'rejected' ELSE 'approved' END,
                    now() - (:n - g) * interval '30 seconds',
                    now() - (:n - g) * interval '30 seconds',
                    CASE WHEN g % 200 <> 7 AND g % 40 <> 3 AND g % 20 <> 11
                         THEN now() - (:n - g) * interval '30 seconds' END,
                    p.name_folded || E'\\n' || 'reader' || g || '@example.org' || E'\\n'
                        || p.body_folded,
                    false, false
                FROM generate_series(1, :n) g JOIN pool p ON p.i = g % :pool
                ORDER BY g
                """
            ),
            {"n": comments, "articles": articles, "pool": len(texts)},
        )
        connection.execute(
            text(
                "INSERT INTO decisions (comment_id, moderator_id, from_status, to_status, "
                "reason, created_at) SELECT id, 1, 'pending', status, '', updated_at "
                "FROM comments WHERE status <> 'pending'"
            )
        )
        loaded = time.perf_counter() - started
        started = time.perf_counter()
        for index in table.indexes:
            index.create(connection)
        indexed = time.perf_counter() - started
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.execute(text("VACUUM ANALYZE"))
    engine.dispose()
    print(
        f"seeded {comments:,} comments on {articles:,} articles: load {loaded:.0f} s, "
        f"indexes {indexed:.0f} s"
    )


def _password_hash() -> str:
    from werkzeug.security import generate_password_hash

    return generate_password_hash(PASSWORD, method="pbkdf2:sha256:1000")


def quantiles(samples: list[float]) -> tuple[float, float]:
    """p50 and p95 of `samples`."""
    return statistics.median(samples), statistics.quantiles(samples, n=20)[18]


def measure(url: str, requests: int, articles: int) -> list[tuple[str, float, float]]:
    """Time each case through the test client, signed in as the admin."""
    app = create_app({"DATABASE_URL": url, "SECRET_KEY": "bench", "WTF_CSRF_ENABLED": False})
    # As a gunicorn worker is made (moderation/serving.py): models and templates loaded, then
    # kept out of the garbage collector, whose full passes over them would show as spikes.
    preload(app)
    gc.collect()
    gc.freeze()
    with create_engine(url).begin() as connection:  # a database seeded before had no moderator
        connection.execute(
            text(
                "INSERT INTO moderators (email, password_hash, role, languages, notify) "
                "SELECT 'mod@bench.example', :hash, 'moderator', 'es,pt', 'off' WHERE NOT EXISTS "
                "(SELECT 1 FROM moderators WHERE email = 'mod@bench.example')"
            ),
            {"hash": _password_hash()},
        )
    client, moderator = app.test_client(), app.test_client()
    for signing_in, email in ((client, "admin@bench.example"), (moderator, "mod@bench.example")):
        signed = signing_in.post("/login", data={"email": email, "password": PASSWORD})
        assert signed.status_code == 302, signed.status_code
    searches = ["transparencia", "educacion", "corrupcao", "reader777@example", "lucia datos"]
    folders = ["approved", "spam", "rejected", ""]  # "" is the queue (pending)

    def get(path: str) -> int:
        return client.get(path).status_code

    cases: list[tuple[str, Callable[[int], int]]] = [
        (
            "baseline: signed-in page, no queries of comments",
            lambda n: get("/account/notifications"),
        ),
        ("queue page (pending, oldest first)", lambda n: get("/queue/")),
        (
            "queue page, a moderator's languages first (es, pt)",
            lambda n: moderator.get("/queue/").status_code,
        ),
        (f"queue page 20 (offset {19 * PAGE_SIZE})", lambda n: get("/queue/?page=20")),
        ("search, accent- and case-blind", lambda n: get(f"/queue/?q={searches[n % 5]}")),
        (
            "article filter (pending)",
            lambda n: get(f"/queue/?article=article-{1 + n * 37 % articles}"),
        ),
        (
            "article filter (approved)",
            lambda n: get(f"/queue/approved?article=article-{1 + n * 37 % articles}"),
        ),
        (
            "folder switch (approved, spam, rejected, pending)",
            lambda n: get(f"/queue/{folders[n % 4]}"),
        ),
        ("most likely spam first (pending)", lambda n: get("/queue/?order=score")),
    ]
    # Cases take turns, request by request, so that a burst of load elsewhere on the machine
    # lands on all of them alike; three warm-up rounds first.
    samples: dict[str, list[float]] = {name: [] for name, _ in cases}
    for round_number in range(requests + 3):
        for name, fetch in cases:
            started = time.perf_counter()
            status = fetch(round_number)
            elapsed = (time.perf_counter() - started) * 1000
            assert status == 200, (name, status)
            if round_number >= 3:
                samples[name].append(elapsed)
    return [(name, *quantiles(samples[name])) for name, _ in cases]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--database-url", required=True, help="a throwaway PostgreSQL database")
    parser.add_argument("--comments", type=int, default=1_000_000)
    parser.add_argument("--articles", type=int, default=20_000)
    parser.add_argument("--requests", type=int, default=100)
    parser.add_argument(
        "--reuse",
        action="store_true",
        help="measure the database an earlier run seeded, migrated to the current head",
    )
    args = parser.parse_args()
    url = args.database_url.replace("postgresql://", "postgresql+psycopg://", 1)
    if not url.startswith("postgresql"):
        parser.error("bench.queue measures PostgreSQL: pass a postgresql:// URL")
    if args.reuse:
        migrations.upgrade(url, "head")
    else:
        seed(url, args.comments, args.articles)
    rows = measure(url, args.requests, args.articles)
    print(f"\n{args.comments:,} comments, {args.requests} requests per case (ms)\n")
    print("| case | p50 | p95 |")
    print("|---|---|---|")
    for name, p50, p95 in rows:
        print(f"| {name} | {p50:.1f} | {p95:.1f} |")


if __name__ == "__main__":
    main()
