"""Spam classification for comments: scores with reasons, explanations and per-site learning."""

from moderation.spam.labelled_csv import LabelledCsvError, read_labelled_csv
from moderation.spam.metrics import Metrics
from moderation.spam.model import SpamContext, SpamModel, SpamResult

__all__ = [
    "LabelledCsvError",
    "Metrics",
    "SpamContext",
    "SpamModel",
    "SpamResult",
    "read_labelled_csv",
]
