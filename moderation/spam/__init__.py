"""Spam classification for comments: scores with reasons, explanations and per-site learning."""

from moderation.spam.labelled_csv import LabelledCsvError, read_labelled_csv
from moderation.spam.metrics import Metrics
from moderation.spam.model import SpamContext, SpamModel, SpamResult, promotion_check

__all__ = [
    "LabelledCsvError",
    "Metrics",
    "SpamContext",
    "SpamModel",
    "SpamResult",
    "promotion_check",
    "read_labelled_csv",
]
