"""The words of the refusals that guard the site: hostile or broken input, sessions, limits.

Kept in one place and marked with `N_` so that `make translations` collects them; they stay
English here (no Flask: the libraries use these too) and are translated where they are shown,
with `%(name)s` placeholders filled by gettext.
"""

from __future__ import annotations


def N_(message: str) -> str:
    """Mark `message` for translation without translating it."""
    return message


# Input that no column can hold: a NUL character, or half of a UTF-16 surrogate pair.
UNSTORABLE_FIELD = N_("This field contains a character that is not text (such as a NUL byte).")
COMMENT_NUMBER = N_("Reply-to must be a comment number.")
NO_SUCH_PARENT = N_("There is no such comment on this article.")
JSON_TOO_DEEP = N_("The request body nests too deeply (at most %(depth)d levels).")
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
