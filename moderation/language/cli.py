"""`flask language detect`: one comment per line in, one language code per line out."""

from __future__ import annotations

from typing import TextIO

import click
from flask import current_app
from flask.cli import AppGroup

from moderation.language import LanguageDetector

language_cli = AppGroup("language", help="Language detection tools.")


def _site_languages(option: str | None) -> tuple[str, ...]:
    if option:
        return tuple(code.strip() for code in option.split(",") if code.strip())
    return tuple(current_app.config["TERTULIA_LANGUAGES"])


@language_cli.command("detect")
@click.argument("source", type=click.File("r", encoding="utf-8", errors="replace"), default="-")
@click.option("--languages", help="Comma-separated site languages, e.g. en,es,pt.")
def detect_command(source: TextIO, languages: str | None) -> None:
    """Print the language of each line of SOURCE (stdin by default); `und` when undecided."""
    try:
        detector = LanguageDetector(_site_languages(languages))
    except ValueError as error:
        raise click.BadParameter(str(error), param_hint="--languages") from error
    # No context priors here: a line of a file has no article and no page language.
    out = [detector.detect(line.rstrip("\r\n")).code for line in source]
    click.echo("\n".join(out) + ("\n" if out else ""), nl=False)
