"""Scoring one comment: the text model's tables, the destinations of its links, the request's facts.

The text model is the bundled scikit-learn pipeline exported to plain tables (`storage.py`), so a
worker scores without importing scikit-learn or SciPy. `verdict` is the one place that says where
a comment goes: the spam folder needs a score at or above the threshold *and* a spam-specific
signal; a high score without one is "likely spam", kept in the queue.
"""

from __future__ import annotations

import enum
import functools
import math
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from moderation.spam import relevance
from moderation.spam import signals as checks
from moderation.spam import text as texts
from moderation.spam.destinations import Destination, Destinations, Reputation
from moderation.spam.signals import Reason
from moderation.spam.textmodel import Rows, TextModel, char_grams, prepare, word_grams, words

# Fixed logits for what no training corpus teaches: where links point and facts about the
# request. A link to an unknown site is a spam signal (it may decide the folder) but adds little
# to the score: readers cite sources. Values chosen by hand, documented in docs/spam.md.
DESTINATION_LOGIT: Mapping[Destination, float] = {
    Destination.LEARNED_GENUINE: -1.0,
    Destination.LEARNED_SPAM: 3.0,
}
REPEAT_LOGIT = 2.0
AUTHOR_SPAM_LOGIT = 1.5
OFF_TOPIC_LINK_LOGIT = 1.0
LANGUAGE_MISMATCH_LOGIT = 0.5
RATE_FREE_POSTS = 2  # a heated thread legitimately draws two or three quick replies
RATE_LOGIT_PER_POST = 0.5
RATE_LOGIT_MAX = 3.0
RATE_EVIDENCE_POSTS = 5  # this many others from one client in 10 minutes is a burst
# The wording is named as a reason when the text pushes the score up by at least this much.
WORDING_LOGIT = 0.5
WORDING_WORDS = 4
WORDING_MIN_WORD = 0.1
# Words too common to explain anything, in the three languages.
_STOPWORDS = frozenset(
    [
        "this",
        "that",
        "with",
        "your",
        "from",
        "have",
        "they",
        "will",
        "what",
        "when",
        "there",
        "their",
        "about",
        "would",
        "which",
        "were",
        "been",
        "para",
        "como",
        "pero",
        "esta",
        "este",
        "esto",
        "estos",
        "estas",
        "pues",
        "porque",
        "cuando",
        "donde",
        "sobre",
        "tiene",
        "hace",
        "todo",
        "isso",
        "esse",
        "essa",
        "mais",
        "para",
        "como",
        "pelo",
        "pela",
        "quando",
        "onde",
        "sobre",
        "muito",
        "voce",
        "tudo",
    ]
)


# Evidence a reader may give too: a link to a site the defaults do not list, a shortened or
# messaging link (a group, a petition, a newsroom's channel), a phone number or an address (a
# helpline). Where a link points is never enough by itself: it holds only for a comment that
# reads like spam without it (SpamResult.verdict); these are the features whose weight is left
# out to tell.
WEAK_EVIDENCE = frozenset(
    {
        "link.unknown",
        "link.commercial",
        "link.shortener",
        "link.messaging",
        "contact.phone",
        "contact.email",
    }
)
_WEAK_FEATURES = tuple(
    checks.FEATURE_NAMES.index(name)
    for name in (
        "link.unknown",
        "link.commercial",
        "link.shortener",
        "link.messaging",
        "phone",
        "email",
    )
)


# Longer than the text model has learned from: of the 18,528 training texts, 14 have 300 words
# or more (none in the YouTube, SMS or our own corpora). Its reading of such a comment is an
# extrapolation, so there the folder needs evidence that does not rest on it
# (`SpamResult.verdict`).
LONG_WORDS = 300
# Strong signals that a long comment needs more than: the words of ordinary advertising and
# calls to action ("click here", "visit our website", "call now") and asks for likes are the
# whole of a short promotion, but one sentence of a long comment that argues, quotes or passes
# on a notice.
SHORT_ONLY = frozenset({"phrase.promotion", "phrase.engagement_bait"})


class Verdict(enum.StrEnum):
    """Where the scores and signals put a comment."""

    SPAM = "spam"  # the spam folder: high score and a spam-specific signal
    LIKELY = "likely"  # pending, marked likely spam: more likely spam than not, folder aside
    CLEAN = "clean"


@dataclass(frozen=True, slots=True)
class SpamContext:
    """Facts the pipeline knows from the database or the request; all optional."""

    article_language: str | None = None
    comment_language: str | None = None
    repeats_recent_comment: bool = False  # equals a comment posted recently
    recent_posts_from_client: int = 0  # same hashed client, last 10 minutes, this one excluded
    author_marked_spam: bool = False  # a moderator put an earlier comment of this author in spam
    article_topic: str | None = None  # the article's title and description, when it has one
    site_domains: tuple[str, ...] = ()  # the site's own domains (the article's address)


