"""An admin exports and erases one reader's data, and imports a file, in a real Chromium."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from werkzeug.serving import make_server

from models import ModeratorRole
from moderation.extensions import db
from tests.browser.conftest import needs_chromium
from tests.factories import Factory
from tests.unit.test_imports import FIXTURES

pytestmark = needs_chromium


@pytest.fixture
def admin_site(app_factory: Any) -> Iterator[str]:
    """An admin, and two readers' comments, served on a free localhost port."""
    app = app_factory()
    with app.app_context():
        factory = Factory(db.session)
        article = factory.article(slug="ley", title="Ley de datos")
        factory.comment(article, body="Mi comentario privado", author_email="ana@example.org")
        factory.comment(article, body="El de otra persona", author_email="bea@example.org")
        factory.moderator(email="admin@example.org", role=ModeratorRole.ADMIN)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    server.server_close()
    thread.join()


@pytest.fixture
def admin_page(browser: Any, admin_site: str) -> Iterator[Any]:
    """A signed-in admin's Chromium page."""
    context = browser.new_context(base_url=admin_site, accept_downloads=True)
    page = context.new_page()
    page.goto("/login")
    page.fill("#email", "admin@example.org")
    page.fill("#password", "correct horse")
    page.click("button[type=submit]")
    page.wait_for_url("**/queue/")
    yield page
    context.close()


def test_admin_exports_then_erases_a_reader(admin_page: Any, tmp_path: Path) -> None:
    page = admin_page
    page.click("nav >> text=Readers")
    page.wait_for_selector("#email")
    page.fill("#email", "ANA@example.org")
    page.click("form.search button[type=submit]")
    page.wait_for_selector("text=Download as JSON")
    assert "1 comment sent with ana@example.org" in page.inner_text("main")
    with page.expect_download() as download:
        page.click("text=Download as JSON")
    saved = tmp_path / "reader.json"
    download.value.save_as(saved)
    data = json.loads(saved.read_text(encoding="utf-8"))
    assert [c["body"] for c in data["comments"]] == ["Mi comentario privado"]

    page.fill("#confirm", "ana@example.org")
    page.click("button.reject")
    page.wait_for_selector(".flash")
    assert "Erased 1 comment sent" in page.inner_text(".flash")
    assert "erased" in page.inner_text("main")
    page.fill("#email", "ana@example.org")
    page.click("form.search button[type=submit]")
    page.wait_for_selector("text=Nothing was sent")
    assert "Nothing was sent with ana@example.org" in page.inner_text("main")


def test_admin_imports_a_file_and_sees_the_report(admin_page: Any) -> None:
    page = admin_page
    page.click("nav >> text=Import and export")
    page.wait_for_selector("#format")
    page.select_option("#format", "wordpress")
    page.set_input_files("#file", str(FIXTURES / "wordpress-nested.xml"))
    page.click("button:has-text('Import')")
    page.wait_for_selector("text=Import finished.", timeout=60_000)
    assert "Imported" in page.inner_text("main")
    page.goto("/articles/presupuesto-2026")
    assert "Cuarto nivel de respuestas." in page.inner_text("#comments")
