"""`flask spam train|evaluate|learn|relearn|worker|versions|rollback`: the spam filter's command
line, with the learning worker."""

from __future__ import annotations

import json
import logging
import time
from pathlib import Path
from typing import Any

import click
from flask import current_app
from flask.cli import AppGroup

from moderation.extensions import db
from moderation.pipeline import learning
from moderation.reasons import describe
from moderation.services import services
from moderation.spam import (
    LabelledCsvError,
    Metrics,
    SpamContext,
    SpamModel,
    Verdict,
    read_labelled_csv,
)
from moderation.spam.corpora import MissingDataError

log = logging.getLogger(__name__)

spam_cli = AppGroup(
    "spam", help="The spam classifier: train, evaluate, learn from history, manage versions."
)


def site_model() -> SpamModel:
    """The model as the site currently has it: bundled plus the active learned version."""
    return services().spam_models.active(db.session)


def site_threshold(model: SpamModel) -> float:
    """The spam-folder threshold the site uses (`TERTULIA_SPAM_THRESHOLD`, else the model's)."""
    configured: float | None = current_app.config["TERTULIA_SPAM_THRESHOLD"]
    return model.threshold if configured is None else configured


def read_or_fail(file: Path) -> list[tuple[str, bool]]:
    """The labelled rows of FILE, or a clear error naming the bad line (nothing changes)."""
    try:
        return read_labelled_csv(file)
    except LabelledCsvError as error:
        raise click.ClickException(str(error)) from error


@spam_cli.command("train")
@click.option(
    "--data-dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Folder holding spam/ and comments/ "
    "(default: $TERTULIA_SHARED_DATA, else ../shared/data).",
)
def train_command(data_dir: Path | None) -> None:
    """Train the bundled model on the shared corpora and our own corpora."""
    from moderation.spam import training  # scikit-learn is needed here only

    folder = data_dir or training.default_data_dir()
    if not (folder / "spam").is_dir():
        raise click.ClickException(
            f"no shared spam corpora in {folder}: pass --data-dir or set TERTULIA_SHARED_DATA"
        )
    try:
        model, meta = training.train_bundled(folder)
    except MissingDataError as error:
        raise click.ClickException(str(error)) from error
    click.echo(
        f"trained {model.version} on {meta['training']['rows']} rows "
        f"in {meta['training']['seconds']} s"
    )
    for name, metrics in meta["metrics"]["held_out_corpus"].items():
        if isinstance(metrics, dict):
            click.echo(
                f"held-out {name}: n={metrics['n']} precision={metrics['precision']} "
                f"recall={metrics['recall']} MCC={metrics['mcc']}"
            )


def _metrics(pairs: list[tuple[bool, bool]]) -> Metrics:
    return Metrics.from_pairs(pairs)


@spam_cli.command("evaluate")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
@click.option(
    "--threshold", type=click.FloatRange(0, 1), default=None, help="Spam-folder threshold."
)
def evaluate_command(file: Path, as_json: bool, threshold: float | None) -> None:
    """Score the site's model on FILE, a CSV with header text,label (spam/ham or 1/0).

    The top-level metrics are those of the spam-folder decision exactly as the site makes it
    (score, threshold and spam-specific evidence); `caught` counts the spam folder or "likely
    spam" as caught.
    """
    examples = read_or_fail(file)
    model = site_model()
    cut = site_threshold(model) if threshold is None else threshold
    context = SpamContext(site_domains=services().intake.reference_domains)
    verdicts = [(spam, model.score(body, context).verdict(cut)) for body, spam in examples]
    folder = _metrics([(spam, v is Verdict.SPAM) for spam, v in verdicts])
    caught = _metrics([(spam, v in (Verdict.SPAM, Verdict.LIKELY)) for spam, v in verdicts])
    if as_json:
        report: dict[str, Any] = {
            "model_version": model.version,
            "threshold": cut,
            **folder.as_dict(),
            "caught": caught.as_dict(),
        }
        click.echo(json.dumps(report))
        return
    click.echo(f"model {model.version}, spam-folder threshold {cut}")
    click.echo("spam folder (score at the threshold and a spam-specific signal):")
    click.echo(folder.table())
    click.echo("caught (spam folder or likely spam):")
    click.echo(caught.table())