@dataclass(frozen=True)
class Tokens:
    """One comment read once: its n-grams and signals."""

    word: Counter[str]
    char_rows: Rows  # the character n-grams the bundled vocabulary knows, as rows
    signals: checks.Signals
    prepared: str
    char_range: tuple[int, int]
    words: int  # how many words the model read

    @functools.cached_property
    def char(self) -> Counter[str]:
        """Every character n-gram, known or not (for site learning and explanations)."""
        low, high = self.char_range
        return Counter(char_grams(self.prepared, low, high))


@dataclass(frozen=True, slots=True)
class SpamResult:
    """A score in 0..1, the reasons, and whether any of them is spam-specific evidence.

    `wording_score` leaves out what links to unknown and commercial sites, phone numbers and
    addresses added: readers give those too (a source the defaults cannot list, a helpline), so
    they are evidence only for a comment that reads like spam without them.
    """

    score: float
    wording_score: float
    reasons: tuple[Reason, ...]
    model_version: str
    borderline: float
    # A strong signal the score cannot have counted and that lowers the bar to the borderline
    # (`Signals.unscored`): self-promotion or an offer of easy money in the commenter's words,
    # or an address broken up with spaces.
    unscored: bool = False
    # At least LONG_WORDS words: longer than the text model has learned from.
    long: bool = False

    @property
    def evidence(self) -> bool:
        """Whether a spam-specific signal holds (only then may the comment go to spam)."""
        return any(reason.evidence for reason in self.reasons)

    def verdict(self, threshold: float) -> Verdict:
        """Where the comment goes at this spam-folder threshold.

        The spam folder needs a score at the threshold and a spam-specific signal. When the only
        signals are weak ones (where a link or a contact leads), the wording must be suspicious
        in itself: without what they added, the score must still reach the borderline, so a
        reader citing a source, a group or a helpline is never hidden for it. Self-promotion in
        the commenter's own words, or an address broken up with spaces, is no model input
        (`unscored`): the score cannot have counted it, so with it the borderline is enough for
        the folder. Any other comment the model finds more likely spam than not (the borderline,
        0.5), or that shows a strong signal (a solicitation, a bare link to a place, a
        disguise), waits in the queue marked likely spam: a moderator decides.

        A comment longer than the text model has learned from (`long`) goes to the folder only
        with a score at the threshold and a strong signal other than advertising words or asks
        for likes (`SHORT_ONLY`): neither the model's reading of its wording nor one such
        sentence among hundreds of words is enough to hide it.
        """
        strong = any(r.evidence and r.code not in WEAK_EVIDENCE for r in self.reasons)
        if self.long:
            folder = self.score >= threshold and any(
                r.evidence and r.code not in WEAK_EVIDENCE and r.code not in SHORT_ONLY
                for r in self.reasons
            )
        else:
            folder = (
                self.score >= threshold
                and (strong or (self.evidence and self.wording_score >= self.borderline))
            ) or (self.unscored and self.score >= self.borderline)
        if folder:
            return Verdict.SPAM
        if strong or self.score >= self.borderline:
            return Verdict.LIKELY
        return Verdict.CLEAN


def sigmoid(x: float) -> float:
    """The logistic function, without overflow."""
    if x >= 0:
        return 1.0 / (1.0 + math.exp(-x))
    z = math.exp(x)
    return z / (1.0 + z)


@dataclass
class SiteWeights:
    """What a site's moderators taught, added to the bundled model's logit.

    `weights` keys are "w:<word n-gram>" and "c:<char n-gram>" (tokens the bundled vocabulary may
    lack: a new spam brand is learned too); `domains` is the reputation of each linked domain.
    """

    weights: dict[str, float] = field(default_factory=dict)
    bias: float = 0.0
    decisions: int = 0
    spam: int = 0
    domains: dict[str, tuple[int, int]] = field(default_factory=dict)  # domain -> (genuine, spam)

    def logit(self, tok: Tokens) -> float:
        """The site's correction for one comment."""
        if not self.weights and not self.bias:
            return 0.0
        total = self.bias
        for key, value in site_vector(tok).items():
            weight = self.weights.get(key)
            if weight is not None:
                total += weight * value
        return total


def site_vector(tok: Tokens) -> dict[str, float]:
    """Sublinear term frequencies, l2-normalised per block, over every token (no idf)."""
    vector: dict[str, float] = {}
    for prefix, counts in (("w:", tok.word), ("c:", tok.char)):
        values = {t: 1.0 + math.log(c) for t, c in counts.items()}
        norm = math.sqrt(sum(v * v for v in values.values())) or 1.0
        for token, value in values.items():
            vector[prefix + token] = value / norm
    return vector


