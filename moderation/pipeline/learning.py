"""The site's spam model: the active version, learning from labels, promotion and rollback.

Moderators' Approve and Spam decisions (and imported history) become `SpamLabel` rows. Once
enough new labels have gathered, a candidate version learns from them, except the newest fifth,
which is held out: the candidate replaces the active version only if it scores at least as well
as the active one on those held-out labels. Versions live in the database, so every worker and
server scores with the same one and sees a promotion or rollback with its next comment.
"""

from __future__ import annotations

import dataclasses
import logging
import threading
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from models import REASON_LENGTH, Comment, CommentStatus, Decision, SpamLabel, SpamModelVersion
from moderation.spam import SpamModel, promotion_check
from moderation.spam.model import SiteWeights

log = logging.getLogger(__name__)

HOLDOUT_SHARE = 0.2
BUNDLED = "bundled"


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
    """The bundled model plus the site's versions, loaded once per process per version."""

    KEEP = 4  # versions kept in memory: the active one and a few just replaced

    def __init__(self, base: SpamModel) -> None:
        self.base = base
        self._loaded: dict[int, SpamModel] = {}
        self._lock = threading.Lock()

    def active_id(self, session: Session) -> int | None:
        """The id of the active version, None when the site scores with the bundled model."""
        return session.scalar(select(SpamModelVersion.id).where(SpamModelVersion.is_active))

    def model_for(self, session: Session, version_id: int | None) -> SpamModel:
        """The model of version `version_id` (None: bundled)."""
        if version_id is None:
            return self.base
        with self._lock:
            if version_id in self._loaded:
                return self._loaded[version_id]
        row = session.get_one(SpamModelVersion, version_id)
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
            self._loaded[version_id] = model
            while len(self._loaded) > self.KEEP:
                del self._loaded[min(self._loaded)]
        return model

    def active(self, session: Session) -> SpamModel:
        """The model the site scores with now."""
        return self.model_for(session, self.active_id(session))

    def build(self, row: SpamModelVersion) -> SpamModel:
        """A stored version as a model: the bundled pipeline plus its site weights."""
        site = SiteWeights(**row.site_weights)
        meta = {
            **self.base.meta,
            "version": row.version,
            "base_version": row.base_version,
            "learned": {"decisions": site.decisions, "spam": site.spam},
        }
        return SpamModel(self.base.pipeline, meta, site)


@dataclass(frozen=True)
class Outcome:
    """What one learning round did."""

    version: SpamModelVersion
    learned: int
    held_out: int


def waiting_labels(session: Session) -> int:
    """Labels gathered since the last learning round."""
    attempted = session.scalar(select(func.max(SpamModelVersion.last_label_id))) or 0
    return session.scalar(select(func.count(SpamLabel.id)).where(SpamLabel.id > attempted)) or 0


def learn(
    session: Session,
    models: SiteModels,
    batch: int,
    force: bool = False,
    from_scratch: bool = False,
) -> Outcome | None:
    """Learn a candidate version when `batch` new labels have gathered (or now, if `force`).

    `from_scratch` learns every label on top of the bundled model, as after an upgrade of the
    bundled model. Adds the candidate to the session, active if promoted; the caller commits.
    """
    waiting = waiting_labels(session)
    if not from_scratch and (not waiting or (waiting < batch and not force)):
        return None
    active = session.scalar(select(SpamModelVersion).where(SpamModelVersion.is_active))
    if active is not None and active.base_version != models.base.version:
        from_scratch = True  # its corrections belong to another bundled model
    start = 0 if from_scratch or active is None else active.last_label_id
    labels = list(
        session.scalars(select(SpamLabel).where(SpamLabel.id > start).order_by(SpamLabel.id))
    )
    held = max(1, round(len(labels) * HOLDOUT_SHARE))
    train, holdout = labels[:-held], labels[-held:]
    if not train:
        return None
    current = models.model_for(session, active.id if active else None)
    start_from = models.base if from_scratch else current
    candidate = start_from.learn([(label.text, label.is_spam) for label in train])
    recent = [(label.text, label.is_spam) for label in holdout]
    promoted, reason = promotion_check(current, candidate, recent)
    row = SpamModelVersion(
        version=_unique_version(session, candidate.version),
        base_version=str(candidate.meta.get("base_version", models.base.version)),
        site_weights=dataclasses.asdict(candidate.site),
        last_label_id=train[-1].id,
        metrics={
            "active": current.version,
            "active_metrics": current.evaluate(recent).as_dict(),
            "candidate_metrics": candidate.evaluate(recent).as_dict(),
            "learned": len(train),
            "held_out": len(holdout),
        },
        promoted=promoted,
        reason=reason[:REASON_LENGTH],
    )
    if promoted:
        _deactivate_all(session)
        row.is_active = True
    session.add(row)
    log.info("spam model %s %s: %s", row.version, "promoted" if promoted else "refused", reason)
    return Outcome(row, len(train), len(holdout))


def learn_quietly(session: Session, models: SiteModels, batch: int) -> Outcome | None:
    """`learn` and commit; a failure is logged and never undoes the moderators' decisions."""
    try:
        outcome = learn(session, models, batch)
        session.commit()
    except Exception:
        session.rollback()
        log.exception("learning from moderators' decisions failed; will retry with the next")
        return None
    return outcome


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
            raise LookupError(f"version {version!r} was refused at promotion: {target.reason}")
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
