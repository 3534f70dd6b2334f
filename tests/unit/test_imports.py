"""The import readers, without a database: real samples, our own fixtures, malformed files."""

from __future__ import annotations

import json
import sqlite3
import tracemalloc
from pathlib import Path

import pytest

from bench.imports import write_wxr
from models import CommentStatus
from moderation import imports
from moderation.imports import CommentRecord, MalformedFile, Skipped
from moderation.imports.jsonstream import CHUNK, iter_array
from moderation.imports.text import html_to_markdown, slug_from_url, slugify

SAMPLES = Path(__file__).resolve().parents[3] / "shared" / "data" / "imports"
FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
needs_samples = pytest.mark.skipif(not SAMPLES.is_dir(), reason="../shared/data/imports absent")


def records(source_format: str, path: Path) -> list[CommentRecord]:
    return [r for r in imports.read(source_format, path) if isinstance(r, CommentRecord)]


@needs_samples
def test_wordpress_sample() -> None:
    found = records("wordpress", SAMPLES / "isso-tests-wordpress.xml")
    assert len(found) == 8
    assert {r.status for r in found} == {CommentStatus.APPROVED}
    first = found[0]
    assert (first.thread.key, first.thread.slug, first.thread.url) == (
        "18",
        "test",
        "http://example.tld/2014/test/",
    )
    assert (first.author_name, first.author_email, first.body) == (
        "Ohai",
        "test@example.org",
        "Erster!1",
    )
    assert first.created_at.isoformat() == "2014-01-14T17:32:12+00:00"
    parents = {r.key: r.parent_key for r in found if r.thread.key == "18"}
    assert parents["7"] == "6" and parents["8"] == "7" and parents["9"] == "7"
    # Only the GMT date counts when WordPress wrote both (comment 10 is 10 hours off GMT).
    assert next(r for r in found if r.key == "10").created_at.hour == 2
    assert "\nWordPress exports it like this." in next(r for r in found if r.key == "10").body
    # Comment 11 exists in two posts: two comments, two source ids.
    assert len({r.source_id("wordpress") for r in found}) == 8


@needs_samples
def test_disqus_sample() -> None:
    everything = list(imports.read("disqus", SAMPLES / "isso-tests-disqus.xml"))
    assert everything.count(Skipped("orphan")) == 1
    found = [r for r in everything if isinstance(r, CommentRecord)]
    assert [r.key for r in found] == ["4", "5", "8", "9", "11"]
    status = {r.key: r.status for r in found}
    assert status["9"] is CommentStatus.REJECTED and status["5"] is CommentStatus.APPROVED
    assert {r.key: r.parent_key for r in found}["11"] == "9"
    assert next(r for r in found if r.key == "5").body == "Hello, World."
    assert str(next(r for r in found if r.key == "8").thread.url).endswith("/redacted/index.html")


@needs_samples
def test_generic_sample() -> None:
    found = records("generic", SAMPLES / "isso-tests-generic.json")
    assert [(r.thread.key, r.key) for r in found] == [("/posts/0001/", "0"), ("/posts/0007/", "0")]
    assert found[0].author_email == "" and found[1].author_email == "105421439@87750645.com"
    assert found[1].thread.title == "Nat & Miguel"
    assert found[0].source_id("generic") != found[1].source_id("generic")


def test_nested_replies_unicode_and_missing_emails() -> None:
    found = records("wordpress", FIXTURES / "wordpress-nested.xml")
    by_key = {r.key: r for r in found}
    assert [by_key[k].parent_key for k in ("101", "102", "103", "104")] == [
        None,
        "101",
        "102",
        "103",
    ]
    assert by_key["102"].author_name == "João Gonçalves"
    assert "¿Quién paga?" in by_key["101"].body and "🙂" in by_key["103"].body
    assert by_key["103"].author_email == ""
    assert by_key["105"].status is CommentStatus.SPAM
    assert by_key["106"].status is CommentStatus.PENDING
    assert by_key["107"].status is CommentStatus.REJECTED
    assert "[the budget](https://example.org/budget)" in by_key["101"].body
    assert Skipped("pingback") in list(imports.read("wordpress", FIXTURES / "wordpress-nested.xml"))


def test_isso_database(tmp_path: Path) -> None:
    path = tmp_path / "comments.db"
    with sqlite3.connect(path) as db:
        db.executescript(
            """
            CREATE TABLE threads (id INTEGER PRIMARY KEY, uri VARCHAR UNIQUE, title VARCHAR);
            CREATE TABLE comments (tid REFERENCES threads(id), id INTEGER PRIMARY KEY,
                parent INTEGER, created FLOAT NOT NULL, modified FLOAT, mode INTEGER,
                remote_addr VARCHAR, text VARCHAR, author VARCHAR, email VARCHAR,
                website VARCHAR, likes INTEGER, dislikes INTEGER, voters BLOB,
                notification INTEGER);
            INSERT INTO threads VALUES (1, '/2024/ley/', 'Ley de datos');
            INSERT INTO comments (tid, id, parent, created, mode, text, author, email)
            VALUES (1, 1, NULL, 1700000000.5, 1, 'Primero *bien*', 'Ana', 'ana@example.org'),
                   (1, 2, 1, 1700000100, 2, 'Respuesta', 'Bea', NULL),
                   (1, 3, 2, 1700000200, 4, '', NULL, NULL);
            """
        )
    db.close()
    found = records("isso", path)
    assert [(r.key, r.parent_key, r.status) for r in found] == [
        ("1", None, CommentStatus.APPROVED),
        ("2", "1", CommentStatus.PENDING),
        ("3", "2", CommentStatus.REJECTED),
    ]
    assert found[0].thread.url == "/2024/ley/" and found[0].body == "Primero *bien*"
    assert found[1].author_email == "" and found[0].created_at.year == 2023


