"""What the embed script says, in the language of the page it is on (`static/embed.js`)."""

from __future__ import annotations

from flask import Response, current_app, jsonify, request

from moderation.articles import find_article
from moderation.i18n import N_, locale_code, translate, use_locale
from moderation.public.views import bp

# The embed's words, marked here once: the same English as the article page's, so one
# translation serves both. "%(name)s" is filled in by the script.
MESSAGES = {
    "comments": N_("Comments"),
    "none": N_("No comments yet. Be the first."),
    "reply": N_("Reply"),
    "replyTo": N_("Reply to %(name)s"),
    "replyingTo": N_("Replying to %(name)s"),
    "cancel": N_("cancel"),
    "leave": N_("Leave a comment"),
    "name": N_("Name"),
    "email": N_("Email"),
    "emailHint": N_("never published"),
    "comment": N_("Comment"),
    "commentHint": N_("markdown: *emphasis*, **bold**, [links](https://…)"),
    "notify": N_("Email me"),
    "notifyHint": N_("optional; you can stop it from any mail"),
    "notifyPublished": N_("when my comment is published"),
    "notifyReplies": N_("when someone replies to it"),
    "send": N_("Send comment"),
    "sending": N_("Sending…"),
    "pending": N_("Thank you! Your comment is awaiting moderation."),
    "published": N_("Thank you! Your comment is published."),
    "moderated": N_("Comments are read by a moderator before they appear."),
    "summary": N_("Please check the comment"),
    "unreachable": N_("The comment server could not be reached. Your text is still here."),
    "unavailable": N_("Comments could not be loaded."),
    "busy": N_(
        "Comments cannot be saved just now. Your text is still here: please send it again in a "
        "minute."
    ),
    "more": N_("More comments"),
}


@bp.get("/embed/messages.json")
def embed_messages() -> Response:
    """The embed's words: in the article's language, else the page's (`page_language`, its
    `<html lang>`), else the browser's, else the site default. Any site may read them."""
    article = find_article(request.args.get("article", ""))
    use_locale(article.language if article else None, request.args.get("page_language"))
    messages = {key: translate(text) for key, text in MESSAGES.items()}
    if current_app.config["TERTULIA_PUBLISH_UNREVIEWED"]:
        del messages["moderated"]
    response = jsonify(locale=locale_code(), messages=messages)
    # Interface text, the same for everyone: readable from any page, cached for a while.
    response.headers["Access-Control-Allow-Origin"] = "*"
    response.cache_control.public = True
    response.cache_control.max_age = 600
    return response
