"""Imports in bounded memory: `python -m bench.imports` prints a table of time and memory.

Generates WordPress exports (WXR) of growing size in a temporary folder (never committed),
then, each in a fresh process: checks the file with `tracemalloc` on (peak Python memory of
the streaming reader), and imports it into an empty SQLite database (`flask import` path:
check, store, classify pending comments), measuring time and the process's peak RSS above
what the application itself uses. Bounded memory shows as peaks that stay flat while the
file grows tenfold.
"""

from __future__ import annotations

import argparse
import csv
import json
import random
import resource
import subprocess
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path
from xml.sax.saxutils import escape

REPO = Path(__file__).resolve().parents[1]
CORPUS = REPO / "moderation" / "spam" / "corpus" / "comments.csv"
NAMES = [
    "Lucía Pérez",
    "João Gonçalves",
    "Ana María Núñez",
    "Zoë O'Brien",
    "Søren",
    "李雷",
    "Müller",
]
# Statuses as WordPress writes them, roughly as a news site's history has them.
STATUSES = ["1"] * 80 + ["0"] * 10 + ["spam"] * 7 + ["trash"] * 3


def _bodies() -> list[str]:
    with CORPUS.open(encoding="utf-8") as handle:
        return [row["text"] for row in csv.DictReader(handle)]


def write_wxr(path: Path, comments: int, per_thread: int = 50, seed: int = 7) -> Path:
    """Write a WXR file with `comments` comments, `per_thread` per post, replies nested.

    About 5% of comments have no email, 2% are pingbacks; 40% reply to an earlier comment
    of their thread, so threads nest several levels deep.
    """
    chooser = random.Random(seed)
    bodies = _bodies()
    with path.open("w", encoding="utf-8") as out:
        out.write(
            '<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0" '
            'xmlns:content="http://purl.org/rss/1.0/modules/content/" '
            'xmlns:wp="http://wordpress.org/export/1.2/"><channel><title>Bench</title>\n'
        )
        number = 0
        post = 0
        while number < comments:
            post += 1
            out.write(
                f"<item><title>Artículo {post}: presupuesto y transparência</title>"
                f"<link>https://news.example/{post}/articulo-{post}/</link>"
                f"<wp:post_id>{post}</wp:post_id><wp:post_name>articulo-{post}</wp:post_name>"
                "<wp:post_type>post</wp:post_type>"
                f"<content:encoded><![CDATA[{'Cuerpo del artículo. ' * 40}]]></content:encoded>\n"
            )
            first = number + 1
            for _ in range(min(per_thread, comments - number)):
                number += 1
                parent = (
                    chooser.randint(first, number - 1)
                    if number > first and chooser.random() < 0.4
                    else 0
                )
                email = "" if chooser.random() < 0.05 else f"reader{number % 5000}@example.org"
                kind = "pingback" if chooser.random() < 0.02 else ""
                day = 1 + number % 28
                out.write(
                    "<wp:comment>"
                    f"<wp:comment_id>{number}</wp:comment_id>"
                    f"<wp:comment_author><![CDATA[{chooser.choice(NAMES)}]]></wp:comment_author>"
                    f"<wp:comment_author_email>{email}</wp:comment_author_email>"
                    f"<wp:comment_date_gmt>2024-03-{day:02d} 10:{number % 60:02d}:00"
                    "</wp:comment_date_gmt>"
                    f"<wp:comment_content>{escape(chooser.choice(bodies))}</wp:comment_content>"
                    f"<wp:comment_approved>{chooser.choice(STATUSES)}</wp:comment_approved>"
                    f"<wp:comment_type>{kind}</wp:comment_type>"
                    f"<wp:comment_parent>{parent}</wp:comment_parent>"
                    "</wp:comment>\n"
                )
            out.write("</item>\n")
        out.write("</channel></rss>\n")
    return path


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def measure_check(path: Path) -> dict[str, float]:
    """Check the file (the first pass of every import) under tracemalloc."""
    from moderation import imports

    tracemalloc.start()
    started = time.perf_counter()
    found = imports.check("wordpress", path)
    seconds = time.perf_counter() - started
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return {"comments": found, "check_s": seconds, "traced_peak_mb": peak / 2**20}


def measure_import(path: Path, folder: Path) -> dict[str, float]:
    """Import the file into an empty SQLite database, as `flask import` does."""
    from moderation import audit, create_app, imports, migrations
    from moderation.transfer import import_checked

    url = f"sqlite:///{folder / 'bench.sqlite3'}"
    migrations.upgrade(url)
    app = create_app({"DATABASE_URL": url, "TERTULIA_INSTANCE": folder, "SECRET_KEY": "bench"})
    with app.app_context():
        baseline = _rss_mb()
        started = time.perf_counter()
        imports.check("wordpress", path)
        report = import_checked("wordpress", path, audit.COMMAND_LINE)
        seconds = time.perf_counter() - started
    return {
        "import_s": seconds,
        "imported": report.imported,
        "rss_baseline_mb": baseline,
        "rss_growth_mb": _rss_mb() - baseline,
    }


def one(comments: int) -> dict[str, float]:
    """Generate, check and import one file; runs in its own process."""
    with tempfile.TemporaryDirectory(prefix="tertulia-bench-import-") as name:
        folder = Path(name)
        path = write_wxr(folder / "export.xml", comments)
        result = {"size_mb": path.stat().st_size / 2**20, **measure_check(path)}
        result.update(measure_import(path, folder))
        return result


def main() -> None:
    """Measure each size in a fresh process and print the table."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", default="10000,100000", help="comment counts, comma-separated")
    parser.add_argument("--one", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        print(json.dumps(one(args.one)))
        return
    rows = []
    for size in (int(part) for part in args.sizes.split(",")):
        done = subprocess.run(
            [sys.executable, "-m", "bench.imports", "--one", str(size)],
            cwd=REPO,
            check=True,
            capture_output=True,
            text=True,
        )
        rows.append(json.loads(done.stdout.strip().splitlines()[-1]))
    print("## Importing a generated WordPress export (SQLite, one process per size)\n")
    print(
        "| comments | file MB | check s | check peak traced MB | import s (check + store) "
        "| comments/s | RSS of the app MB | RSS growth during import MB |"
    )
    print("|---|---|---|---|---|---|---|---|")
    for row in rows:
        print(
            f"| {int(row['comments']):,} | {row['size_mb']:.1f} | {row['check_s']:.1f} "
            f"| {row['traced_peak_mb']:.2f} | {row['import_s']:.1f} "
            f"| {row['imported'] / row['import_s']:,.0f} | {row['rss_baseline_mb']:.0f} "
            f"| {row['rss_growth_mb']:.0f} |"
        )


if __name__ == "__main__":
    main()
