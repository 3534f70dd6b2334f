"""The words of the refusals that guard the site: hostile or broken input, sessions, limits.

Plain English for now, kept in one place so that the translation pass can wrap each of them
in gettext. No Flask here: the libraries use these too.
"""

from __future__ import annotations

# Input that no column can hold: a NUL character, or half of a UTF-16 surrogate pair.
UNSTORABLE_TEXT = "contains a character that is not text (such as a NUL byte)."
UNSTORABLE_FIELD = "This field " + UNSTORABLE_TEXT
COMMENT_NUMBER = "Reply-to must be a comment number."
NO_SUCH_PARENT = "There is no such comment on this article."
JSON_TOO_DEEP = "The request body nests too deeply (at most {depth} levels)."
TOO_LARGE = "This is larger than {kilobytes} kB, more than any comment needs."
COMMENT_TOO_LARGE = (
    "Your comment is too long to be sent (at most {limit} characters). "
    "Please shorten it and send it again."
)
NOT_SENT_NO_ARTICLE = "There is no article '{slug}', so your comment was not sent."
SEARCH_UNSTORABLE = "The search " + UNSTORABLE_TEXT

# Sessions and sign-in.
SIGNED_OUT_EXPIRED = "Your session ended. Please sign in again."
SIGNED_OUT = "You are signed out."
SIGNED_OUT_EVERYWHERE = "{email} is signed out on every device."
TOO_MANY_SIGN_INS = "Too many sign-in attempts ({limit}). Please wait and try again."
TOO_MANY_PASSWORD_TRIES = (
    "Too many tries at your current password ({limit}). Please wait and try again."
)
