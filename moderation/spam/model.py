"""The spam model: a TF-IDF linear pipeline, a fast single-comment scorer and per-site learning."""

from __future__ import annotations

import hashlib
import html
import json
import math
import re
import threading
import zipfile
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import skops.io
from scipy import sparse
from scipy.optimize import minimize
from sklearn.compose import ColumnTransformer
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import Pipeline

from moderation.spam import features
from moderation.spam.metrics import Metrics

BUNDLED_DIR = Path(__file__).parent / "bundled"
BUNDLED_MODEL = BUNDLED_DIR / "model.skops"
BUNDLED_SIDECAR = BUNDLED_DIR / "model.json"
FORMAT = 1

# skops refuses any type not named here, so a tampered model file cannot run code on load.
TRUSTED_TYPES: tuple[str, ...] = (
    "sklearn.compose._column_transformer.ColumnTransformer",
    "sklearn.feature_extraction.text.TfidfTransformer",
    "sklearn.feature_extraction.text.TfidfVectorizer",
    "sklearn.linear_model._logistic.LogisticRegression",
    "sklearn.pipeline.Pipeline",
    "builtins.slice",
    "numpy.float64",
)

# Facts about the request, not the text: no training corpus has them, so their weights are set
# by hand. Each alone stays below the default threshold for a clearly genuine comment.
REPEAT_LOGIT = 2.0
LANGUAGE_MISMATCH_LOGIT = 0.7
RATE_FREE_POSTS = 2  # a heated thread legitimately draws two or three quick replies
RATE_LOGIT_PER_POST = 0.5
RATE_LOGIT_MAX = 3.0

MAX_CHARS = 5000  # longer bodies are scored on their start: the cost stays bounded
TOP_FEATURES = 5

_LABEL_STRIP = ".,;:!?¡¿()[]{}\"'«»“”\u2018\u2019…*-_/"
_TAG_RE = re.compile(r"<[^>]{0,500}>")
_INVISIBLE_RE = re.compile("[\u200b-\u200f\u2060\ufeff\u00ad]")
_DIGITS_RE = re.compile(r"\d+")


def _digit_shape(match: re.Match[str]) -> str:
    """A run of digits as its shape: "2015" and "1884" are both "0000", longer runs cap at 4."""
    return "0" * min(len(match.group(0)), 4)


def prepare(text: str) -> str:
    """The text the vectorizers see: entities decoded, tags dropped, each URL reduced to its host.

    Random URL paths and markup only add noise; the structural checks see the raw body.
    """
    text = _INVISIBLE_RE.sub("", text[:MAX_CHARS])
    text = _TAG_RE.sub(" ", html.unescape(text))
    text = features.URL_RE.sub(lambda m: f" link {features.host(m.group(0))} ", text)
    text = _DIGITS_RE.sub(_digit_shape, text)
    return " ".join(text.split())


def design(texts: Sequence[str]) -> np.ndarray[Any, np.dtype[np.object_]]:
    """Rows of [prepared text, structural feature values...] for the pipeline."""
    rows = [[prepare(t), *features.extract(t[:MAX_CHARS]).values] for t in texts]
    matrix = np.empty((len(rows), 1 + len(features.FEATURE_NAMES)), dtype=object)
    for i, row in enumerate(rows):
        matrix[i, :] = row
    return matrix


def build_pipeline(c: float = 10.0) -> Pipeline:
    """Word 1-2 grams and in-word character 3-5 grams, TF-IDF, plus the structural features."""
    n_struct = len(features.FEATURE_NAMES)
    columns = ColumnTransformer(
        [
            (
                "word",
                TfidfVectorizer(
                    strip_accents="unicode", ngram_range=(1, 2), sublinear_tf=True, min_df=2
                ),
                0,
            ),
            (
                "char",
                TfidfVectorizer(
                    analyzer="char_wb",
                    strip_accents="unicode",
                    ngram_range=(3, 5),
                    sublinear_tf=True,
                    min_df=2,
                ),
                0,
            ),
            ("struct", "passthrough", list(range(1, 1 + n_struct))),
        ]
    )
    return Pipeline(
        [("features", columns), ("clf", LogisticRegression(C=c, max_iter=3000, tol=1e-6))]
    )