@pytest.mark.parametrize(
    ("source_format", "content", "expected"),
    [
        ("wordpress", "<rss><channel><item><title>x</item></channel></rss>", "line 1, column"),
        ("wordpress", "<rss>\n<channel>\n<item>\n<wp:comment>", "unbound prefix"),
        ("wordpress", "<feed/>", "expected a <rss> document"),
        (
            "wordpress",
            '<?xml version="1.0"?>\n<!DOCTYPE lolz [<!ENTITY lol "lol">]>\n<rss>&lol;</rss>',
            "line 2: a document type declaration",
        ),
        ("wordpress", "", "not well-formed XML"),
        (
            "disqus",
            '<disqus xmlns:dsq="d">\n<post>\n</post></disqus>',
            "line 2, <post>: <post> has no <dsq:id>",
        ),
        ("generic", '[{"id": "/a/", "comments": []},\n {"id": "/b/", "comments": [}]', "line 2"),
        ("generic", '{"id": "/a/"}', "expected a JSON array"),
        (
            "generic",
            '[{"id": "/a/", "comments": [{"id": 1, "created": "yesterday"}]}]',
            "unreadable date",
        ),
        ("generic", '[{"id": "/a/", "comments": []}] trailing', "unexpected text after the array"),
        ("generic", "[]", "holds no comments"),
        ("isso", "this is not a database at all, just text" * 40, "not an Isso SQLite database"),
    ],
)
def test_malformed_files_name_the_place(
    tmp_path: Path, source_format: str, content: str, expected: str
) -> None:
    path = tmp_path / "export"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(MalformedFile) as refused:
        imports.check(source_format, path)
    assert expected in str(refused.value)


def test_a_bad_comment_deep_in_a_wordpress_file_names_its_line(tmp_path: Path) -> None:
    path = write_wxr(tmp_path / "good.xml", 300)
    lines = path.read_text(encoding="utf-8").splitlines()
    bad = next(n for n, line in enumerate(lines) if "<wp:comment_id>250<" in line)
    lines[bad] = lines[bad].replace("<wp:comment_approved>", "<wp:comment_approved>maybe", 1)
    path.write_text("\n".join(lines), encoding="utf-8")
    with pytest.raises(MalformedFile, match=rf"line {bad + 1}, <comment>: .*unknown status 'maybe"):
        imports.check("wordpress", path)


def test_json_elements_larger_than_a_chunk_and_cut_numbers(tmp_path: Path) -> None:
    threads = [
        {
            "id": f"/t/{n}/",
            "comments": [
                {"id": 10**12 + n, "text": "ñ" * (CHUNK // 3), "created": "2020-01-01 00:00:00"}
            ],
        }
        for n in range(5)
    ]
    path = tmp_path / "big.json"
    path.write_text(json.dumps(threads, ensure_ascii=False, indent=1), encoding="utf-8")
    assert [value for value, _ in iter_array(path)] == threads
    lines = [line for _, line in iter_array(path)]
    assert lines[0] == 2 and lines == sorted(lines)


def test_check_streams_in_bounded_memory(tmp_path: Path) -> None:
    small = write_wxr(tmp_path / "small.xml", 500)
    large = write_wxr(tmp_path / "large.xml", 5000)
    peaks = []
    for path in (small, large):
        tracemalloc.start()
        imports.check("wordpress", path)
        peaks.append(tracemalloc.get_traced_memory()[1])
        tracemalloc.stop()
    growth = large.stat().st_size - small.stat().st_size
    assert growth > 2_000_000
    # Ten times the comments, about the same memory: a whole-file parser would grow with it.
    assert peaks[1] - peaks[0] < growth / 10


def test_html_becomes_markdown() -> None:
    assert html_to_markdown("<p>Uno <strong>dos</strong></p><p>tres<br>cuatro</p>") == (
        "Uno **dos**\n\ntres\ncuatro"
    )
    assert html_to_markdown(
        '<a href="https://a.example/x">ver</a> <a href="javascript:x">no</a>'
    ) == ("[ver](https://a.example/x) no")
    assert html_to_markdown("<blockquote>cita</blockquote>respuesta") == "> cita\n\nrespuesta"
    assert html_to_markdown("a &amp; b &lt;3") == "a & b <3"
    assert html_to_markdown("línea 1\nlínea 2", keep_newlines=True) == "línea 1\nlínea 2"


def test_slugs() -> None:
    assert slugify("  Ação & Reação! ") == "acao-reacao"
    assert slug_from_url("http://example.tld/?p=4") == "p-4"
    assert slug_from_url("https://news.example/2024/ley-datos/") == "2024-ley-datos"
