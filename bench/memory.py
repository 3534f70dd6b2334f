"""Worker memory under a long mixed load: `python -m bench.memory` prints RSS, PSS, USS over time.

Serves Tertulia with gunicorn (two workers) twice in one run: as documented (`-c
python:moderation.serving`: models loaded in the master before fork) and plainly (`gunicorn
wsgi:app`: each worker loads its own models on first use). Each gets the same long mixed load
from client threads on this machine: reads of thread pages (API and article pages, every
order and page, across many articles), comment posts from many addresses, and a moderator
approving the posted comments, which publishes them and so renders new thread versions.

Every few seconds it reads /proc/<pid>/smaps_rollup of the master and each worker: RSS (every
page the process maps, shared ones included), PSS (shared pages divided among the processes
that share them: what the worker really costs) and USS (pages only this process holds).
SQLite in a temporary folder, or `--database-url` (a THROWAWAY database: it is emptied).
"""

from __future__ import annotations

import argparse
import http.cookiejar
import itertools
import json
import os
import queue
import random
import re
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from bench.http import REPO, comment_texts, environment, free_port, memory, workers

CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
ADMIN = ("bench-admin@example.org", "bench admin password")
SERVINGS = {
    "preloaded (moderation.serving)": ["-c", "python:moderation.serving"],
    "per worker (plain gunicorn)": [],
}


def seed(env: dict[str, str], articles: int, comments: int) -> None:
    """Migrate from empty; `articles` articles with `comments` published comments each."""
    code = f"""
import random
from moderation import create_app, migrations, management
from moderation.extensions import db
from models import Article, Comment, CommentStatus, utcnow
from moderation.markdown import render_markdown
from moderation.pipeline import fingerprint
app = create_app()
migrations.downgrade(app.config["DATABASE_URL"], "base")
migrations.upgrade(app.config["DATABASE_URL"])
texts = {comment_texts()!r}
chooser = random.Random(5)
with app.app_context():
    management.add_moderator(db.session, ("es",), {ADMIN[0]!r}, {ADMIN[1]!r}, "admin", "es")
    for a in range({articles}):
        article = Article(slug=f"nota-{{a}}", title=f"Nota {{a}}", language="es")
        db.session.add(article)
        db.session.flush()
        ids = []
        for n in range({comments}):
            body = chooser.choice(texts)
            parent = chooser.choice(ids) if ids and chooser.random() < 0.4 else None
            comment = Comment(article_id=article.id, parent_id=parent, author_name=f"R{{n}}",
                author_email=f"r{{n}}@example.org", body=body, body_html=render_markdown(body),
                body_fingerprint=fingerprint(body), language="es", reasons=[],
                status=CommentStatus.APPROVED, published_at=utcnow())
            db.session.add(comment)
            db.session.flush()
            ids.append(comment.id)
        article.thread_version = 1
    db.session.commit()
"""
    subprocess.run([sys.executable, "-c", code], env=env, cwd=REPO, check=True)


@dataclass
class Load:
    """Client threads driving one server; counts what they did."""

    base: str
    articles: int
    texts: list[str]
    stop: threading.Event = field(default_factory=threading.Event)
    posted: queue.Queue[int] = field(default_factory=queue.Queue)
    counts: dict[str, int] = field(default_factory=lambda: {"read": 0, "post": 0, "approve": 0})
    failures: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def count(self, what: str) -> None:
        with self.lock:
            self.counts[what] += 1

    def open(self, opener: urllib.request.OpenerDirector, path: str, **kwargs: object) -> str:
        request = urllib.request.Request(self.base + path, **kwargs)  # type: ignore[arg-type]
        try:
            with opener.open(request, timeout=60) as response:
                return str(response.read().decode())
        except (urllib.error.URLError, OSError) as error:
            self.failures.append(f"{path}: {error}")
            return ""

    def reader(self, seed: int) -> None:
        chooser = random.Random(seed)
        opener = urllib.request.build_opener()
        while not self.stop.is_set():
            slug = f"nota-{chooser.randrange(self.articles)}"
            order = chooser.choice(["oldest", "newest"])
            if chooser.random() < 0.5:
                path = f"/api/v1/articles/{slug}/comments?order={order}&limit=20"
            else:
                path = f"/articles/{slug}?order={order}"
            self.open(opener, path)
            self.count("read")

    def poster(self, seed: int) -> None:
        chooser = random.Random(seed)
        opener = urllib.request.build_opener()
        for n in itertools.count():
            if self.stop.is_set():
                return
            slug = f"nota-{chooser.randrange(self.articles)}"
            comment = {"name": f"Bench {n}", "email": f"b{n}@example.org"}
            body = json.dumps({**comment, "body": chooser.choice(self.texts)})
            address = f"10.{chooser.randrange(256)}.{chooser.randrange(256)}.{n % 250 + 1}"
            answer = self.open(
                opener,
                f"/api/v1/articles/{slug}/comments",
                data=body.encode(),
                headers={"Content-Type": "application/json", "X-Forwarded-For": address},
            )
            if match := re.search(r'"id":\s*(\d+)', answer):
                self.posted.put(int(match.group(1)))
            self.count("post")

    def moderator(self) -> None:
        jar = http.cookiejar.CookieJar()
        opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
        token = CSRF.search(self.open(opener, "/login"))
        assert token, "no login form"
        form = {"email": ADMIN[0], "password": ADMIN[1], "csrf_token": token.group(1)}
        self.open(opener, "/login", data=urllib.parse.urlencode(form).encode())
        found = CSRF.search(self.open(opener, "/queue/"))
        assert found, "the moderator could not sign in"
        approve = urllib.parse.urlencode({"csrf_token": found.group(1)}).encode()
        while not self.stop.is_set():
            try:
                comment = self.posted.get(timeout=0.5)
            except queue.Empty:
                continue
            self.open(opener, f"/queue/comments/{comment}/approve", data=approve)
            self.count("approve")
            time.sleep(0.05)  # a quick moderator, not a script


