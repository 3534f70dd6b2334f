"""Tertulia as an installed package: the wheel installs in a new virtualenv and serves a page."""

from __future__ import annotations

from pathlib import Path

from tests.package.wheel import build_install_serve


def test_the_wheel_installs_and_serves_a_page(tmp_path: Path) -> None:
    report = build_install_serve(tmp_path)

    assert all(Path(file).is_relative_to(report.site) for file in report.files), report.files
    status, page = report.answers["/articles/hola"]
    assert status == 200 and "Hola, rueda" in page and 'name="csrf_token"' in page
    status, script = report.answers["/static/embed.js"]
    assert status == 200 and "data-tertulia-article" in script
    assert (tmp_path / "instance" / "secret_key").is_file()
