"""`flask --app wsgi spam train|evaluate|learn|relearn|versions|rollback`: the Flask side."""

from __future__ import annotations

import json
import os
from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup

from moderation.extensions import db
from moderation.pipeline import learning
from moderation.services import services
from moderation.spam.corpora import MissingDataError
from moderation.spam.labelled_csv import LabelledCsvError, read_labelled_csv
from moderation.spam.model import SpamModel

REPO_ROOT = Path(__file__).resolve().parents[2]

spam_cli = AppGroup(
    "spam", help="The spam classifier: train, evaluate, learn from history, manage versions."
)


def default_data_dir() -> Path:
    """`TERTULIA_SHARED_DATA`, else ../shared/data beside the repository."""
    configured = os.environ.get("TERTULIA_SHARED_DATA")
    return Path(configured) if configured else REPO_ROOT.parent / "shared" / "data"


def site_model() -> SpamModel:
    """The model as the site currently has it: bundled plus the active learned version."""

    return services().spam_models.active(db.session)


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
    help="Folder holding spam/youtube, spam/sms-en, spam/sms-pt and spam/es "
    "(default: $TERTULIA_SHARED_DATA, else ../shared/data).",
)
def train_command(data_dir: Path | None) -> None:
    """Train the bundled model on the shared corpora and our own comment corpus."""
    from moderation.spam.train import train_bundled  # sklearn fitting code is only needed here

    folder = data_dir or default_data_dir()
    if not (folder / "spam").is_dir():
        raise click.ClickException(
            f"no shared spam corpora in {folder}: pass --data-dir or set TERTULIA_SHARED_DATA"
        )
    try:
        model, meta = train_bundled(folder)
    except MissingDataError as error:
        raise click.ClickException(str(error)) from error
    held_out = meta["metrics"]["held_out_corpus"]
    click.echo(
        f"trained {model.version} on {meta['training']['rows']} rows "
        f"in {meta['training']['seconds']} s"
    )
    click.echo(
        f"held-out comments (threshold {model.threshold}): n={held_out['n']} "
        f"precision={held_out['precision']} recall={held_out['recall']} "
        f"F1={held_out['f1']} MCC={held_out['mcc']}"
    )


@spam_cli.command("evaluate")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
@click.option(
    "--threshold", type=click.FloatRange(0, 1), default=None, help="Spam-folder threshold."
)
def evaluate_command(file: Path, as_json: bool, threshold: float | None) -> None:
    """Score the site's model on FILE, a CSV with header text,label (spam/ham or 1/0)."""
    examples = read_or_fail(file)
    model = site_model()
    configured = current_app.config["TERTULIA_SPAM_THRESHOLD"]
    cut = next(value for value in (threshold, configured, model.threshold) if value is not None)
    metrics = model.evaluate(examples, cut)
    if as_json:
        click.echo(
            json.dumps({"model_version": model.version, "threshold": cut, **metrics.as_dict()})
        )
    else:
        click.echo(f"model {model.version}, spam-folder threshold {cut}")
        click.echo(metrics.table())


@spam_cli.command("learn")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
def learn_command(file: Path) -> None:
    """Import FILE (header text,label) as if moderators had decided it, and learn from it."""

    examples = read_or_fail(file)
    if not examples:
        raise click.ClickException(f"{file} has no labelled rows")
    learning.import_labels(db.session, examples)
    db.session.flush()
    outcome = learning.learn(db.session, services().spam_models, batch=1, force=True)
    db.session.commit()
    spam = sum(label for _, label in examples)
    click.echo(f"imported {len(examples)} labels ({spam} spam, {len(examples) - spam} ham)")
    if outcome is None:
        click.echo("not enough labels to learn from yet")
        return
    version = outcome.version
    verdict = "promoted, now active" if version.promoted else "not promoted"
    click.echo(f"version {version.version}: {verdict} ({version.reason})")


@spam_cli.command("relearn")
def relearn_command() -> None:
    """Learn every label again on top of the bundled model (run after upgrading it)."""
    outcome = learning.learn(db.session, services().spam_models, batch=1, from_scratch=True)
    db.session.commit()
    if outcome is None:
        click.echo("no labels to learn from yet")
        return
    version = outcome.version
    verdict = "promoted, now active" if version.promoted else "not promoted"
    click.echo(
        f"version {version.version} learned {outcome.learned} labels: {verdict} ({version.reason})"
    )


@spam_cli.command("versions")
def versions_command() -> None:
    """List the site's learned versions, newest first, with their verdicts."""

    rows = learning.versions(db.session)
    if not any(row.is_active for row in rows):
        click.echo(f"* {learning.BUNDLED} (active)")
    for row in rows:
        mark = "*" if row.is_active else " "
        verdict = "promoted" if row.promoted else "refused"
        click.echo(
            f"{mark} {row.version}  {row.created_at:%Y-%m-%d %H:%M}  {verdict}: {row.reason}"
        )


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
