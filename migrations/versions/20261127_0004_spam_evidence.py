"""Spam evidence: likely spam, article descriptions, reasons as codes, learning rounds, version uids.

Revision ID: 0004_spam
Revises: 0003_imports
Create Date: 2026-11-27 23:30:00

Schema: `comments.likely_spam` (indexed with status and time, for the queue's filter and sort),
an index on `comments.author_email, status`, `articles.description`, `spam_model_versions.uid`
and the one-row `spam_learning_state`.

Data: every stored check result becomes a code with parameters and explicit `flag`,
`unclassified` and `evidence` booleans; sentences this migration cannot read are kept as
`legacy` with their text. Downgrade writes the sentences back as the old code wrote them.
"""

import json
import re
import uuid
from collections.abc import Callable, Iterator, Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op

revision: str = "0004_spam"
down_revision: str | None = "0003_imports"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_comments = sa.table("comments", sa.column("id", sa.Integer), sa.column("reasons", sa.JSON))
_versions = sa.table("spam_model_versions", sa.column("id", sa.Integer), sa.column("uid", sa.String))

# The language names the old sentences used (moderation/language NAMES at revision 0002).
_NAMES = {
    "en": "English", "es": "Spanish", "pt": "Portuguese", "fr": "French", "it": "Italian",
    "de": "German", "ca": "Catalan", "nl": "Dutch", "ru": "Russian", "uk": "Ukrainian",
    "ar": "Arabic", "ro": "Romanian", "pl": "Polish", "tr": "Turkish", "sv": "Swedish",
    "id": "Indonesian", "hu": "Hungarian", "fi": "Finnish", "cs": "Czech", "vi": "Vietnamese",
    "zh": "Chinese", "ja": "Japanese", "ko": "Korean", "el": "Greek",
    "he": "Hebrew", "hi": "Hindi", "fa": "Persian", "th": "Thai", "bg": "Bulgarian",
}  # fmt: skip
_BANDS = {"spam": "spam", "borderline": "borderline", "ham": "clean"}
_SIGNALS: list[tuple[re.Pattern[str], Callable[[re.Match[str]], tuple[str, dict[str, Any], bool]]]] = [
    (re.compile(r"^\d+ links to one domain \((.+)\)$"), lambda m: ("link.unknown", {"domain": m[1]}, True)),
    (re.compile(r"^1 link \((.+)\)$"), lambda m: ("link.unknown", {"domain": m[1]}, True)),
    (re.compile(r'^link text "(.*)"$'), lambda m: ("link.anchor", {}, True)),
    (re.compile(r"^phone number$"), lambda m: ("contact.phone", {"count": 1}, True)),
    (re.compile(r"^(\d+) phone numbers$"), lambda m: ("contact.phone", {"count": int(m[1])}, True)),
    (re.compile(r"^(\d+)% capitals$"), lambda m: ("text.capitals", {"percent": int(m[1])}, False)),
    (re.compile(r"^repeats a recent comment$"), lambda m: ("context.repeat", {}, True)),
    (
        re.compile(r"^language (\w+), article in (\w+)$"),
        lambda m: ("context.language_mismatch", {"language": m[1], "article_language": m[2]}, False),
    ),
    (
        re.compile(r"^(\d+) comments from this client in 10 minutes$"),
        lambda m: ("context.burst", {"count": int(m[1]), "minutes": 10}, int(m[1]) >= 6),
    ),
]  # fmt: skip


def _result(
    check: str, code: str, params: dict[str, Any], flag: bool, unclassified: bool = False, evidence: bool = False
) -> dict[str, Any]:
    return {
        "check": check,
        "code": code,
        "params": params,
        "flag": flag,
        "unclassified": unclassified,
        "evidence": evidence,
    }


def to_code(old: dict[str, Any]) -> dict[str, Any]:
    """One stored reason of revision 0002 as a code with parameters."""
    if "code" in old:
        return old
    check = str(old.get("check", "signal"))
    text = str(old.get("reason", ""))
    flag = bool(old.get("flag", False))
    if text.startswith("unclassified"):
        # Imported comments (0003) wait for the checks; the others' check failed.
        code = "import.awaiting_checks" if check == "import" else f"{check}.failed"
        return _result(check, code, {}, True, unclassified=True)
    if check == "language":
        params = {"language": old.get("language", "und"), "confidence": old.get("confidence", 0.0)}
        if text.startswith("language not moderated here: "):
            return _result(check, "language.not_moderated", params, True)
        if text in ("no words to tell the language by", "too little text to tell"):
            return _result(check, "language.undetermined", params, flag)
        return _result(check, "language.detected", params, flag)
    if check == "spam":
        band = _BANDS.get(str(old.get("band", "ham")), "clean")
        return _result(check, "spam.score", {"score": old.get("score", 0.0), "verdict": band}, flag)
    for pattern, convert in _SIGNALS:
        match = pattern.match(text)
        if match:
            code, params, evidence = convert(match)
            return _result(check, code, params, flag, evidence=evidence)
    return _result(check, "legacy", {"text": text}, flag)


