"""Tertulia as an installed package: build the wheel, install it in a new virtualenv, serve a page.

The new virtualenv sees this one's dependencies through a `.pth` file, so nothing is downloaded
and the test stays quick; what it must not see is the checkout, which is why everything runs from
the temporary folder, with the sources copied there before the build (a build writes beside
its sources).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import sysconfig
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
# What a build reads; everything else in a checkout (tests, benchmarks, caches) stays behind.
JUNK = (".git", ".venv", "*.egg-info", "build", "dist", "instance", "__pycache__", ".*_cache")

# Runs in the new virtualenv: migrate with the installed migrations, add an article, then serve
# it over HTTP and read the article page and the embed script.
SERVE = """
import json, threading, urllib.request
import moderation, models, wsgi
from moderation import config
from werkzeug.serving import make_server

cli = wsgi.app.test_cli_runner()
for args in (["db", "upgrade"], ["articles", "add", "hola", "--title", "Hola, rueda"]):
    result = cli.invoke(args=args)
    assert result.exit_code == 0, result.output
server = make_server("127.0.0.1", 0, wsgi.app)
threading.Thread(target=server.serve_forever, daemon=True).start()
answers = {}
for path in ("/articles/hola", "/static/embed.js"):
    with urllib.request.urlopen(f"http://127.0.0.1:{server.server_port}{path}") as response:
        answers[path] = [response.status, response.read().decode()]
server.shutdown()
files = [moderation.__file__, models.__file__, wsgi.__file__, str(config.TEMPLATES)]
print(json.dumps({"files": files, "answers": answers}))
"""


def run(*args: str | Path, cwd: Path, env: dict[str, str] | None = None) -> str:
    """Run a command; its output, or a failure that shows it."""
    done = subprocess.run(
        [str(arg) for arg in args], cwd=cwd, env=env, capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, f"{args[:4]} failed:\n{done.stdout}\n{done.stderr}"
    return done.stdout


def test_the_wheel_installs_and_serves_a_page(tmp_path: Path) -> None:
    source = tmp_path / "source"
    shutil.copytree(ROOT, source, ignore=shutil.ignore_patterns(*JUNK, "tests", "bench"))
    run(sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "--quiet",
        "--wheel-dir", tmp_path / "dist", source, cwd=tmp_path)  # fmt: skip
    (wheel,) = (tmp_path / "dist").glob("tertulia-*.whl")

    target = tmp_path / "venv"
    venv.create(target, with_pip=False)
    site = Path(sysconfig.get_path("purelib", vars={"base": target, "platbase": target}))
    ours = {sysconfig.get_path("purelib"), sysconfig.get_path("platlib")}
    (site / "dependencies.pth").write_text("\n".join(sorted(ours)) + "\n", encoding="utf-8")
    python = target / "bin" / "python"
    run(sys.executable, "-m", "pip", "--python", python, "install", "--quiet", "--no-deps",
        "--no-index", wheel, cwd=tmp_path)  # fmt: skip

    elsewhere = tmp_path / "run"
    elsewhere.mkdir()
    env = {name: value for name, value in os.environ.items() if name != "PYTHONPATH"}
    env |= {
        "DATABASE_URL": f"sqlite:///{tmp_path / 'wheel.sqlite3'}",
        "TERTULIA_INSTANCE": str(tmp_path / "instance"),
    }
    report = json.loads(run(python, "-c", SERVE, cwd=elsewhere, env=env).splitlines()[-1])

    assert all(Path(file).is_relative_to(site) for file in report["files"]), report["files"]
    status, page = report["answers"]["/articles/hola"]
    assert status == 200 and "Hola, rueda" in page and 'name="csrf_token"' in page
    status, script = report["answers"]["/static/embed.js"]
    assert status == 200 and "data-tertulia-article" in script
    assert (tmp_path / "instance" / "secret_key").is_file()
