"""`flask mail send`: the outbox worker (a loop, or `--once` for cron)."""

from __future__ import annotations

import time

import click
from flask.cli import AppGroup

from models import utcnow
from moderation import mail
from moderation.extensions import db
from moderation.notifications.transport import FileTransport

mail_cli = AppGroup("mail", help="Email notifications: the outbox worker.")


@mail_cli.command("send")
@click.option("--once", is_flag=True, help="Send what is due, then stop (for cron).")
@click.option(
    "--interval", default=30.0, show_default=True, help="Seconds between passes of the loop."
)
def mail_send(once: bool, interval: float) -> None:
    """Send the outbox: mails due now, retries whose wait is over, the daily digests."""
    try:
        via = mail.transport()
    except ValueError as error:
        raise click.ClickException(str(error)) from error
    if isinstance(via, FileTransport):
        click.echo(f"No TERTULIA_SMTP_URL: mails are written as .eml files to {via.folder}")
    while True:
        for line in mail.send_due(db.session, via, utcnow()):
            click.echo(line)
        db.session.close()
        if once:
            return
        time.sleep(interval)
