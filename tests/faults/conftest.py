"""A database that fails while the application runs (`outage`)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from flask import Flask

from tests.conftest import POSTGRES_URL
from tests.faults.outage import Outage

# Requests give up on a locked or unreachable database this fast in the fault tests.
TIMEOUT = 0.3


@pytest.fixture
def outage(app_factory: Any) -> Iterator[tuple[Flask, Outage]]:
    """An application and the outage of its database (`with outage.during(): ...`)."""
    if POSTGRES_URL is not None:
        fault = Outage(POSTGRES_URL)
        app = app_factory(DATABASE_URL=fault.url, TERTULIA_DATABASE_TIMEOUT=TIMEOUT)
    else:
        app = app_factory(TERTULIA_DATABASE_TIMEOUT=TIMEOUT)
        fault = Outage(app.config["DATABASE_URL"])
    yield app, fault
    fault.close()
