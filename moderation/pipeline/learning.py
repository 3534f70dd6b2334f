"""The site's spam model: the active version, learning from labels, promotion and rollback.

Moderators' Approve and Spam decisions (and imported history) become `SpamLabel` rows. Once
enough new labels have gathered, a candidate version learns the site's labels (the newest
`LEARNED_LABELS`, less the newest fifth of the approvals) on top of the bundled model and is
judged against the version in use on a fixed pool (our held-out corpora) plus all of those
labels (`moderation.spam.site.judge`): it is kept
only if it sends no more genuine comments, and none more of the site's approved ones, to the
spam folder, and catches no less spam. Each version learns from the bundled model, never from
the previous version, so a run of approvals cannot drift it, and forgetting a label is learning
again without it. Versions live in
the database, so every worker and server scores with the same one and sees a promotion or
rollback with its next comment. A round counts only if it moves the round counter on from what
it read (`SpamLearningState`), so racing learning workers learn each batch exactly once.

Rounds never run in a web request: a decision only adds its label (in the decision's
transaction), and the learning worker (`flask spam worker`) runs `learn` once a batch waits.
"""

from __future__ import annotations

import logging
import threading
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import delete, func, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from models import (
    REASON_LENGTH,
    Comment,
    CommentStatus,
    Decision,
    SpamLabel,
    SpamLearningState,
    SpamModelVersion,
    utcnow,
)
from moderation.spam import SpamModel, site

log = logging.getLogger(__name__)

BUNDLED = "bundled"
# Fewer labels than this teach nothing worth a version (the batch is normally larger).
MIN_LABELS = 2
# A candidate learns, and is judged on, the site's newest labels up to this many (plus the fixed
# pool): enough to see one approved comment in a thousand go wrong, a round in seconds.
LEARNED_LABELS = 2000
# A learning worker looks every 30 s (or every minute from cron) and a round takes up to a minute
# or two: a due round with no worker seen for this long means none is running.
WORKER_SILENT = timedelta(minutes=10)


def label_decision(session: Session, comment: Comment, decision: Decision) -> None:
    """Record the training label a decision implies: Approve is ham, Spam is spam, else none."""
    if decision.to_status in (CommentStatus.APPROVED, CommentStatus.SPAM):
        session.add(
            SpamLabel(
                text=comment.body,
                is_spam=decision.to_status is CommentStatus.SPAM,
                source="decision",
                decision=decision,
            )
        )


def import_labels(session: Session, examples: Sequence[tuple[str, bool]]) -> int:
    """Add imported history as labels, exactly like moderators' decisions; returns how many."""
    session.add_all(SpamLabel(text=text, is_spam=spam, source="import") for text, spam in examples)
    return len(examples)


class SiteModels:
    """The bundled model plus the site's versions, loaded once per process per version.

    Loaded versions are keyed by their `uid`, which is never reused (row ids can be), so a
    worker never scores with a stale version.
    """

    KEEP = 4  # versions kept in memory: the active one and a few just replaced

    def __init__(self, base: SpamModel) -> None:
        self.base = base
        self._loaded: OrderedDict[str, SpamModel] = OrderedDict()
        self._lock = threading.Lock()

    def active_uid(self, session: Session) -> str | None:
        """The uid of the active version, None when the site scores with the bundled model."""
        return session.scalar(select(SpamModelVersion.uid).where(SpamModelVersion.is_active))

    def model_for(self, session: Session, uid: str | None) -> SpamModel:
        """The model of the version `uid` (None: bundled)."""
        if uid is None:
            return self.base
        with self._lock:
            if uid in self._loaded:
                self._loaded.move_to_end(uid)
                return self._loaded[uid]
        row = session.scalar(select(SpamModelVersion).where(SpamModelVersion.uid == uid))
        if row is None:  # removed since the caller read it (a forgotten author): bundled
            return self.base
        if row.base_version == self.base.version:
            model = self.build(row)
        else:
            # Corrections fitted on top of another bundled model (before an upgrade) could
            # misfire on this one: score with the bundled model until `spam relearn` has run.
            log.warning(
                "spam model %s was learned on %s, not the bundled %s: using the bundled model",
                row.version,
                row.base_version,
                self.base.version,
            )
            model = self.base
        with self._lock:
            self._loaded[uid] = model
            while len(self._loaded) > self.KEEP:
                self._loaded.popitem(last=False)
        return model

    def active(self, session: Session) -> SpamModel:
        """The model the site scores with now."""
        return self.model_for(session, self.active_uid(session))

    def build(self, row: SpamModelVersion) -> SpamModel:
        """A stored version as a model: the bundled tables plus its site weights."""
        meta = {**self.base.meta, "version": row.version, "base_version": row.base_version}
        return SpamModel(self.base.text, meta, site.site_weights_from_json(row.site_weights))


