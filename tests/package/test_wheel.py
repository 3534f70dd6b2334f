"""Tertulia as an installed package: the wheel installs in a new virtualenv and serves a page."""

from __future__ import annotations

import subprocess
from pathlib import Path

from tests.package import wheel


def test_the_wheel_installs_and_serves_a_page(wheel_job: subprocess.Popen[str]) -> None:
    report = wheel.finish(wheel_job)

    assert all(Path(file).is_relative_to(report.site) for file in report.files), report.files
    status, page = report.answers["/articles/hola"]
    assert status == 200 and "Hola, rueda" in page and 'name="csrf_token"' in page
    status, script = report.answers["/static/embed.js"]
    assert status == 200 and "data-tertulia-article" in script
    assert (Path(report.instance) / "secret_key").is_file()