def fit_pipeline(
    texts: Sequence[str], labels: Sequence[bool], weights: Sequence[float] | None = None
) -> Pipeline:
    """Fit a fresh pipeline on labelled texts."""
    pipeline = build_pipeline()
    fit_params: dict[str, Any] = {}
    if weights is not None:
        fit_params["clf__sample_weight"] = np.asarray(weights, dtype=float)
    pipeline.fit(design(texts), np.asarray(labels, dtype=int), **fit_params)
    return pipeline


@dataclass(frozen=True, slots=True)
class SpamContext:
    """Facts the pipeline knows from the database or the request; all optional."""

    article_language: str | None = None
    comment_language: str | None = None
    repeats_recent_comment: bool = False  # equals/near-equals a comment posted recently
    recent_posts_from_client: int = 0  # same hashed client, last 10 minutes, this one excluded


@dataclass(frozen=True, slots=True)
class SpamResult:
    """A score in 0..1 with what moderators need to judge it."""

    score: float
    reasons: tuple[str, ...]
    top_features: tuple[tuple[str, float], ...]  # (label, contribution); positive means spam
    model_version: str


def _sigmoid(x: float) -> float:
    if x >= 0:
        return 1.0 / (1.0 + math.exp(-x))
    z = math.exp(x)
    return z / (1.0 + z)


def _char_wb_grams(word: str, min_n: int, max_n: int) -> list[str]:
    """The n-grams sklearn's char_wb analyzer makes from one (already preprocessed) word."""
    padded = f" {word} "
    size = len(padded)
    grams = []
    for n in range(min_n, max_n + 1):
        if size <= n:
            grams.append(padded)  # a short word counts once, as in sklearn
            break
        grams.extend(padded[i : i + n] for i in range(size - n + 1))
    return grams


@dataclass(slots=True)
class _Tokens:
    """One comment's tokens per block, each labelled with the word a moderator would see."""

    word: Counter[str]
    char: Counter[str]
    char_label: dict[str, str]
    struct: tuple[float, ...]
    reasons: tuple[str, ...]


class _FastScorer:
    """Reproduces the fitted pipeline's decision function for one text without sklearn calls.

    sklearn spends ~1 ms of validation and sparse-matrix plumbing per call; this walks the
    same tokens through dicts of (idf, coefficient) and matches it within float rounding.
    """

    def __init__(self, pipeline: Pipeline) -> None:
        columns: ColumnTransformer = pipeline.named_steps["features"]
        clf: LogisticRegression = pipeline.named_steps["clf"]
        coef = clf.coef_[0]
        self.intercept = float(clf.intercept_[0])
        word: TfidfVectorizer = columns.named_transformers_["word"]
        char: TfidfVectorizer = columns.named_transformers_["char"]
        self.word_analyzer: Callable[[str], list[str]] = word.build_analyzer()
        self.char_preprocess: Callable[[str], str] = char.build_preprocessor()
        self.char_range: tuple[int, int] = char.ngram_range
        offsets = {}
        start = 0
        for name, block in (("word", word), ("char", char)):
            offsets[name] = start
            start += len(block.vocabulary_)
        self.word_table = self._table(word, coef, offsets["word"])
        self.char_table = self._table(char, coef, offsets["char"])
        self.struct_coef = tuple(float(c) for c in coef[start:])

    @staticmethod
    def _table(
        vectorizer: TfidfVectorizer, coef: np.ndarray[Any, Any], offset: int
    ) -> dict[str, tuple[float, float]]:
        idf = vectorizer.idf_
        return {
            token: (float(idf[j]), float(coef[offset + j]))
            for token, j in vectorizer.vocabulary_.items()
        }

    def tokens(self, text: str) -> _Tokens:
        prepared = prepare(text)
        char_counts: Counter[str] = Counter()
        char_label: dict[str, str] = {}
        low, high = self.char_range
        for w in self.char_preprocess(prepared).split():
            for gram in _char_wb_grams(w, low, high):
                char_counts[gram] += 1
                char_label.setdefault(gram, w.strip(_LABEL_STRIP) or w)
        signals = features.extract(text[:MAX_CHARS])
        return _Tokens(
            word=Counter(self.word_analyzer(prepared)),
            char=char_counts,
            char_label=char_label,
            struct=signals.values,
            reasons=signals.reasons,
        )

    @staticmethod
    def _block(
        counts: Counter[str],
        table: dict[str, tuple[float, float]],
        labels: dict[str, str] | None,
        into: dict[str, float],
    ) -> float:
        """Add one TF-IDF block's l2-normalised contributions, per label, and return their sum."""
        parts: list[tuple[str, float]] = []
        squares = 0.0
        for token, count in counts.items():
            entry = table.get(token)
            if entry is None:
                continue
            value = (1.0 + math.log(count)) * entry[0]
            squares += value * value
            parts.append((token, value * entry[1]))
        if not parts:
            return 0.0
        scale = 1.0 / math.sqrt(squares)
        total = 0.0
        for token, raw in parts:
            contribution = raw * scale
            total += contribution
            label = labels[token] if labels is not None else token
            into[label] = into.get(label, 0.0) + contribution
        return total

    def decision(self, tok: _Tokens, into: dict[str, float]) -> float:
        score = self.intercept
        score += self._block(tok.word, self.word_table, None, into)
        score += self._block(tok.char, self.char_table, tok.char_label, into)
        for name, weight, value in zip(
            features.FEATURE_NAMES, self.struct_coef, tok.struct, strict=True
        ):
            if value:
                into[name] = into.get(name, 0.0) + weight * value
                score += weight * value
        return score


