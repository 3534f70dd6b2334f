"""A queue folder's cards: a comment with its parent, scores, reasons, history and buttons.

Rendering 25 of them in Jinja was most of a queue page's time (about 0.6 ms of CPU each, most
of it the template engine's own escaping and lookups); written here with f-strings, a card
costs about a third of that, and is kept until it changes (`card_renderer`). Everything a card
says in words is translated once per page.
"""

from __future__ import annotations

import functools
import hashlib
import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from flask import current_app, url_for
from flask_babel import get_timezone
from flask_babel import gettext as _
from jinja2.filters import do_truncate
from jinja2.utils import url_quote
from markupsafe import Markup, escape

from models import CommentStatus, Moderator
from moderation.i18n import N_, Formats, formats, iso, language_name, locale_code
from moderation.messages import action_label, decision_reason
from moderation.pipeline import ACTIONS
from moderation.queue.listing import Card
from moderation.reasons import reason_text, written
from moderation.services import services

# The card's words, translated once per page: 25 cards would otherwise make hundreds of gettext
# calls. Sentences are filled per card (`words["select"] % {"number": 7}`), with escaped values.
CARD_WORDS = {
    "select": N_("Select comment %(number)s"),
    "on": N_("on %(article)s"),
    "reply": N_("In reply to %(name)s (#%(id)s, %(status)s):"),
    "reply_to": N_("In reply to #%(id)s"),
    "spam": N_("spam %(score)s"),
    "history": N_("%(before)s → %(after)s by %(who)s, %(when)s"),
    "article_hint": N_("Only the comments on this article"),
    "page_label": N_("page"),
    "ban_hint": N_(
        "Their next comments go straight to Rejected; their pending ones are rejected now"
    ),
    "ban_label": N_("Block this author"),
    "language_hint": N_("Language, and how sure the detector is"),
    "unclassified_label": N_("unclassified"),
    "likely_hint": N_(
        "A high spam score without a spam-specific signal: it waits here, not in the spam folder"
    ),
    "likely_label": N_("Likely spam"),
    "evidence_hint": N_("A spam-specific signal"),
    "import_label": N_("import"),
    "reject_author_label": N_("Reject all by this author"),
}


def reason_words() -> Callable[[Mapping[str, Any]], str]:
    """`reason_text` in this page's language, remembered across pages: cards give the same few
    sentences (a score or a confidence differs from card to card, but not as written)."""
    said = functools.partial(_sentence, locale_code(), str(get_timezone()))
    return lambda reason: said(written(reason))


@functools.lru_cache(maxsize=4096)
def _sentence(locale: str, zone: str, reason: str) -> str:
    # In the request's language and time zone (a ban's "until" is a date): both in the key.
    code, params = json.loads(reason)
    return reason_text({"code": code, "params": params})


@dataclass(frozen=True)
class CardPage:
    """What every card of one page shares: its words, addresses and formats, looked up once."""

    folder: str
    is_admin: bool
    words: Mapping[str, str]  # `CARD_WORDS` translated, as HTML
    statuses: Mapping[CommentStatus, str]
    action_labels: Mapping[str, str]  # as HTML
    comment_url: str  # the id is appended
    article_url: str  # the slug is appended
    ban_url: str  # the id is appended
    reason_text: Callable[[Mapping[str, Any]], str]
    language_name: Callable[[str], str]
    excerpt: Callable[[str], str]  # a parent's first lines: Jinja's `truncate`, 280 characters
    fmt: Formats


