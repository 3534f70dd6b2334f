"""Refused input, statuses and actions in words, in the reader's or moderator's language.

The pipeline and the management functions refuse input with codes and parameters
(`pipeline.submission.Problem`), the API sends those codes to machines, and the forms and the
API show the messages this module words at display time. A key is `field.code`, or `code` for
a wording any field may use. Templates are English marked for `make translations` with named
`{params}`; numbers in them are written the reader's way.

The refusals that guard the site (hostile or broken input, sessions, limits) are worded by the
Flask side itself: their constants below keep `%(name)s` placeholders and are shown with
Flask-Babel's `gettext`. A field the libraries refuse as unstorable is the code `not_storable`.
"""

from __future__ import annotations

from collections.abc import Mapping

from moderation.i18n import N_, NP_, translate, translate_plural
from moderation.pipeline import Problem, ValidationFailed

MESSAGES: dict[str, str] = {
    # a page of a thread (API paging parameters)
    "page_order": N_("Order must be 'oldest' or 'newest'."),
    "page_after": N_("After must be the id of a comment of this thread."),
    "page_limit": N_("Limit must be a number from 1 to {max}."),
    # a comment
    "name.required": N_("Please give your name."),
    "name.too_long": N_("Your name can have at most {limit} characters (it has {length})."),
    "email.required": N_("Please give your email; it is never published."),
    "email.invalid": N_("This does not look like an email address."),
    "email.too_long": N_(
        "An email address has at most {limit} characters (this one has {length})."
    ),
    "email.taken": N_("A moderator “{email}” already exists."),
    "body.required": N_("Please write a comment."),
    "body.too_long": N_("A comment can have at most {limit} characters (yours has {length})."),
    "parent_id.invalid": N_("The comment you reply to must be given by its number."),
    "parent_id.not_found": N_("The comment you reply to is not on this article."),
    # an article
    "slug.invalid": N_("Use letters, digits, “.”, “_” and “-” (it becomes part of the address)."),
    "slug.taken": N_("An article “{slug}” already exists."),
    "title.required": N_("Give the article's title."),
    "title.too_long": N_("A title can have at most {limit} characters (this one has {length})."),
    "url.invalid": N_("The address must start with https:// or http://."),
    "url.too_long": N_("An address can have at most {limit} characters (this one has {length})."),
    "description.too_long": N_(
        "A description can have at most {limit} characters (this one has {length})."
    ),
    "language.not_site_language": N_(
        "“{language}” is not one of this site's languages ({languages})."
    ),
    "languages.not_site_language": N_(
        "“{language}” is not one of this site's languages ({languages})."
    ),
    # a block or a word list (`/admin/bans`, `/admin/words`)
    "duration.invalid": N_("Choose how long the block lasts."),
    "target.one_of": N_("Give either an email address or a network."),
    "network.invalid": N_("Give an address or a network such as 203.0.113.0/24."),
    "action.invalid": N_("Choose block or hold."),
    "phrases.too_long": N_("A phrase may have at most {limit} characters (this one has {length})."),
    "phrases.required": N_("Write at least one word or phrase."),
    # a moderator account
    "password.too_short": N_("Use at least {minimum} characters."),
    "new.too_short": N_("Use at least {minimum} characters."),
    "current.wrong": N_("This is not your current password."),
    "confirm.mismatch": N_("The two new passwords differ."),
    "role.invalid": N_("Choose moderator or admin."),
    "role.last_admin": N_("The site needs at least one admin."),
    "moderator.own_account": N_("You cannot remove your own account."),
    # any field
    "required": N_("This field is required."),
    "not_text": N_("This must be text."),
    "not_boolean": N_("This must be true or false (a tick box)."),
    "too_long": N_("At most {limit} characters (this has {length})."),
    "invalid": N_("This value is not valid."),
    "not_storable": N_("This field contains a character that is not text (such as a NUL byte)."),
    # the request as a whole (API)
    "content_type.not_json": N_("Send JSON with Content-Type: application/json."),
    "json.invalid": N_("The request body is not valid JSON."),
    "json.too_deep": N_("The request body nests too deeply (at most {depth} levels)."),
    "json.not_object": N_("The request body must be a JSON object."),
    "json.not_strings": N_("title, url, language and description must be strings."),
    "authorization.not_configured": N_(
        "This server takes no article calls: TERTULIA_API_TOKEN is not set."
    ),
    "authorization.invalid": N_("Send Authorization: Bearer <the API token>."),
    "origin.not_allowed": N_("Comments from pages on {origin} are not accepted here."),
}


# The refusals that guard the site, shown with `gettext` (`%(name)s` placeholders).
COMMENT_TOO_LARGE = N_(
    "Your comment is too long to be sent (at most %(limit)d characters). "
    "Please shorten it and send it again."
)
NOT_SENT_NO_ARTICLE = N_("There is no article '%(slug)s', so your comment was not sent.")
# Sessions and sign-in.
SIGNED_OUT_EXPIRED = N_("Your session ended. Please sign in again.")
SIGNED_OUT = N_("You are signed out.")
SIGNED_OUT_EVERYWHERE = N_("%(email)s is signed out on every device.")
TOO_MANY_SIGN_INS = N_("Too many sign-in attempts (%(limit)s). Please wait and try again.")
TOO_MANY_PASSWORD_TRIES = N_(
    "Too many tries at your current password (%(limit)s). Please wait and try again."
)

