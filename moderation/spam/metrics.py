"""Binary classification metrics for spam decisions: never accuracy alone."""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Metrics:
    """Confusion counts with spam as the positive class, and the scores derived from them."""

    tp: int
    fp: int
    tn: int
    fn: int

    @classmethod
    def from_pairs(cls, pairs: Iterable[tuple[bool, bool]]) -> Metrics:
        """Count (actual spam, predicted spam) pairs."""
        tp = fp = tn = fn = 0
        for actual, predicted in pairs:
            if actual and predicted:
                tp += 1
            elif predicted:
                fp += 1
            elif actual:
                fn += 1
            else:
                tn += 1
        return cls(tp=tp, fp=fp, tn=tn, fn=fn)

    @property
    def total(self) -> int:
        return self.tp + self.fp + self.tn + self.fn

    @property
    def accuracy(self) -> float:
        return (self.tp + self.tn) / self.total if self.total else 0.0

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    @property
    def false_positive_rate(self) -> float:
        """Share of genuine comments sent to the spam folder: the number moderators fear most."""
        return self.fp / (self.fp + self.tn) if self.fp + self.tn else 0.0

    @property
    def mcc(self) -> float:
        tp, fp, tn, fn = self.tp, self.fp, self.tn, self.fn
        denominator = math.sqrt((tp + fp) * (tp + fn) * (tn + fp) * (tn + fn))
        return (tp * tn - fp * fn) / denominator if denominator else 0.0

    def as_dict(self) -> dict[str, float | int | dict[str, int]]:
        """Everything, JSON-ready, with the confusion matrix spelled out."""
        return {
            "n": self.total,
            "accuracy": round(self.accuracy, 4),
            "precision": round(self.precision, 4),
            "recall": round(self.recall, 4),
            "f1": round(self.f1, 4),
            "mcc": round(self.mcc, 4),
            "false_positive_rate": round(self.false_positive_rate, 4),
            "confusion": {"tp": self.tp, "fp": self.fp, "tn": self.tn, "fn": self.fn},
        }

    def table(self) -> str:
        """A small human-readable report."""
        return "\n".join(
            [
                f"comments   {self.total}",
                f"accuracy   {self.accuracy:.4f}",
                f"precision  {self.precision:.4f}",
                f"recall     {self.recall:.4f}",
                f"F1         {self.f1:.4f}",
                f"MCC        {self.mcc:.4f}",
                f"genuine comments sent to spam: {self.fp} of {self.fp + self.tn} "
                f"({self.false_positive_rate:.2%})",
                "confusion matrix (rows: actual, columns: predicted)",
                "              spam     ham",
                f"  spam   {self.tp:>8} {self.fn:>7}",
                f"  ham    {self.fp:>8} {self.tn:>7}",
            ]
        )
