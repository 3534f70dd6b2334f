"""Spam classification for comments: scores, reasons as codes, evidence, and per-site learning.

Imports neither Flask nor the application, nor scikit-learn at run time (`training` does).
"""

from moderation.spam.labelled_csv import LabelledCsvError, read_labelled_csv
from moderation.spam.metrics import Metrics
from moderation.spam.scoring import SiteWeights, SpamContext, SpamModel, SpamResult, Verdict
from moderation.spam.signals import Reason
from moderation.spam.storage import bundled

__all__ = [
    "LabelledCsvError",
    "Metrics",
    "Reason",
    "SiteWeights",
    "SpamContext",
    "SpamModel",
    "SpamResult",
    "Verdict",
    "bundled",
    "read_labelled_csv",
]
