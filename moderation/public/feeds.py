"""Atom feeds of published comments: one per article thread, one for the whole site."""

from __future__ import annotations

from flask import Response, current_app, render_template, request, url_for
from werkzeug.wrappers import Response as BaseResponse

from models import Article
from moderation import feeds
from moderation.articles import article_or_404
from moderation.extensions import db
from moderation.i18n import use_locale
from moderation.public.views import bp


def _atom(feed: feeds.Feed, article: Article | None, self_url: str, page_url: str) -> BaseResponse:
    body = render_template(
        "feeds/atom.xml",
        feed=feed,
        article=article,
        language=article.language if article else None,
        self_url=self_url,
        page_url=page_url,
    )
    response = Response(body, mimetype="application/atom+xml")
    response.set_etag(feed.etag)
    response.last_modified = feed.updated
    return response.make_conditional(request)


@bp.get("/articles/<slug>/comments.atom")
def article_feed(slug: str) -> BaseResponse:
    """The newest published comments on one article, in its language."""
    found = article_or_404(slug)
    # Feed readers send no useful Accept-Language, and the ETag must not depend on it.
    use_locale(found.language, current_app.config["TERTULIA_DEFAULT_LOCALE"])
    return _atom(
        feeds.article_feed(db.session, found),
        found,
        url_for("public.article_feed", slug=found.slug, _external=True),
        url_for("public.article", slug=found.slug, _external=True),
    )


@bp.get("/comments.atom")
def site_feed() -> BaseResponse:
    """The newest published comments on the whole site, in the site's default language."""
    use_locale(current_app.config["TERTULIA_DEFAULT_LOCALE"])
    return _atom(
        feeds.site_feed(db.session),
        None,
        url_for("public.site_feed", _external=True),
        url_for("public.index", _external=True),
    )