@dataclass(frozen=True, slots=True)
class SiteWeights:
    """What a site's moderators taught the model, as corrections added to the base logit.

    Keys are "w:<word n-gram>", "c:<char n-gram>" and "s:<structural feature>"; unlike the base
    model they may be tokens the base vocabulary never saw (a new spam domain, a new brand).
    """

    weights: dict[str, float] = field(default_factory=dict)
    bias: float = 0.0
    decisions: int = 0
    spam: int = 0


def _site_vector(tok: _Tokens) -> dict[str, float]:
    """Sublinear term frequencies, l2-normalised per block, over every token (no idf needed)."""
    vector: dict[str, float] = {}
    for prefix, counts in (("w:", tok.word), ("c:", tok.char)):
        values = {t: 1.0 + math.log(c) for t, c in counts.items()}
        norm = math.sqrt(sum(v * v for v in values.values())) or 1.0
        for token, value in values.items():
            vector[prefix + token] = value / norm
    for name, value in zip(features.FEATURE_NAMES, tok.struct, strict=True):
        if value:
            vector["s:" + name] = value
    return vector


# Learning from moderators: how firmly each token's correction is pulled back to its previous
# value (an L2 prior). Chosen on the learning curve in bench/spam.py (0.3 and 0.03 learned too
# slowly to help within 200 decisions); tokens are l2-normalised, so weights of several units are
# needed before one token moves a score.
SITE_L2 = 0.003
# The bias moves every comment at once; a few approved comments that the base model disliked
# must not lower the score of all spam, so the bias is held far more firmly than any token.
SITE_BIAS_L2 = 30.0


def _fit_site(
    vectors: list[dict[str, float]],
    offsets: list[float],
    labels: list[bool],
    previous: SiteWeights,
) -> SiteWeights:
    """Logistic regression on the base logit as offset, regularised towards previous weights."""
    keys = sorted({k for v in vectors for k in v} | set(previous.weights))
    index = {k: i for i, k in enumerate(keys)}
    rows, cols, vals = [], [], []
    for r, vector in enumerate(vectors):
        for k, v in vector.items():
            rows.append(r)
            cols.append(index[k])
            vals.append(v)
    x = sparse.csr_matrix((vals, (rows, cols)), shape=(len(vectors), len(keys)))
    prior = np.array([previous.weights.get(k, 0.0) for k in keys])
    y = np.where(np.asarray(labels), 1.0, -1.0)
    offset = np.asarray(offsets)
    n_spam = int(sum(labels))
    n_ham = len(labels) - n_spam
    # Balanced classes: a site that mostly approves must not learn that everything is ham.
    sample = np.where(y > 0, len(labels) / (2 * max(n_spam, 1)), len(labels) / (2 * max(n_ham, 1)))

    def loss(theta: np.ndarray[Any, Any]) -> tuple[float, np.ndarray[Any, Any]]:
        w, b = theta[:-1], theta[-1]
        margin = y * (x @ w + b + offset)
        # log(1 + exp(-m)) computed stably
        losses = np.logaddexp(0.0, -margin)
        sig = -y * sample / (1.0 + np.exp(margin))
        diff = w - prior
        value = float(sample @ losses) + 0.5 * SITE_L2 * float(diff @ diff)
        value += 0.5 * SITE_BIAS_L2 * (b - previous.bias) ** 2
        grad_w = x.T @ sig + SITE_L2 * diff
        grad_b = float(sig.sum()) + SITE_BIAS_L2 * (b - previous.bias)
        return value, np.concatenate([grad_w, [grad_b]])

    start = np.concatenate([prior, [previous.bias]])
    result = minimize(loss, start, jac=True, method="L-BFGS-B", options={"maxiter": 500})
    theta = result.x
    weights = {k: float(theta[i]) for k, i in index.items() if abs(theta[i]) > 1e-6}
    return SiteWeights(
        weights=weights,
        bias=float(theta[-1]),
        decisions=previous.decisions + len(labels),
        spam=previous.spam + n_spam,
    )