def _verdict(version: Any) -> str:
    """A version's verdict in words."""
    metrics = version.metrics or {}
    return describe(version.reason, {k: v for k, v in metrics.items() if isinstance(v, int)})


def outcome_line(outcome: learning.Outcome) -> str:
    """What a learning round did, in one line."""
    version = outcome.version
    state = "promoted, now active" if version.promoted else "not promoted"
    return (
        f"version {version.version} learned {outcome.learned} labels: {state}. {_verdict(version)}"
    )


def learn_due() -> learning.Outcome | None:
    """Run the learning round that is due, if one is, and commit it: the worker's one step.

    Records first, in its own short transaction, that a worker looked (the spam filter page
    warns when a round is due and none has looked for a while).
    """
    learning.checked(db.session)
    db.session.commit()
    shared = services()
    outcome = learning.learn(
        db.session,
        shared.spam_models,
        shared.learn_batch,
        threshold=current_app.config["TERTULIA_SPAM_THRESHOLD"],
    )
    db.session.commit()
    return outcome


@spam_cli.command("worker")
@click.option("--once", is_flag=True, help="Run the round that is due, if any, then stop (cron).")
@click.option(
    "--interval", default=30.0, show_default=True, help="Seconds between passes of the loop."
)
def worker_command(once: bool, interval: float) -> None:
    """Learn from moderators' decisions: a round whenever TERTULIA_SPAM_LEARN_BATCH new labels
    wait (or an erasure asked for one). Decisions never wait for it; any number may run."""
    while True:
        try:
            outcome = learn_due()
        except Exception as error:  # a failing round must not stop the loop; --once reports it
            db.session.rollback()
            if once:
                raise click.ClickException(f"the learning round failed: {error}") from error
            log.exception("the learning round failed; trying again in %s s", interval)
            outcome = None
        if outcome is not None:
            click.echo(outcome_line(outcome))
        elif once:
            backlog = learning.backlog(db.session, services().learn_batch)
            click.echo(
                f"no learning round due: {backlog.waiting} new label(s), "
                f"a round learns every {backlog.batch}"
            )
        db.session.close()
        if once:
            return
        time.sleep(interval)


@spam_cli.command("learn")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
def learn_command(file: Path) -> None:
    """Import FILE (header text,label) as if moderators had decided it, and learn from it."""
    examples = read_or_fail(file)
    learning.import_labels(db.session, examples)
    db.session.flush()
    model = site_model()
    outcome = learning.learn(
        db.session, services().spam_models, batch=1, threshold=site_threshold(model), force=True
    )
    db.session.commit()
    spam = sum(label for _, label in examples)
    click.echo(f"imported {len(examples)} labels ({spam} spam, {len(examples) - spam} ham)")
    if outcome is None:
        click.echo("not enough labels to learn from yet")
        return
    click.echo(outcome_line(outcome))


@spam_cli.command("relearn")
def relearn_command() -> None:
    """Learn the site's labels again now, on the bundled model (run after upgrading it)."""
    model = site_model()
    outcome = learning.learn(
        db.session, services().spam_models, batch=1, threshold=site_threshold(model), force=True
    )
    db.session.commit()
    if outcome is None:
        click.echo("no labels to learn from yet")
        return
    click.echo(outcome_line(outcome))


@spam_cli.command("versions")
def versions_command() -> None:
    """List the site's learned versions, newest first, with their verdicts."""
    rows = learning.versions(db.session)
    if not any(row.is_active for row in rows):
        click.echo(f"* {learning.BUNDLED} (active)")
    for row in rows:
        mark = "*" if row.is_active else " "
        click.echo(f"{mark} {row.version}  {row.created_at:%Y-%m-%d %H:%M}  {_verdict(row)}")


@spam_cli.command("rollback")
@click.argument("version", required=False)
def rollback_command(version: str | None) -> None:
    """Go back to VERSION (a promoted one, or "bundled"), or to the one before the active."""
    try:
        active = learning.rollback(db.session, version)
    except LookupError as error:
        raise click.ClickException(str(error)) from error
    db.session.commit()
    click.echo(f"active spam model: {active}")