@contextmanager
def served(options: list[str], env: dict[str, str], workers_: int) -> Iterator[tuple[str, int]]:
    """gunicorn with `options` until the block ends; yields its URL and master pid."""
    port = free_port()
    command = [sys.executable, "-m", "gunicorn", *options, "--workers", str(workers_),
               "--bind", f"127.0.0.1:{port}", "--log-level", "warning", "wsgi:app"]  # fmt: skip
    process = subprocess.Popen(command, env=env, cwd=REPO)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                with urllib.request.urlopen(base + "/readyz", timeout=30) as response:
                    if response.status == 200 and len(workers(process.pid)) == workers_:
                        break
            except OSError:
                pass
            if time.monotonic() > deadline:
                raise SystemExit("gunicorn did not become ready")
            time.sleep(0.5)
        yield base, process.pid
    finally:
        process.terminate()
        process.wait(timeout=60)


def measure(
    name: str, options: list[str], env: dict[str, str], args: argparse.Namespace
) -> list[str]:
    """Run the load against one way of serving; the table rows it measured."""
    rows = []
    with served(options, env, args.workers) as (base, master):
        load = Load(base, args.articles, comment_texts())
        threads = [threading.Thread(target=load.reader, args=(n,)) for n in range(args.readers)]
        threads += [threading.Thread(target=load.poster, args=(100 + n,)) for n in range(2)]
        threads.append(threading.Thread(target=load.moderator))
        for thread in threads:
            thread.start()
        started = time.monotonic()
        try:
            while (elapsed := time.monotonic() - started) < args.seconds + 1:
                pids = workers(master)
                each = [memory(pid) for pid in pids]
                rss, pss, uss = (max(values) for values in zip(*each, strict=True))
                master_rss, master_pss, _ = memory(master)
                done = dict(load.counts)
                rows.append(
                    f"| {name} | {elapsed:4.0f} | {done['read']:,} / {done['post']:,} / "
                    f"{done['approve']:,} | {rss:.0f} | {pss:.0f} | {uss:.0f} | "
                    f"{master_rss:.0f} / {master_pss:.0f} |"
                )
                print(rows[-1], flush=True)
                time.sleep(min(args.every, max(0.0, args.seconds + 1 - elapsed)) or 1)
        finally:
            load.stop.set()
            for thread in threads:
                thread.join()
        if load.failures:
            print(f"{len(load.failures)} failed requests, e.g. {load.failures[:3]}", flush=True)
    return rows


def main() -> None:
    """Serve both ways under the same load and print the table."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=int, default=300, help="load per way of serving")
    parser.add_argument("--every", type=float, default=30, help="seconds between samples")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--readers", type=int, default=4, help="reader threads")
    parser.add_argument("--articles", type=int, default=40)
    parser.add_argument("--comments", type=int, default=60, help="published, per article")
    parser.add_argument(
        "--only", choices=["preloaded", "per-worker"], help="measure one way of serving"
    )
    parser.add_argument(
        "--learn-batch",
        type=int,
        help="TERTULIA_SPAM_LEARN_BATCH for the served site (default: the site's default, 20)",
    )
    parser.add_argument(
        "--database-url",
        help="a THROWAWAY database to use instead of SQLite (it is emptied), e.g. PostgreSQL",
    )
    args = parser.parse_args()
    table = [
        "| serving | s | reads / posts / approvals | worker RSS | worker PSS | worker USS "
        "| master RSS / PSS |",
        "|---|---|---|---|---|---|---|",
    ]
    for name, options in SERVINGS.items():
        if args.only and not name.startswith(args.only.replace("-", " ")):
            continue
        with tempfile.TemporaryDirectory() as folder:
            env = environment(Path(folder), args.database_url)
            env["TERTULIA_COMMENT_RATE_LIMIT"] = "1000000 per minute"
            if args.learn_batch:
                env["TERTULIA_SPAM_LEARN_BATCH"] = str(args.learn_batch)
            seed(env, args.articles, args.comments)
            table += measure(name, options, env, args)
    database = args.database_url.split(":")[0] if args.database_url else "SQLite"
    learning = f"learning every {args.learn_batch or 20} decisions"
    print(
        f"\n## Memory per worker (MB; the largest of {args.workers} workers), {database}, "
        f"{args.readers} readers + 2 posters + 1 moderator, {learning}, {os.cpu_count()} cores\n"
    )
    print("\n".join(table))


if __name__ == "__main__":
    main()