class SpamModel:
    """A scored, explainable spam model: bundled base pipeline plus the site's learned weights."""

    _bundled: SpamModel | None = None
    _bundled_lock = threading.Lock()

    def __init__(
        self, pipeline: Pipeline, meta: dict[str, Any], site: SiteWeights | None = None
    ) -> None:
        self.pipeline = pipeline
        self.meta = meta
        self.site = site or SiteWeights()
        self.threshold: float = float(meta["threshold"])
        self.borderline: float = float(meta["borderline"])
        self.version: str = str(meta["version"])
        self._fast = _FastScorer(pipeline)

    @classmethod
    def bundled(cls) -> SpamModel:
        """The committed model, loaded once per process."""
        if cls._bundled is None:
            with cls._bundled_lock:
                if cls._bundled is None:
                    cls._bundled = cls.from_bytes(BUNDLED_MODEL.read_bytes())
        return cls._bundled

    # -- scoring ---------------------------------------------------------------------------

    def _site_logit(self, tok: _Tokens, into: dict[str, float]) -> float:
        if not self.site.weights and not self.site.bias:
            return 0.0
        total = self.site.bias
        weights = self.site.weights
        for key, value in _site_vector(tok).items():
            weight = weights.get(key)
            if weight is None:
                continue
            contribution = weight * value
            total += contribution
            kind, token = key[:2], key[2:]
            label = tok.char_label.get(token, token) if kind == "c:" else token
            into[label] = into.get(label, 0.0) + contribution
        return total

    def base_logit(self, text: str) -> float:
        """The bundled pipeline's decision function for one text (fast path)."""
        return self._fast.decision(self._fast.tokens(text), {})

    def logit(self, text: str) -> float:
        """Base plus site logit, without request context."""
        tok = self._fast.tokens(text)
        return self._fast.decision(tok, {}) + self._site_logit(tok, {})

    def score(self, text: str, context: SpamContext | None = None) -> SpamResult:
        """Score one comment body; the commenter's email and name are never inputs."""
        tok = self._fast.tokens(text)
        contributions: dict[str, float] = {}
        logit = self._fast.decision(tok, contributions) + self._site_logit(tok, contributions)
        reasons = list(tok.reasons)
        for label, value, reason in _context_signals(context):
            logit += value
            contributions[label] = value
            reasons.append(reason)
        top = sorted(contributions.items(), key=lambda kv: -abs(kv[1]))[:TOP_FEATURES]
        return SpamResult(
            score=_sigmoid(logit),
            reasons=tuple(reasons),
            top_features=tuple((label, round(value, 4)) for label, value in top),
            model_version=self.version,
        )

    def scores(self, texts: Sequence[str]) -> list[float]:
        """Scores for many bodies at once, without context."""
        return [_sigmoid(self.logit(t)) for t in texts]

    # -- learning and evaluation -------------------------------------------------------------

    def learn(self, examples: Sequence[tuple[str, bool]]) -> SpamModel:
        """A new model that has also learned these moderator labels (True = spam).

        Works from the current site weights, so pass only decisions it has not seen yet.
        """
        examples = [(t, bool(s)) for t, s in examples if t.strip()]
        if not examples:
            return self
        toks = [self._fast.tokens(t) for t, _ in examples]
        site = _fit_site(
            [_site_vector(tok) for tok in toks],
            [self._fast.decision(tok, {}) for tok in toks],
            [s for _, s in examples],
            self.site,
        )
        digest = hashlib.sha256(
            json.dumps([self.version, examples], ensure_ascii=False).encode()
        ).hexdigest()[:8]
        base = str(self.meta.get("base_version", self.version))
        meta = {
            **self.meta,
            "base_version": base,
            "version": f"{base}+site{site.decisions}-{digest}",
            "learned": {"decisions": site.decisions, "spam": site.spam},
        }
        return SpamModel(self.pipeline, meta, site)

    def evaluate(
        self, examples: Sequence[tuple[str, bool]], threshold: float | None = None
    ) -> Metrics:
        """Metrics of the spam-folder decision (score >= threshold) on labelled texts."""
        cut = self.threshold if threshold is None else threshold
        scores = self.scores([t for t, _ in examples])
        return Metrics.from_pairs(
            (spam, score >= cut) for (_, spam), score in zip(examples, scores, strict=True)
        )

    # -- storage ---------------------------------------------------------------------------

    def to_bytes(self) -> bytes:
        """skops bytes holding the pipeline, the sidecar metadata and the site weights."""
        keys = list(self.site.weights)
        state = {
            "format": FORMAT,
            "pipeline": self.pipeline,
            "meta": json.dumps(self.meta, ensure_ascii=False, sort_keys=True),
            "site_keys": "\x1f".join(keys),
            "site_values": np.array([self.site.weights[k] for k in keys], dtype=np.float64),
            "site_bias": float(self.site.bias),
            "site_decisions": int(self.site.decisions),
            "site_spam": int(self.site.spam),
        }
        data: bytes = skops.io.dumps(state, compression=zipfile.ZIP_DEFLATED, compresslevel=9)
        return data

    @classmethod
    def from_bytes(cls, data: bytes) -> SpamModel:
        """Load bytes written by to_bytes, trusting only the listed scikit-learn types."""
        state = skops.io.loads(data, trusted=list(TRUSTED_TYPES))
        if not isinstance(state, dict) or state.get("format") != FORMAT:
            raise ValueError("not a Tertulia spam model (unknown format)")
        keys = state["site_keys"].split("\x1f") if state["site_keys"] else []
        values = [float(v) for v in state["site_values"]]
        site = SiteWeights(
            weights=dict(zip(keys, values, strict=True)),
            bias=float(state["site_bias"]),
            decisions=int(state["site_decisions"]),
            spam=int(state["site_spam"]),
        )
        return cls(state["pipeline"], json.loads(state["meta"]), site)


