"""What Tertulia tells people when something on its side fails: plain English, in one place.

Views, error handlers and templates take these texts from here (the translation pass wraps
them); log lines, which are for operators, stay where they are written.
"""

from __future__ import annotations

# The database cannot be reached (or is locked): nothing was stored, the reader's text is kept.
DATABASE_UNAVAILABLE = (
    "Comments are unavailable for a moment: the server cannot reach its database. "
    "Please try again in a minute."
)
COMMENT_NOT_SAVED = (
    "Your comment could not be saved just now: the server cannot reach its database. "
    "Nothing was lost: your text is below. Please send it again in a minute."
)
# The instance folder (or the SQLite database in it) cannot be written: reading still works.
READ_ONLY = (
    "Comments cannot be sent just now: the server cannot write to its storage. "
    "Your text is below; please send it again later."
)
READ_ONLY_ADMIN = (
    "The server cannot write to its instance folder or database ({problem}): readers can read, "
    "but no comment or decision can be saved. Fix the folder's permissions or free some space."
)


def model_unavailable(name: str, problem: str) -> str:
    """The banner admins and moderators see while a bundled model cannot be loaded."""
    return (
        f"The {name} model could not be loaded ({problem}). New comments still arrive and wait "
        f"in the queue marked unclassified. Replace the model file and restart the server, then "
        f"run `flask comments reclassify`."
    )
