"""Strict reader for labelled comment histories (CSV with header text,label)."""

from __future__ import annotations

import csv
import io
import os
from pathlib import Path

SPAM_LABELS = frozenset({"spam", "1"})
HAM_LABELS = frozenset({"ham", "0"})


class LabelledCsvError(ValueError):
    """A labelled CSV that cannot be used; the message names the file and line."""


def read_labelled_csv(path: str | os.PathLike[str]) -> list[tuple[str, bool]]:
    """Read every (text, is_spam) row, or raise LabelledCsvError before anything is returned.

    The header must have a `text` and a `label` column (other columns are ignored). Labels are
    `spam`/`ham` or `1`/`0`, case-insensitive. Line numbers count from 1 at the header.
    """
    file = Path(path)
    try:
        raw = file.read_bytes()
    except OSError as error:
        raise LabelledCsvError(f"{file}: cannot read ({error.strerror})") from error
    try:
        content = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        raise LabelledCsvError(f"{file}, line {line}: not UTF-8 text") from error
    # Rows end at CR or LF only: str.splitlines() would also split inside a quoted text at
    # U+2028, U+0085 or a form feed, which readers' comments may hold.
    reader = csv.reader(io.StringIO(content, newline=""), strict=True)
    try:
        header = next(reader)
    except StopIteration:
        raise LabelledCsvError(f"{file}: empty file, expected a header text,label") from None
    except csv.Error as error:
        raise LabelledCsvError(f"{file}, line 1: {error}") from error
    columns = [name.strip().lower() for name in header]
    if "text" not in columns or "label" not in columns:
        raise LabelledCsvError(
            f"{file}, line 1: header must name the columns text and label, got {header!r}"
        )
    text_at, label_at = columns.index("text"), columns.index("label")
    examples: list[tuple[str, bool]] = []
    while True:
        try:
            row = next(reader)
        except StopIteration:
            break
        except csv.Error as error:
            raise LabelledCsvError(f"{file}, line {reader.line_num}: {error}") from error
        line = reader.line_num
        if not row or all(not cell.strip() for cell in row):
            continue
        if len(row) != len(columns):
            raise LabelledCsvError(
                f"{file}, line {line}: expected {len(columns)} fields, found {len(row)}"
            )
        text, label = row[text_at], row[label_at].strip().lower()
        if not text.strip():
            raise LabelledCsvError(f"{file}, line {line}: empty text")
        if label in SPAM_LABELS:
            examples.append((text, True))
        elif label in HAM_LABELS:
            examples.append((text, False))
        else:
            raise LabelledCsvError(
                f"{file}, line {line}: label must be spam, ham, 1 or 0, got {row[label_at]!r}"
            )
    if not examples:
        raise LabelledCsvError(f"{file}: no labelled rows after the header")
    return examples
