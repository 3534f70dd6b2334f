"""Two moderators in two real browsers: neither overwrites the other unknowingly."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from models import Article
from tests.browser.conftest import needs_chromium
from tests.browser.test_flow import article, live_server, sign_in  # noqa: F401  (fixtures)
from tests.factories import Factory

pytestmark = needs_chromium


@pytest.fixture
def two_pages(browser: Any, live_server: str, factory: Factory) -> Iterator[tuple[Any, Any]]:  # noqa: F811
    """Two signed-in moderators, each in a browser context (cookies) of their own."""
    factory.moderator(email="bea@example.org", password="correct horse", languages="es")
    contexts = [browser.new_context(base_url=live_server) for _ in range(2)]
    pages = [context.new_page() for context in contexts]
    for page, email in zip(pages, ("mod@example.org", "bea@example.org"), strict=True):
        page.goto("/login")
        page.fill("#email", email)
        page.fill("#password", "correct horse")
        page.click("button[type=submit]")
        page.wait_for_url("**/queue/")
    yield pages[0], pages[1]
    for context in contexts:
        context.close()


def test_a_colleagues_decision_is_never_overwritten_unknowingly(
    two_pages: tuple[Any, Any],
    factory: Factory,
    article: Article,  # noqa: F811
) -> None:
    first, second = two_pages
    comments = [
        factory.comment(article, body=f"Comentario {n} sobre el presupuesto") for n in range(2)
    ]
    first.goto("/queue/")
    second.goto("/queue/")  # both see both comments pending

    # The first moderator rejects the first comment by keyboard.
    first.keyboard.press("r")
    first.wait_for_selector(".flash")
    assert "rejected" in first.inner_text(".flash")

    # The second, on a stale page, approves it: nothing changes, and they are told by whom.
    second.keyboard.press("a")
    second.wait_for_selector(".conflict")
    told = second.inner_text(".conflict")
    assert "mod@example.org" in told and "rejected" in told
    first.goto("/queue/rejected")
    assert "Comentario 0" in first.inner_text(".queue")

    # Applying anyway is a deliberate second step.
    second.click(".conflict button")
    second.wait_for_selector(".flash")
    second.goto("/queue/approved")
    assert "Comentario 0" in second.inner_text(".queue")

    # Bulk on a stale page: the other comment is decided meanwhile, and reported.
    second.goto("/queue/")
    first.goto("/queue/")
    first.keyboard.press("s")
    first.wait_for_selector(".flash")
    second.check("#select-all")
    second.select_option("select[name=action]", "reject")
    second.click(".bulk button[type=submit]")
    second.wait_for_selector(".conflict")
    assert f"#{comments[1].id}" in second.inner_text(f"#conflict-{comments[1].id}")
    assert "spam" in second.inner_text(f"#conflict-{comments[1].id}")