@dataclass(frozen=True)
class Outcome:
    """What one learning round did."""

    version: SpamModelVersion
    learned: int


def waiting_labels(session: Session) -> int:
    """Labels gathered since the last learning round."""
    attempted = session.scalar(select(func.max(SpamModelVersion.last_label_id))) or 0
    return session.scalar(select(func.count(SpamLabel.id)).where(SpamLabel.id > attempted)) or 0


@dataclass(frozen=True)
class Backlog:
    """What waits for the learning worker, and when a worker last looked for it."""

    waiting: int  # labels since the last round
    batch: int
    requested_at: datetime | None  # a round asked for whatever the batch (an erasure)
    checked_at: datetime | None  # when a learning worker last looked; None: never

    @property
    def due(self) -> bool:
        """Whether the next pass of a learning worker runs a round."""
        return self.requested_at is not None or (self.waiting > 0 and self.waiting >= self.batch)

    def worker_silent(self, now: datetime) -> bool:
        """A round is due and no learning worker has looked for one lately (or ever)."""
        return self.due and (self.checked_at is None or now - self.checked_at > WORKER_SILENT)


def backlog(session: Session, batch: int) -> Backlog:
    """The labels waiting for a round of `batch`, and what the learning worker last did."""
    state = session.execute(
        select(SpamLearningState.requested_at, SpamLearningState.checked_at).where(
            SpamLearningState.id == 1
        )
    ).first()
    requested, checked = (state.requested_at, state.checked_at) if state else (None, None)
    return Backlog(waiting_labels(session), batch, _aware(requested), _aware(checked))


def _aware(moment: datetime | None) -> datetime | None:
    """A stored time as aware UTC (SQLite hands back naive datetimes, all UTC)."""
    return moment.replace(tzinfo=UTC) if moment and moment.tzinfo is None else moment


def checked(session: Session, now: datetime | None = None) -> None:
    """Note that a learning worker looked for a round (commit it before the round itself, so the
    round's long transaction holds no lock on the state row until it claims its round)."""
    _set_state(session, checked_at=now or utcnow())


def _rounds(session: Session) -> tuple[int, bool]:
    """The learning round counter, created on first use, and whether a round was requested."""
    query = select(SpamLearningState.rounds, SpamLearningState.requested_at).where(
        SpamLearningState.id == 1
    )
    if (row := session.execute(query).first()) is not None:
        return row.rounds, row.requested_at is not None
    # The very first round: a worker racing to create it too waits for this transaction, then
    # fails its insert and reads the counter this round moved on, so it learns nothing.
    try:
        with session.begin_nested():
            session.execute(insert(SpamLearningState).values(id=1, rounds=0))
    except IntegrityError:
        pass
    row = session.execute(query).first()
    return (row.rounds, row.requested_at is not None) if row is not None else (0, False)


def _set_state(session: Session, **values: Any) -> None:
    """Update the state row (created on first use)."""
    _rounds(session)
    session.execute(
        update(SpamLearningState)
        .where(SpamLearningState.id == 1)
        .values(**values)
        .execution_options(synchronize_session=False)
    )


def _claim(session: Session, seen: int) -> bool:
    """Move the round counter from `seen` on, answering any request for a round; False if
    another round (or an erasure) got there first."""
    result = session.execute(
        update(SpamLearningState)
        .where(SpamLearningState.id == 1, SpamLearningState.rounds == seen)
        .values(rounds=seen + 1, requested_at=None)
        .execution_options(synchronize_session=False)
    )
    return getattr(result, "rowcount", 0) == 1