def to_sentence(new: dict[str, Any]) -> dict[str, Any]:
    """A code of this revision as the sentence revision 0002 would have stored."""
    if "code" not in new:
        return new
    code, params = str(new["code"]), dict(new.get("params") or {})
    check = str(new.get("check", "signal"))
    old: dict[str, Any] = {"check": check, "flag": bool(new.get("flag"))}
    if code == "import.awaiting_checks":
        return {**old, "reason": "unclassified: imported"}
    if new.get("unclassified"):
        failed = "language detector" if check == "language" else "spam classifier"
        return {**old, "reason": f"unclassified: {failed} failed"}
    language = str(params.get("language", "und"))
    if code == "language.detected":
        confidence = float(params.get("confidence") or 0.0)
        sentence = f"{_NAMES.get(language, language)} ({confidence:.0%})"
        return {**old, "reason": sentence, "language": language, "confidence": confidence}
    if code == "language.not_moderated":
        return {**old, "reason": f"language not moderated here: {language}", "language": language}
    if code == "language.undetermined":
        return {**old, "reason": "too little text to tell", "language": language}
    if code == "spam.score":
        score = float(params.get("score") or 0.0)
        band = {"spam": "spam", "likely": "spam", "borderline": "borderline"}.get(
            str(params.get("verdict")), "ham"
        )
        reason = f"spam score {score:.2f} ({band})"
        return {**old, "reason": reason, "score": score, "band": band, "top_features": []}
    sentences = {
        "link.anchor": "link text",
        "context.repeat": "repeats a recent comment",
        "contact.email": "email address in the body",
        "link.shortener": "link shortener",
    }
    if code.startswith("link.") and "domain" in params:
        sentence = f"1 link ({params['domain']})"
    elif code == "contact.phone":
        count = int(params.get("count", 1))
        sentence = "phone number" if count == 1 else f"{count} phone numbers"
    elif code == "text.capitals":
        sentence = f"{params.get('percent')}% capitals"
    elif code == "context.language_mismatch":
        sentence = f"language {language}, article in {params.get('article_language')}"
    elif code == "context.burst":
        sentence = f"{params.get('count')} comments from this client in 10 minutes"
    elif code.startswith("phrase.") and "phrase" in params:
        sentence = f"phrase: {params['phrase']}"
    elif code == "legacy":
        sentence = str(params.get("text", ""))
    else:
        sentence = sentences.get(code, code)
    return {**old, "reason": sentence}


def _rows(connection: sa.Connection) -> Iterator[tuple[int, list[dict[str, Any]]]]:
    for row_id, reasons in connection.execute(sa.select(_comments.c.id, _comments.c.reasons)):
        if isinstance(reasons, str):  # some drivers hand JSON back as text
            reasons = json.loads(reasons)
        yield row_id, list(reasons or [])


def _rewrite(convert: Callable[[dict[str, Any]], dict[str, Any]]) -> None:
    connection = op.get_bind()
    for row_id, reasons in list(_rows(connection)):
        connection.execute(
            sa.update(_comments)
            .where(_comments.c.id == row_id)
            .values(reasons=[convert(reason) for reason in reasons])
        )


def upgrade() -> None:
    with op.batch_alter_table("articles") as batch:
        batch.add_column(sa.Column("description", sa.String(length=500), nullable=True))
    with op.batch_alter_table("comments") as batch:
        batch.add_column(
            sa.Column("likely_spam", sa.Boolean(), server_default=sa.false(), nullable=False)
        )
        batch.create_index(
            "ix_comments_status_likely_spam_created_at", ["status", "likely_spam", "created_at"]
        )
        batch.create_index("ix_comments_author_email_status", ["author_email", "status"])
    with op.batch_alter_table("spam_model_versions") as batch:
        batch.add_column(sa.Column("uid", sa.String(length=32), nullable=True))
    connection = op.get_bind()
    for (row_id,) in list(connection.execute(sa.select(_versions.c.id))):
        connection.execute(
            sa.update(_versions).where(_versions.c.id == row_id).values(uid=uuid.uuid4().hex)
        )
    with op.batch_alter_table("spam_model_versions") as batch:
        batch.alter_column("uid", existing_type=sa.String(length=32), nullable=False)
        batch.create_unique_constraint(op.f("uq_spam_model_versions_uid"), ["uid"])
    op.create_table(
        "spam_learning_state",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("rounds", sa.Integer(), server_default="0", nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_spam_learning_state")),
    )
    _rewrite(to_code)


def downgrade() -> None:
    _rewrite(to_sentence)
    op.drop_table("spam_learning_state")
    with op.batch_alter_table("spam_model_versions") as batch:
        batch.drop_constraint(op.f("uq_spam_model_versions_uid"), type_="unique")
        batch.drop_column("uid")
    with op.batch_alter_table("comments") as batch:
        batch.drop_index("ix_comments_author_email_status")
        batch.drop_index("ix_comments_status_likely_spam_created_at")
        batch.drop_column("likely_spam")
    with op.batch_alter_table("articles") as batch:
        batch.drop_column("description")