class SpamModel:
    """The bundled text model with the site's learned weights and reputation; thread-safe."""

    def __init__(
        self, text: TextModel, meta: Mapping[str, Any], site: SiteWeights | None = None
    ) -> None:
        self.text = text
        self.meta = dict(meta)
        self.site = site or SiteWeights()
        self.threshold: float = float(meta["threshold"])
        self.borderline: float = float(meta["borderline"])
        self.version: str = str(meta["version"])
        self.destinations = Destinations(
            learned={d: Reputation(g, s) for d, (g, s) in self.site.domains.items()}
        )

    # -- reading -------------------------------------------------------------------------------

    def tokens(self, body: str, destinations: Destinations | None = None) -> Tokens:
        """Read a body once: normalise, find the signals, make the n-grams."""
        normalised = texts.normalise(body)
        folded = texts.fold(normalised.text)
        prepared = prepare(folded)
        tokens = words(prepared)
        return Tokens(
            word=Counter(word_grams(tokens)),
            char_rows=self.text.char_rows(prepared),
            signals=checks.extract(normalised, folded, tokens, destinations or self.destinations),
            prepared=prepared,
            char_range=self.text.char_range,
            words=len(tokens),
        )

    def text_logit(self, tok: Tokens, word_logit: float | None = None) -> float:
        """The bundled model's decision function for one comment (the scikit-learn pipeline's).

        `word_logit`: the word block's part, when the caller has it already.
        """
        if word_logit is None:
            word_logit = self.text.word.logit(tok.word)
        logit = self.text.intercept + word_logit + self.text.char.logit_of_rows(tok.char_rows)
        for weight, value in zip(self.text.signal_coef, tok.signals.values, strict=True):
            logit += weight * value
        return logit

    # -- scoring -------------------------------------------------------------------------------

    def score(self, body: str, context: SpamContext | None = None) -> SpamResult:
        """Score one comment body; the commenter's email and name are never inputs."""
        context = context or SpamContext()
        destinations = self.destinations.with_site(context.site_domains)
        tok = self.tokens(body, destinations)
        reasons = list(tok.signals.reasons)
        word = self.text.word.parts(tok.word)
        logit = self.text_logit(tok, word.logit) + self.site.logit(tok)
        logit += max(
            (DESTINATION_LOGIT.get(link.destination, 0.0) for link in tok.signals.links),
            default=0.0,
        )
        for reason, value in _context_signals(context, tok):
            reasons.append(reason)
            logit += value
        score = sigmoid(logit)
        links = sum(
            max(0.0, self.text.signal_coef[i] * tok.signals.values[i]) for i in _WEAK_FEATURES
        )
        if score >= self.borderline:
            words = self.spam_words(tok, word.contributions())
            if words:
                reasons.append(Reason("text.wording", {"words": words}))
        return SpamResult(
            score,
            sigmoid(logit - links),
            tuple(reasons),
            self.version,
            self.borderline,
            tok.signals.unscored,
            tok.words >= LONG_WORDS,
        )

    def spam_words(self, tok: Tokens, contributions: dict[str, float]) -> list[str]:
        """The words that pushed the score up most, when the wording pushed it up clearly.

        A word is credited with its share of the word block (`contributions`, which this adds
        to) and what the site learned about it (the character n-grams are left out: summing
        them per word costs more than the score). Only for comments worth explaining.
        """
        for key, weight in self.site.weights.items():
            if key.startswith("w:") and key[2:] in tok.word:
                contributions[key[2:]] = contributions.get(key[2:], 0.0) + weight
        ranked = sorted(
            (
                (value, word)
                for word, value in contributions.items()
                if value >= WORDING_MIN_WORD
                and len(word) > 3
                and word.isalpha()
                and word not in _STOPWORDS
            ),
            reverse=True,
        )
        if sum(value for value, _ in ranked) < WORDING_LOGIT:
            return []
        return [word for _, word in ranked[:WORDING_WORDS]]


_NOT_SENT_AWAY = frozenset(
    {Destination.REFERENCE, Destination.VIDEO, Destination.SOCIAL, Destination.LEARNED_GENUINE}
)


def _context_signals(context: SpamContext, tok: Tokens) -> list[tuple[Reason, float]]:
    """(reason, logit) for each fact about the request or the article that points to spam."""
    found: list[tuple[Reason, float]] = []
    away = [link.domain for link in tok.signals.links if link.destination not in _NOT_SENT_AWAY]
    if (
        context.article_topic
        and away
        and not relevance.on_topic(context.article_topic, (w for w in tok.word if " " not in w))
    ):
        found.append(
            (
                Reason("context.off_topic_link", {"domain": away[0]}, evidence=True),
                OFF_TOPIC_LINK_LOGIT,
            )
        )
    if context.repeats_recent_comment:
        found.append((Reason("context.repeat", evidence=True), REPEAT_LOGIT))
    if context.author_marked_spam:
        found.append((Reason("context.author_spam", evidence=True), AUTHOR_SPAM_LOGIT))
    article, comment = context.article_language, context.comment_language
    if article and comment and article != comment:
        found.append(
            (
                Reason(
                    "context.language_mismatch", {"language": comment, "article_language": article}
                ),
                LANGUAGE_MISMATCH_LOGIT,
            )
        )
    extra = context.recent_posts_from_client - RATE_FREE_POSTS
    if extra > 0:
        found.append(
            (
                Reason(
                    "context.burst",
                    {"count": context.recent_posts_from_client + 1, "minutes": 10},
                    evidence=context.recent_posts_from_client >= RATE_EVIDENCE_POSTS,
                ),
                min(RATE_LOGIT_MAX, RATE_LOGIT_PER_POST * extra),
            )
        )
    return found