def render_card(c: Card, page: CardPage, filter_url: Sequence[str]) -> tuple[str, str]:
    """A comment's card, an `<li>` of the queue's form (`templates/queue/index.html`), as the
    HTML before and after how long ago the comment was posted (which changes by the minute).

    Written here rather than in a template: a page renders 25 of them, and Jinja spent about
    0.6 ms of CPU on each. Every value from a comment, a moderator or a URL goes through
    `escape`, including what fills a sentence of `words` (escaped once per page).
    """
    words, statuses = page.words, page.statuses
    id_ = c.id
    status = c.status.value
    slug = url_quote(c.article_slug)
    if c.is_unclassified:
        kind = " unclassified"
    elif c.likely_spam:
        kind = " likely"
    else:
        spam = next((r for r in c.reasons if r.get("check") == "spam"), None)
        verdict = (spam.get("params") or {}).get("verdict") if spam else None
        kind = f" {escape(verdict)}" if verdict and verdict != "clean" else ""
    posted = page.fmt.when(c.created_at)
    article = (
        f'<a href="{escape(filter_url[0])}{slug}{escape(filter_url[1])}" '
        f'title="{words["article_hint"]}">{escape(c.article_title)}</a>'
    )
    parts = [
        f'<li class="item{kind}" id="item-{id_}" data-id="{id_}" tabindex="-1" '
        f'aria-labelledby="item-{id_}-author">\n'
        f'  <label class="select"><input type="checkbox" name="comment_id" value="{id_}" '
        f'aria-label="{words["select"] % {"number": id_}}"></label>\n'
        f'  <input type="hidden" name="seen-{id_}" value="{status}">\n'
        f'  <div class="card">\n    <p class="meta">\n'
        f'      <strong id="item-{id_}-author">{escape(c.author_name)}</strong> '
        f'<span class="address">&lt;{escape(c.author_email)}&gt;</span>\n'
        f"      {words['on'] % {'article': article}}\n"
        f'      (<a href="{page.article_url}{slug}">{words["page_label"]}</a>)\n'
        f'      · <time datetime="{iso(c.created_at)}" title="{escape(posted)}">'
    ]
    head = "".join(parts)
    parts = [f"</time>\n      · #{id_}\n    </p>\n"]
    if c.parent is not None:
        parent = c.parent
        said = words["reply"] % {
            "name": escape(parent.author_name),
            "id": parent.id,
            "status": escape(statuses[parent.status]),
        }
        parts.append(
            f'    <blockquote class="parent" cite="#item-{parent.id}">\n'
            f'      <p class="meta">{said}</p>\n'
            f"      <p>{escape(page.excerpt(parent.body))}</p>\n    </blockquote>\n"
        )
    elif c.parent_id is not None:
        parts.append(f'    <p class="meta">{words["reply_to"] % {"id": c.parent_id}}</p>\n')
    confidence = (
        f" {escape(page.fmt.percent(c.language_confidence))}"
        if c.language_confidence is not None
        else ""
    )
    if c.spam_score is None:
        score = f'<span class="score unclassified">{words["unclassified_label"]}</span>'
    else:
        shown_score = words["spam"] % {"score": escape(page.fmt.decimal(c.spam_score))}
        score = f'<span class="score">{shown_score}</span>'
    likely = (
        f'<span class="badge likely-spam" title="{words["likely_hint"]}">'
        f"{words['likely_label']}</span>"
        if c.likely_spam
        else ""
    )
    lang = f' lang="{escape(c.language)}"' if c.language != "und" else ""
    parts.append(
        f'    <p class="scores">\n      <span class="language" title="{words["language_hint"]}">'
        f"{escape(page.language_name(c.language))}{confidence}</span>\n"
        f"      {score}\n      {likely}\n    </p>\n"
        f'    <div class="body"{lang}>{c.body_html}</div>\n    <ul class="reasons">\n'
    )
    for reason in c.reasons:
        flag = "flag" if reason.get("flag") else ""
        if reason.get("evidence"):
            flag += f' evidence" title="{words["evidence_hint"]}'
        parts.append(f'      <li class="{flag}">{escape(page.reason_text(reason))}</li>\n')
    parts.append("    </ul>\n")
    if c.decisions:
        parts.append('    <ul class="history">\n')
        for d in c.decisions:
            line = words["history"] % {
                "before": escape(statuses[d.from_status]),
                "after": escape(statuses[d.to_status]),
                "who": escape(d.moderator) if d.moderator else words["import_label"],
                "when": escape(page.fmt.when(d.created_at)),
            }
            why = f": {escape(decision_reason(d.reason))}" if d.reason else ""
            parts.append(f"      <li>{line}{why}</li>\n")
        parts.append("    </ul>\n")
    parts.append('    <p class="actions">\n')
    for action, target in ACTIONS.items():
        if target != c.status:
            parts.append(
                f'      <button type="submit" formaction="{page.comment_url}{id_}/{action}" '
                f'name="seen" value="{status}" data-action="{action}" class="{action}">'
                f"{page.action_labels[action]}</button>\n"
            )
    if page.folder == "pending":
        parts.append(
            f'      <button type="submit" formaction="{page.comment_url}{id_}/reject-author" '
            f'class="reject">{words["reject_author_label"]}</button>\n'
        )
    if page.is_admin:
        parts.append(
            f'      <button type="submit" formaction="{page.ban_url}{id_}" class="reject" '
            f'title="{words["ban_hint"]}">{words["ban_label"]}</button>\n'
        )
    parts.append("    </p>\n  </div>\n</li>\n")
    return head, "".join(parts)


def card_renderer(
    folder: str, moderator: Moderator, statuses: Mapping[CommentStatus, str]
) -> Callable[[Card, Sequence[str]], Markup]:
    """A function that gives a comment's card on this page; its second argument is the
    article filter's address around the slug.

    Cards are kept in the rendered-HTML cache (`TERTULIA_RENDER_CACHE_MB`) under a digest of
    everything they show and the page's language, folder, role and filter: a decision, the
    parent's status, a reclassification or an edit makes another key, so a changed card is
    never served stale, in any worker, without invalidating anything. Only how long ago the
    comment was posted is written on every page.
    """
    page = CardPage(
        folder=folder,
        is_admin=moderator.is_admin,
        words={name: str(escape(_(message))) for name, message in CARD_WORDS.items()},
        statuses=statuses,
        action_labels={action: str(escape(action_label(action))) for action in ACTIONS},
        # Built once per page, not per card: the id or slug is appended.
        comment_url=escape(url_for("queue.show", comment_id=1)[:-1]),
        article_url=escape(url_for("public.article", slug="-")[:-1]),
        ban_url=escape(url_for("admin.ban_author", comment_id=1)[:-1]),
        reason_text=reason_words(),
        language_name=functools.cache(language_name),
        excerpt=functools.partial(do_truncate, current_app.jinja_env, length=280),
        fmt=formats(),
    )

    cache = services().render_cache
    shared = ("queue card", locale_code(), folder, moderator.is_admin)

    def card(comment: Card, filter_url: Sequence[str]) -> Markup:
        since = escape(page.fmt.ago(comment.created_at))
        # Everything the card shows is in the comment's repr: a card changes when it does.
        shown = hashlib.blake2b(repr(comment).encode(), digest_size=16).digest()
        key = (*shared, tuple(filter_url), comment.id, shown)
        kept = cache.get(key)
        if isinstance(kept, str):
            head, _nul, tail = kept.partition("\0")
        else:
            head, tail = render_card(comment, page, filter_url)
            if "\0" not in head:  # no stored text holds NUL (`submission.storable`)
                cache.put(key, f"{head}\0{tail}")
        return Markup(f"{head}{since}{tail}")

    return card
