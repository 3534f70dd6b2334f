"""`flask --app wsgi spam train|evaluate`; the only spam module that imports Flask."""

from __future__ import annotations

import json
import os
from pathlib import Path

import click
from flask.cli import AppGroup

from moderation.spam.corpora import MissingDataError
from moderation.spam.labelled_csv import LabelledCsvError, read_labelled_csv
from moderation.spam.model import SpamModel

REPO_ROOT = Path(__file__).resolve().parents[2]

spam_cli = AppGroup("spam", help="The spam classifier: train the bundled model, evaluate it.")


def default_data_dir() -> Path:
    """`TERTULIA_SHARED_DATA`, else ../shared/data beside the repository."""
    configured = os.environ.get("TERTULIA_SHARED_DATA")
    return Path(configured) if configured else REPO_ROOT.parent / "shared" / "data"


def site_model() -> SpamModel:
    """The model as the site currently has it."""
    return SpamModel.bundled()


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
    try:
        examples = read_labelled_csv(file)
    except LabelledCsvError as error:
        raise click.ClickException(str(error)) from error
    model = site_model()
    metrics = model.evaluate(examples, threshold)
    cut = model.threshold if threshold is None else threshold
    if as_json:
        click.echo(
            json.dumps({"model_version": model.version, "threshold": cut, **metrics.as_dict()})
        )
    else:
        click.echo(f"model {model.version}, spam-folder threshold {cut}")
        click.echo(metrics.table())