def learn(
    session: Session,
    models: SiteModels,
    batch: int,
    threshold: float | None = None,
    force: bool = False,
) -> Outcome | None:
    """Learn a candidate version when `batch` new labels have gathered, or a round was requested
    (or now, if `force`).

    Adds the candidate to the session, active if promoted; the caller commits. Returns None
    when there was nothing to learn, or when another worker (or an erasure) took this round
    first. Takes tens of seconds of CPU for a couple of thousand labels: the learning worker's
    job, never a web request's.
    """
    seen, requested = _rounds(session)
    waiting = waiting_labels(session)
    if not force and not requested and (not waiting or waiting < batch):
        return None
    newest = select(SpamLabel).order_by(SpamLabel.id.desc()).limit(LEARNED_LABELS)
    labels = list(reversed(session.scalars(newest).all()))
    if len(labels) < MIN_LABELS:
        if requested:
            _claim(session, seen)  # the request is answered: too few labels left to learn
        return None
    examples = [(label.text, label.is_spam) for label in labels]
    # The newest approvals are held out: the candidate is judged on readers it has not learned,
    # so what it would do to the next genuine comments shows (they are learned a round later).
    genuine = [n for n, label in enumerate(labels) if not label.is_spam]
    held = set(genuine[-max(1, len(genuine) // 5) :]) if len(genuine) >= 2 else set()
    learned = [example for n, example in enumerate(examples) if n not in held]
    active = session.scalar(select(SpamModelVersion).where(SpamModelVersion.is_active))
    current = models.model_for(session, active.uid if active else None)
    candidate = site.learn(models.base, learned)
    cut = current.threshold if threshold is None else threshold
    judgement = site.judge(current, candidate, site.validation_pool(), examples, cut)
    if not _claim(session, seen):
        log.info("another worker learned this batch of spam labels first")
        return None
    row = SpamModelVersion(
        version=_unique_version(session, candidate.version),
        base_version=str(candidate.meta.get("base_version", models.base.version)),
        site_weights=site.site_weights_as_json(candidate.site),
        last_label_id=labels[-1].id,
        metrics={
            "active": current.version,
            "learned": len(learned),
            "held_out": len(held),
            **judgement.params,
        },
        promoted=judgement.promoted,
        reason=judgement.code[:REASON_LENGTH],
    )
    if judgement.promoted:
        _deactivate_all(session)
        row.is_active = True
    session.add(row)
    log.info("spam model %s: %s %s", row.version, judgement.code, judgement.params)
    return Outcome(row, len(learned))


def forget_labels(session: Session, labels: Sequence[int], now: datetime | None = None) -> int:
    """Delete these labels and every version that learned from them; if the active one went, ask
    the learning worker for a round that learns the rest again.

    Every version from the first that saw a deleted label may carry something of it: all of
    those go. Until that round has learned what remains (judged like any candidate), the newest
    remaining promoted version, or the bundled model, is active. Returns how many versions were
    dropped; the caller commits.
    """
    if not labels:
        return 0
    # Moving the round counter on first makes a round in flight, which may have read these
    # labels, discard its candidate; on PostgreSQL a round that claimed first holds this row
    # until it commits, so its version is among those found below.
    _set_state(session, rounds=SpamLearningState.rounds + 1)
    first = min(labels)
    session.execute(delete(SpamLabel).where(SpamLabel.id.in_(labels)))
    tainted = session.scalars(
        select(SpamModelVersion).where(SpamModelVersion.last_label_id >= first)
    ).all()
    if not tainted:
        return 0
    was_active = any(row.is_active for row in tainted)
    for row in tainted:
        session.delete(row)
    session.flush()
    if was_active:
        fallback = session.scalar(
            select(SpamModelVersion)
            .where(SpamModelVersion.promoted)
            .order_by(SpamModelVersion.id.desc())
            .limit(1)
        )
        if fallback is not None:
            fallback.is_active = True
        _set_state(session, requested_at=now or utcnow())
    return len(tainted)


def rollback(session: Session, version: str | None = None) -> str:
    """Activate `version` (a promoted one, or "bundled"), or the one before the active one.

    Returns the name of the version now active. The caller commits.
    """
    active = session.scalar(select(SpamModelVersion).where(SpamModelVersion.is_active))
    if version is None:
        if active is None:
            raise LookupError("the site already scores with the bundled model")
        target = session.scalar(
            select(SpamModelVersion)
            .where(SpamModelVersion.promoted, SpamModelVersion.id < active.id)
            .order_by(SpamModelVersion.id.desc())
            .limit(1)
        )
    elif version == BUNDLED:
        target = None
    else:
        target = session.scalar(select(SpamModelVersion).where(SpamModelVersion.version == version))
        if target is None:
            raise LookupError(f"no spam model version {version!r}")
        if not target.promoted:
            raise LookupError(f"version {version!r} was refused at promotion")
    _deactivate_all(session)
    if target is None:
        return BUNDLED
    session.flush()  # the unique index allows one active row: clear the old one first
    target.is_active = True
    return target.version


def versions(session: Session) -> list[SpamModelVersion]:
    """Every stored version, newest first."""
    return list(session.scalars(select(SpamModelVersion).order_by(SpamModelVersion.id.desc())))


def _deactivate_all(session: Session) -> None:
    session.execute(
        update(SpamModelVersion).where(SpamModelVersion.is_active).values(is_active=False)
    )


def _unique_version(session: Session, name: str) -> str:
    taken = set(
        session.scalars(
            select(SpamModelVersion.version).where(SpamModelVersion.version.startswith(name))
        )
    )
    if name not in taken:
        return name
    suffix = 2
    while f"{name}.{suffix}" in taken:
        suffix += 1
    return f"{name}.{suffix}"