# Faults of the moment (answered 503): the reader's text is kept on the form.
# The database cannot be reached (or is locked): nothing was stored.
DATABASE_UNAVAILABLE = N_(
    "Comments are unavailable for a moment: the server cannot reach its database. "
    "Please try again in a minute."
)
# The instance folder (or the SQLite database in it) cannot be written: reading still works.
READ_ONLY = N_(
    "Comments cannot be sent just now: the server cannot write to its storage. "
    "Your text is below; please send it again later."
)
READ_ONLY_ADMIN = N_(
    "The server cannot write to its instance folder or database (%(problem)s): readers can "
    "read, but no comment or decision can be saved. Fix the folder's permissions or free some "
    "space."
)
# The banner admins and moderators see while a bundled model cannot be loaded.
MODEL_UNAVAILABLE = N_(
    "The %(name)s model could not be loaded (%(problem)s). New comments still arrive and wait "
    "in the queue marked unclassified. Replace the model file and restart the server, then run "
    "`flask comments reclassify`."
)

# A comment's status, as the decision history and messages name it.
STATUSES: dict[str, str] = {
    "pending": N_("pending"),
    "approved": N_("approved"),
    "rejected": N_("rejected"),
    "spam": N_("spam"),
}
# The queue's folders (named by the status they hold) as their tabs and headings name them.
FOLDERS: dict[str, tuple[str, str]] = {
    "pending": (N_("Pending"), N_("Comments awaiting moderation")),
    "spam": (N_("Spam"), N_("Spam folder")),
    "rejected": (N_("Rejected"), N_("Rejected comments")),
    "approved": (N_("Approved"), N_("Published comments")),
}
# What a moderator can do to a comment (`pipeline.decisions.ACTIONS`), as its button says.
ACTIONS: dict[str, str] = {
    "approve": N_("Approve"),
    "reject": N_("Reject"),
    "spam": N_("Mark as spam"),
    "requeue": N_("Back to the queue"),
}
# What the queue says once a decision is taken, by the status the comments moved to.
DONE_ONE: dict[str, str] = {
    "approved": N_("Comment {number} by {name} approved."),
    "rejected": N_("Comment {number} by {name} rejected."),
    "spam": N_("Comment {number} by {name} moved to the spam folder."),
    "pending": N_("Comment {number} by {name} sent back to the queue."),
}
DONE_MANY: dict[str, tuple[str, str]] = {
    "approved": NP_("{count} comment approved.", "{count} comments approved."),
    "rejected": NP_("{count} comment rejected.", "{count} comments rejected."),
    "spam": NP_(
        "{count} comment moved to the spam folder.", "{count} comments moved to the spam folder."
    ),
    "pending": NP_(
        "{count} comment sent back to the queue.", "{count} comments sent back to the queue."
    ),
}
# Reasons the application itself gives a decision; a moderator's own words are shown as typed.
DECISION_REASONS: dict[str, str] = {
    "all by this author": N_("all by this author"),
}


def status_label(status: str) -> str:
    """A status in words ("pendiente")."""
    return translate(STATUSES.get(status, status))


def folder_label(folder: str, heading: bool = False) -> str:
    """A queue folder's tab ("Pendientes"), or its heading."""
    names = FOLDERS.get(folder)
    return translate(names[1] if heading else names[0]) if names else folder


def action_label(action: str) -> str:
    """A moderator's action as its button says it ("Aprobar")."""
    return translate(ACTIONS.get(action, action))


def decided(status: str, comment_id: int, name: str) -> str:
    """What the queue says after one comment moved to `status`."""
    return translate(DONE_ONE[status], {"number": str(comment_id), "name": name})


def decided_many(status: str, count: int) -> str:
    """What the queue says after `count` comments moved to `status`."""
    return translate_plural(DONE_MANY[status], count, {"count": count})


def decision_reason(reason: str) -> str:
    """Why a decision was taken: the application's reasons translated, a moderator's as typed."""
    known = DECISION_REASONS.get(reason)
    return translate(known) if known else reason


def problem_text(name: str, problem: Problem) -> str:
    """The message for `problem` of the field `name`, in the current language."""
    template = MESSAGES.get(f"{name}.{problem.code}") or MESSAGES.get(problem.code)
    if template is None:
        return problem.code  # a code this table does not know yet: better than nothing
    return translate(template, problem.params)


def field_messages(problems: Mapping[str, Problem] | ValidationFailed) -> dict[str, str]:
    """One message per refused field."""
    found = problems.problems if isinstance(problems, ValidationFailed) else problems
    return {name: problem_text(name, problem) for name, problem in found.items()}
