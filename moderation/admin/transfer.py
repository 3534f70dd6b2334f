"""Admin pages to import another system's comments and to export the site: thin views."""

from __future__ import annotations

import secrets
from collections.abc import Callable, Iterator
from pathlib import Path

from flask import (
    Response,
    abort,
    current_app,
    redirect,
    render_template,
    request,
    stream_with_context,
    url_for,
)
from sqlalchemy import select
from sqlalchemy.orm import Session
from werkzeug.utils import secure_filename
from werkzeug.wrappers import Response as BaseResponse

from models import Article, ImportRun, ImportRunStatus
from moderation import audit, imports, inputs
from moderation.admin.views import bp
from moderation.articles import article_or_404
from moderation.auth.session import admin_required, signed_in_moderator
from moderation.exports import site_lines, wxr_chunks
from moderation.extensions import csrf, db
from moderation.transfer import jobs


def _actor() -> str:
    return signed_in_moderator().email


def _transfer_page(form: dict[str, str], errors: dict[str, str], status: int) -> tuple[str, int]:
    runs = db.session.scalars(select(ImportRun).order_by(ImportRun.id.desc()).limit(20)).all()
    articles = db.session.scalars(select(Article).order_by(Article.created_at.desc())).all()
    page = render_template(
        "admin/transfer.html",
        formats=list(imports.FORMATS),
        runs=runs,
        articles=articles,
        max_mb=current_app.config["TERTULIA_IMPORT_MAX_MB"],
        form=form,
        errors=errors,
    )
    return page, status


@bp.get("/transfer")
@admin_required
def transfer() -> tuple[str, int]:
    """Import from WordPress, Disqus or Isso; export the site."""
    return _transfer_page({}, {}, 200)


@bp.post("/imports")
@admin_required
def start_import() -> BaseResponse | tuple[str, int]:
    """Accept an uploaded export and import it in the background."""
    request.max_content_length = current_app.config["TERTULIA_IMPORT_MAX_MB"] << 20
    csrf.protect()
    inputs.check_form()
    source_format = request.form.get("format", "")
    upload = request.files.get("file")
    errors: dict[str, str] = {}
    if source_format not in imports.FORMATS:
        errors["format"] = "format"
    if upload is None or not upload.filename:
        errors["file"] = "file"
    if errors:
        return _transfer_page({"format": source_format}, errors, 422)
    assert upload is not None and upload.filename
    folder = Path(current_app.instance_path) / "imports"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{secrets.token_hex(16)}.upload"
    upload.save(path)
    run = ImportRun(
        source_format=source_format,
        filename=(secure_filename(upload.filename) or "upload")[:300],
        learn=request.form.get("learn") == "on",
        started_by=_actor(),
    )
    db.session.add(run)
    db.session.commit()
    jobs(current_app._get_current_object()).start(  # type: ignore[attr-defined]
        current_app._get_current_object(),  # type: ignore[attr-defined]
        run.id,
        path,
    )
    return redirect(url_for("admin.import_run", run_id=run.id))


# The token and the fields are checked in the view, once the upload's own size limit is in
# force: the global checks would read the form under the site's 64 kB limit first.
csrf.exempt(start_import)
inputs.sets_own_limit(start_import)


@bp.get("/imports/<id:run_id>")
@admin_required
def import_run(run_id: int) -> tuple[str, int]:
    """An import's progress while it runs (the page refreshes itself), then its report."""
    run = db.session.get(ImportRun, run_id)
    if run is None:
        abort(404)
    return render_template("admin/import_run.html", run=run, running=ImportRunStatus.RUNNING), 200


def _download(chunks: Callable[[Session], Iterator[str]], filename: str, mimetype: str) -> Response:
    """Stream an export; its session is closed when the stream ends, however it ends.

    The stream outlives the view, and a server-side cursor left open would hold its
    transaction (and its locks) on PostgreSQL.
    """

    def stream() -> Iterator[str]:
        session = db.session
        try:
            yield from chunks(session)
        finally:
            session.close()

    response = Response(stream_with_context(stream()), mimetype=mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/export/site.jsonl")
@admin_required
def export_site() -> Response:
    """The whole site as JSON Lines (emails included)."""
    audit.record(db.session, _actor(), "site.export", "site", {"format": "jsonl"})
    db.session.commit()
    return _download(site_lines, "tertulia-site.jsonl", "application/x-ndjson")


@bp.get("/export/site.xml")
@admin_required
def export_wxr() -> Response:
    """The whole site as a WordPress export (WXR)."""
    audit.record(db.session, _actor(), "site.export", "site", {"format": "wxr"})
    db.session.commit()
    site_url = request.host_url
    return _download(
        lambda session: wxr_chunks(session, "Tertulia", site_url),
        "tertulia-wordpress.xml",
        "application/rss+xml",
    )


@bp.get("/export/articles/<slug>.jsonl")
@admin_required
def export_article(slug: str) -> Response:
    """One article's thread as JSON Lines (emails included)."""
    article = article_or_404(slug)
    audit.record(db.session, _actor(), "site.export", article.slug, {"format": "jsonl"})
    db.session.commit()
    return _download(
        lambda session: site_lines(session, article),
        f"tertulia-{article.slug}.jsonl",
        "application/x-ndjson",
    )
