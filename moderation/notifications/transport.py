"""Where mails go: an SMTP server (`TERTULIA_SMTP_URL`) or `.eml` files in a folder (no Flask)."""

from __future__ import annotations

import smtplib
import ssl
from dataclasses import dataclass
from datetime import UTC, datetime
from email.message import EmailMessage
from pathlib import Path
from typing import Protocol
from urllib.parse import unquote, urlsplit

# scheme -> (security, default port)
SCHEMES = {
    "smtp": ("plain", 25),
    "smtp+starttls": ("starttls", 587),
    "smtps": ("ssl", 465),
}
TIMEOUT = 30.0


class Transport(Protocol):
    """Sends one message and says where it went (never to whom)."""

    def send(self, message: EmailMessage) -> str: ...


@dataclass(frozen=True)
class SmtpTransport:
    """An SMTP server: `smtp://`, `smtp+starttls://` or `smtps://`, with optional login."""

    host: str
    port: int
    security: str
    username: str | None = None
    password: str | None = None

    @classmethod
    def from_url(cls, url: str) -> SmtpTransport:
        """Parse `smtp+starttls://user:pass@host:587`; raises ValueError on a bad URL."""
        parts = urlsplit(url)
        if parts.scheme not in SCHEMES:
            raise ValueError(
                f"TERTULIA_SMTP_URL must start with {', '.join(s + '://' for s in SCHEMES)}"
            )
        if not parts.hostname:
            raise ValueError("TERTULIA_SMTP_URL names no host")
        security, default_port = SCHEMES[parts.scheme]
        return cls(
            host=parts.hostname,
            port=parts.port or default_port,
            security=security,
            username=unquote(parts.username) if parts.username else None,
            password=unquote(parts.password) if parts.password else None,
        )

    def send(self, message: EmailMessage) -> str:
        """Deliver `message`; any failure raises (the outbox retries later)."""
        context = ssl.create_default_context()
        smtp: smtplib.SMTP
        if self.security == "ssl":
            smtp = smtplib.SMTP_SSL(self.host, self.port, timeout=TIMEOUT, context=context)
        else:
            smtp = smtplib.SMTP(self.host, self.port, timeout=TIMEOUT)
        with smtp:
            if self.security == "starttls":
                smtp.starttls(context=context)
            if self.username:
                smtp.login(self.username, self.password or "")
            smtp.send_message(message)
        return f"{self.security} {self.host}:{self.port}"


@dataclass(frozen=True)
class FileTransport:
    """Writes each mail as an `.eml` file: development, and sites without a mail server."""

    folder: Path

    def send(self, message: EmailMessage) -> str:
        """Write `message` and return the file's path."""
        self.folder.mkdir(parents=True, exist_ok=True)
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%f")
        ident = "".join(ch for ch in str(message["Message-ID"] or "") if ch.isalnum())[:24]
        path = self.folder / f"{stamp}-{ident or 'mail'}.eml"
        path.write_bytes(message.as_bytes())
        return str(path)
