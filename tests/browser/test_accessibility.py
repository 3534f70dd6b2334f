"""axe-core in Chromium: no serious or critical violation on any page a reader or a moderator
sees, in each language, on the article page in its three states and through the embed."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import axe_playwright_python
import pytest

from models import CommentStatus, ModeratorRole
from moderation.extensions import db
from moderation.pipeline import decide
from tests.browser.conftest import needs_chromium, serving, static_site
from tests.factories import Factory

pytestmark = needs_chromium

TITLES = {"en": "Open budget 2026", "es": "Presupuesto abierto 2026", "pt": "Orçamento aberto 2026"}
REASONS = [
    {"check": "spam", "code": "spam.score", "params": {"score": 0.91, "verdict": "likely"}},
    {"check": "spam", "code": "link.messaging", "params": {"domain": "t.me"}, "evidence": True},
]


# axe-core as the axe-playwright-python package bundles it. Each page of the test's browser
# context gets it as an init script: sending its 570 kB with every scan cost a fifth of a second.
AXE = Path(axe_playwright_python.__file__).with_name("axe.min.js")


@pytest.fixture
def site(app_factory: Any, tmp_path: Path) -> Iterator[tuple[str, str]]:
    """Articles in three languages with comments in every folder, an admin, a news site."""
    with static_site(tmp_path) as news:
        app = app_factory(TERTULIA_EMBED_ORIGINS=(news,))
        with app.app_context():
            factory = Factory(db.session)
            admin = factory.moderator(email="admin@example.org", role=ModeratorRole.ADMIN)
            for code, title in TITLES.items():
                article = factory.article(slug=f"nota-{code}", language=code, title=title)
                root = factory.comment(article, author_name="Lucía", status=CommentStatus.APPROVED)
                factory.comment(article, parent_id=root.id, status=CommentStatus.APPROVED)
                factory.comment(article, reasons=REASONS, spam_score=0.91, likely_spam=True)
                factory.comment(article, status=CommentStatus.SPAM, spam_score=0.97)
                rejected = factory.comment(article, author_email="ana@example.org")
                decide(db.session, rejected, CommentStatus.REJECTED, admin, "all by this author")
                db.session.commit()
                (tmp_path / f"{code}.html").write_text(
                    f'<!doctype html><html lang="{code}"><head><meta charset="utf-8">'
                    "<title>Nota</title></head><body><main><h1>Nota</h1>"
                    f'<div data-tertulia-article="nota-{code}"></div></main>'
                    '<script src="TERTULIA/static/embed.js" defer></script></body></html>',
                    encoding="utf-8",
                )
        with serving(app) as tertulia:
            for host in tmp_path.glob("*.html"):
                host.write_text(host.read_text().replace("TERTULIA", tertulia))
            yield tertulia, news


def problems(page: Any) -> list[str]:
    """axe-core's serious and critical violations on the page, one line each."""
    found = page.evaluate("axe.run({resultTypes: ['violations']})")["violations"]
    return [
        f"{bad['id']} ({bad['impact']}): {[node['target'] for node in bad['nodes'][:3]]}"
        for bad in found
        if bad["impact"] in ("serious", "critical")
    ]


@pytest.mark.parametrize("code", ["en", "es", "pt"])
def test_no_serious_violations_anywhere(browser: Any, site: tuple[str, str], code: str) -> None:
    tertulia, news = site
    context = browser.new_context(base_url=tertulia, locale=code)
    context.add_init_script(path=AXE)
    page = context.new_page()
    found: dict[str, list[str]] = {}

    def scan(name: str) -> None:
        assert page.evaluate("document.documentElement.lang") == code, name
        found[name] = problems(page)

    try:
        page.goto(f"/articles/nota-{code}")
        scan("article")
        page.fill("#email", "sin-arroba")
        page.click("#comment-form button[type=submit]")
        page.wait_for_selector(".error-summary")
        scan("article with errors")
        page.fill("#name", "Ana")
        page.fill("#email", "ana@example.org")
        page.fill("#body", "Gracias.")
        page.click("#comment-form button[type=submit]")
        page.wait_for_selector(".confirmation")
        scan("article after posting")

        page.goto("/login")
        scan("login")
        page.fill("#email", "admin@example.org")
        page.fill("#password", "correct horse")
        page.click("main button[type=submit]")
        page.wait_for_url("**/queue/")
        page.goto("/account")
        page.select_option("#locale", code)
        page.click("main button[type=submit]")
        for path in (
            "/queue/",
            "/queue/spam",
            "/queue/rejected",
            "/queue/approved",
            "/queue/model",
            "/admin/articles",
            "/admin/moderators",
            "/admin/transfer",
            "/admin/readers",
            "/account",
            "/account/password",
        ):
            page.goto(path)
            scan(path)
        page.goto("/admin/readers")
        page.fill("#email", "ana@example.org")
        page.click("main form.search button[type=submit]")
        page.wait_for_selector("text=ana@example.org")
        scan("/admin/readers with a reader's data")

        page.goto(f"{news}/{code}.html")
        page.wait_for_selector(".tertulia-comment")
        scan("embed")
        page.click(".tertulia-form button[type=submit]")
        page.wait_for_selector(".tertulia-summary:not([hidden])")
        scan("embed with errors")
    finally:
        context.close()
    assert {name: lines for name, lines in found.items() if lines} == {}
    assert len(found) == 18  # every page above was scanned
