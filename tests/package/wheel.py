"""Build the wheel, install it in a new virtualenv, serve a page from it, and report.

`python -m tests.package.wheel FOLDER` does it all inside FOLDER and prints the report as JSON.
The suite starts it with the run (tests/conftest.py, `wheel_job`): it is a fresh interpreter
importing and loading the models for seconds, which costs little beside the other tests and
all of it at its own turn. tests/package/test_wheel.py judges the report.

The new virtualenv sees this one's dependencies through a `.pth` file, so nothing is downloaded;
what it must not see is the checkout, which is why everything runs from FOLDER, with the sources
copied there first (a build writes beside its sources).
"""

from __future__ import annotations

import dataclasses
import json
import os
import shutil
import subprocess
import sys
import sysconfig
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
# What a build does not read: the tools' state, tests and benchmarks stay behind.
LEFT_BEHIND: tuple[str, ...] = (".git", ".venv", ".*_cache", "__pycache__", "*.egg-info")
LEFT_BEHIND += ("build", "dist", "instance", "tests", "bench")

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
    """Run a command; its output, or an error that shows it."""
    done = subprocess.run(
        [str(arg) for arg in args], cwd=cwd, env=env, capture_output=True, text=True, timeout=300
    )
    if done.returncode:
        raise RuntimeError(f"{args[:4]} failed:\n{done.stdout}\n{done.stderr}")
    return done.stdout


@dataclasses.dataclass(frozen=True)
class Report:
    """What the installed package served, and where it was imported from."""

    site: str  # the new virtualenv's site-packages
    files: list[str]  # moderation, models and wsgi as imported, and the templates folder
    answers: dict[str, tuple[int, str]]  # path -> (status, body)
    instance: str  # the instance folder the installed application used


def build_install_serve(folder: Path) -> Report:
    """Build, install and serve, all inside `folder`."""
    source = folder / "source"
    shutil.copytree(ROOT, source, ignore=shutil.ignore_patterns(*LEFT_BEHIND))
    run(sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "--quiet",
        "--wheel-dir", folder / "dist", source, cwd=folder)  # fmt: skip
    (wheel,) = (folder / "dist").glob("tertulia-*.whl")

    target = folder / "venv"
    venv.create(target, with_pip=False)
    site = Path(sysconfig.get_path("purelib", vars={"base": target, "platbase": target}))
    ours = {sysconfig.get_path("purelib"), sysconfig.get_path("platlib")}
    (site / "dependencies.pth").write_text("\n".join(sorted(ours)) + "\n", encoding="utf-8")
    python = target / "bin" / "python"
    run(sys.executable, "-m", "pip", "--python", python, "install", "--quiet", "--no-deps",
        "--no-index", wheel, cwd=folder)  # fmt: skip

    elsewhere = folder / "run"
    elsewhere.mkdir()
    env = {name: value for name, value in os.environ.items() if name != "PYTHONPATH"}
    env |= {
        "DATABASE_URL": f"sqlite:///{folder / 'wheel.sqlite3'}",
        "TERTULIA_INSTANCE": str(folder / "instance"),
    }
    served = json.loads(run(python, "-c", SERVE, cwd=elsewhere, env=env).splitlines()[-1])
    answers = {path: (status, body) for path, (status, body) in served["answers"].items()}
    return Report(str(site), served["files"], answers, str(folder / "instance"))


def start(folder: Path) -> subprocess.Popen[str]:
    """Run `build_install_serve(folder)` in a process of its own, which prints the report."""
    return subprocess.Popen(
        [sys.executable, "-m", "tests.package.wheel", str(folder)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def finish(job: subprocess.Popen[str]) -> Report:
    """Wait for a job from `start`; its report, or an error that shows what went wrong."""
    out, err = job.communicate(timeout=600)
    if job.returncode:
        raise RuntimeError(f"building, installing or serving the wheel failed:\n{err}")
    fields = json.loads(out.splitlines()[-1])
    fields["answers"] = {path: tuple(answer) for path, answer in fields["answers"].items()}
    return Report(**fields)


if __name__ == "__main__":
    print(json.dumps(dataclasses.asdict(build_install_serve(Path(sys.argv[1])))))