def promotion_check(
    current: SpamModel, candidate: SpamModel, recent: Sequence[tuple[str, bool]]
) -> tuple[bool, str]:
    """Whether a newly learned version may replace the current one, and why.

    `recent` must be decisions the candidate did not learn from (e.g. the latest 20%), otherwise
    the candidate is judged on its own training data and always wins.
    """
    if not recent:
        return False, "no recent decisions to compare on"
    old, new = current.evaluate(recent), candidate.evaluate(recent)
    if new.fp > old.fp:
        return False, (
            f"sends more genuine comments to spam on recent decisions ({new.fp} vs {old.fp})"
        )
    if new.mcc < old.mcc:
        return False, f"scores worse on recent decisions (MCC {new.mcc:.3f} vs {old.mcc:.3f})"
    return True, f"MCC {old.mcc:.3f} -> {new.mcc:.3f} on {len(recent)} recent decisions"


def _context_signals(context: SpamContext | None) -> list[tuple[str, float, str]]:
    """(feature label, logit, reason) for each request fact that points to spam."""
    if context is None:
        return []
    found = []
    if context.repeats_recent_comment:
        found.append(("repeats a recent comment", REPEAT_LOGIT, "repeats a recent comment"))
    article, comment = context.article_language, context.comment_language
    if article and comment and article != comment:
        found.append(
            (
                "language differs from the article",
                LANGUAGE_MISMATCH_LOGIT,
                f"language {comment}, article in {article}",
            )
        )
    extra = context.recent_posts_from_client - RATE_FREE_POSTS
    if extra > 0:
        found.append(
            (
                "posting rate",
                min(RATE_LOGIT_MAX, RATE_LOGIT_PER_POST * extra),
                f"{context.recent_posts_from_client + 1} comments from this client in 10 minutes",
            )
        )
    return found
