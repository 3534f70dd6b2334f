"""Learning a site's spam from its moderators, and judging whether what was learned may be used.

The bundled model stays fixed; a site learns corrections added to its logit (logistic regression
with the bundled logit as offset, over every word and character n-gram of the decided comments),
and a reputation for each linked domain. Fitted with NumPy alone (a small L-BFGS), so a worker
never loads SciPy.

A candidate is judged on a fixed pool (our held-out corpora, bundled with the code) plus the
site's labels: it is refused if it sends more genuine comments to the spam folder (any one more,
and above all one the site approved), or if it catches fewer spam comments than the version in
use beyond two in a hundred (learning moves a few borderline cases; a version that unlearned
obvious spam loses many). The verdict keeps the counts.
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from moderation.spam import corpora
from moderation.spam import text as texts
from moderation.spam.destinations import registered_domain
from moderation.spam.scoring import SiteWeights, SpamModel, Verdict, site_vector

# How firmly each token's correction is pulled back to zero (L2); tokens are l2-normalised, so
# weights of several units are needed before one token moves a score.
SITE_L2 = 0.003
# The bias moves every comment at once: a few approved comments that the bundled model disliked
# must not lower the score of all spam, so it is held far more firmly than any token.
SITE_BIAS_L2 = 30.0

Array = np.ndarray[Any, np.dtype[np.float64]]


def _lbfgs(
    loss: Callable[[Array], tuple[float, Array]],
    start: Array,
    iterations: int = 300,
    memory: int = 10,
) -> Array:
    """Minimise a smooth convex `loss` (value, gradient) with L-BFGS and backtracking."""
    x = start.copy()
    value, grad = loss(x)
    steps: list[tuple[Array, Array, float]] = []
    for _ in range(iterations):
        if float(np.max(np.abs(grad))) < 1e-6:
            break
        # Two-loop recursion: the direction of the inverse-Hessian estimate.
        q = grad.copy()
        alphas = []
        for s, y, rho in reversed(steps):
            alpha = rho * float(s @ q)
            alphas.append(alpha)
            q -= alpha * y
        if steps:
            s, y, _ = steps[-1]
            q *= float(s @ y) / float(y @ y)
        for (s, y, rho), alpha in zip(steps, reversed(alphas), strict=True):
            q += s * (alpha - rho * float(y @ q))
        direction = -q
        slope = float(grad @ direction)
        if slope >= 0:  # not a descent direction: start again from the gradient
            steps.clear()
            direction, slope = -grad, -float(grad @ grad)
        step = 1.0
        while True:
            candidate = x + step * direction
            new_value, new_grad = loss(candidate)
            if new_value <= value + 1e-4 * step * slope or step < 1e-10:
                break
            step *= 0.5
        s, y = candidate - x, new_grad - grad
        if float(s @ y) > 1e-12:
            steps.append((s, y, 1.0 / float(s @ y)))
            del steps[:-memory]
        improvement = value - new_value
        x, value, grad = candidate, new_value, new_grad
        if improvement <= 1e-10 * max(1.0, abs(value)):
            break
    return x


def fit_corrections(
    vectors: Sequence[dict[str, float]],
    offsets: Sequence[float],
    labels: Sequence[bool],
    previous: SiteWeights,
) -> tuple[dict[str, float], float]:
    """Logistic regression on the bundled logit as offset, regularised towards previous weights.

    Returns the new token weights and bias.
    """
    keys = sorted({k for v in vectors for k in v} | set(previous.weights))
    index = {k: i for i, k in enumerate(keys)}
    rows = np.array([r for r, v in enumerate(vectors) for _ in v], dtype=np.int64)
    cols = np.array([index[k] for v in vectors for k in v], dtype=np.int64)
    vals = np.array([x for v in vectors for x in v.values()], dtype=np.float64)
    n, k = len(vectors), len(keys)
    prior = np.array([previous.weights.get(key, 0.0) for key in keys])
    y = np.where(np.asarray(labels), 1.0, -1.0)
    offset = np.asarray(offsets, dtype=np.float64)
    n_spam = int(sum(labels))
    # Balanced classes: a site that mostly approves must not learn that everything is genuine.
    sample = np.where(y > 0, n / (2 * max(n_spam, 1)), n / (2 * max(n - n_spam, 1)))

    def loss(theta: Array) -> tuple[float, Array]:
        w, b = theta[:-1], theta[-1]
        margin = y * (np.bincount(rows, weights=vals * w[cols], minlength=n) + b + offset)
        sig = -y * sample / (1.0 + np.exp(np.clip(margin, -500, 500)))
        diff = w - prior
        value = float(sample @ np.logaddexp(0.0, -margin)) + 0.5 * SITE_L2 * float(diff @ diff)
        value += 0.5 * SITE_BIAS_L2 * (b - previous.bias) ** 2
        grad_w = np.bincount(cols, weights=vals * sig[rows], minlength=k) + SITE_L2 * diff
        grad_b = float(sig.sum()) + SITE_BIAS_L2 * (b - previous.bias)
        return value, np.concatenate([grad_w, [grad_b]])

    theta = _lbfgs(loss, np.concatenate([prior, [previous.bias]]))
    weights = {key: float(theta[i]) for key, i in index.items() if abs(theta[i]) > 1e-6}
    return weights, float(theta[-1])


def linked_domains(body: str) -> set[str]:
    """The registered domains a body links to or gives an address at."""
    normalised = texts.normalise(body).text
    found = {registered_domain(link.host) for link in texts.links(normalised)}
    return found | {registered_domain(domain) for domain in texts.emails(normalised)}


def learn(model: SpamModel, examples: Sequence[tuple[str, bool]]) -> SpamModel:
    """A new model that has also learned these moderator labels (True = spam).

    Works from the model's current corrections, which pull the new ones towards themselves; the
    site learns every round from the bundled model (`pipeline.learning`).
    """
    examples = [(body, bool(spam)) for body, spam in examples if body.strip()]
    if not examples:
        return model
    toks = [model.tokens(body) for body, _ in examples]
    weights, bias = fit_corrections(
        [site_vector(tok) for tok in toks],
        [model.text_logit(tok) for tok in toks],
        [spam for _, spam in examples],
        model.site,
    )
    domains = dict(model.site.domains)
    for body, spam in examples:
        for domain in linked_domains(body):
            genuine, spammy = domains.get(domain, (0, 0))
            domains[domain] = (genuine + (not spam), spammy + spam)
    decisions = model.site.decisions + len(examples)
    site = SiteWeights(
        weights=weights,
        bias=bias,
        decisions=decisions,
        spam=model.site.spam + sum(spam for _, spam in examples),
        domains=domains,
    )
    digest = hashlib.sha256(
        json.dumps([model.version, examples], ensure_ascii=False).encode()
    ).hexdigest()[:8]
    base = str(model.meta.get("base_version", model.version))
    meta = {**model.meta, "base_version": base, "version": f"{base}+site{decisions}-{digest}"}
    return SpamModel(model.text, meta, site)


def site_weights_as_json(site: SiteWeights) -> dict[str, Any]:
    """What a version row stores."""
    data = dataclasses.asdict(site)
    data["domains"] = {domain: list(counts) for domain, counts in site.domains.items()}
    return data


def site_weights_from_json(data: dict[str, Any]) -> SiteWeights:
    """The inverse of `site_weights_as_json`; rows written before domains were learned load too."""
    return SiteWeights(
        weights={str(k): float(v) for k, v in data.get("weights", {}).items()},
        bias=float(data.get("bias", 0.0)),
        decisions=int(data.get("decisions", 0)),
        spam=int(data.get("spam", 0)),
        domains={str(d): (int(c[0]), int(c[1])) for d, c in data.get("domains", {}).items()},
    )


# -- judging a candidate --------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Counts:
    """How one model decides a set of labelled comments."""

    genuine: int
    genuine_to_spam: int  # genuine comments the model sends to the spam folder
    site_genuine_to_spam: int  # of those, the site's own approved comments
    spam: int
    spam_caught: int  # spam comments in the spam folder or marked likely spam


def count(
    model: SpamModel,
    pool: Sequence[tuple[str, bool]],
    site: Sequence[tuple[str, bool]],
    threshold: float,
) -> Counts:
    """Count a model's decisions on the fixed pool plus the site's labels."""
    genuine_to_spam = site_genuine_to_spam = caught = 0
    for n, (body, spam) in enumerate([*site, *pool]):
        verdict = model.score(body).verdict(threshold)
        if spam:
            caught += verdict in (Verdict.SPAM, Verdict.LIKELY)
        elif verdict is Verdict.SPAM:
            genuine_to_spam += 1
            site_genuine_to_spam += n < len(site)
    spam_total = sum(spam for _, spam in [*site, *pool])
    return Counts(
        genuine=len(site) + len(pool) - spam_total,
        genuine_to_spam=genuine_to_spam,
        site_genuine_to_spam=site_genuine_to_spam,
        spam=spam_total,
        spam_caught=caught,
    )


@dataclass(frozen=True, slots=True)
class Judgement:
    """Whether a candidate may replace the version in use, as a reason code with counts."""

    promoted: bool
    code: str
    params: dict[str, int]


def judge(
    current: SpamModel,
    candidate: SpamModel,
    pool: Sequence[tuple[str, bool]],
    site: Sequence[tuple[str, bool]],
    threshold: float,
) -> Judgement:
    """Compare two models on the pool and the site's labels (see the module docstring)."""
    before = count(current, pool, site, threshold)
    after = count(candidate, pool, site, threshold)
    params = {
        "n": before.genuine + before.spam,
        "genuine": before.genuine,
        "genuine_to_spam_before": before.genuine_to_spam,
        "genuine_to_spam_after": after.genuine_to_spam,
        "site_genuine_to_spam_before": before.site_genuine_to_spam,
        "site_genuine_to_spam_after": after.site_genuine_to_spam,
        "spam": before.spam,
        "caught_before": before.spam_caught,
        "caught_after": after.spam_caught,
    }
    if after.site_genuine_to_spam > before.site_genuine_to_spam:
        return Judgement(False, "learning.more_approved_to_spam", params)
    if after.genuine_to_spam > before.genuine_to_spam:
        return Judgement(False, "learning.more_genuine_to_spam", params)
    if after.spam_caught < before.spam_caught - max(2, before.spam // 50):
        return Judgement(False, "learning.less_spam_caught", params)
    return Judgement(True, "learning.promoted", params)


@functools.cache
def validation_pool() -> tuple[tuple[str, bool], ...]:
    """Our held-out corpora, bundled with the code: the fixed part of every judgement.

    Never trained on; written by us, so they prove little alone, but they do not move with the
    site's own labels, which is what catches a version that unlearned obvious spam.
    """
    return tuple((e.text, e.spam) for e in corpora.comments("test") + corpora.scams("test"))
