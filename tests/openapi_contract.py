"""Pytest plugin: every response of `/api/v1` in the whole suite must match the OpenAPI document.

Loaded for every run (`-p tests.openapi_contract` in pyproject). It wraps the Flask test
client, so each API response any test receives is validated with openapi-core against
`moderation.api.openapi.document()`; a mismatch fails the test that made the request. Only
responses are checked: tests send bad requests on purpose.
"""

from __future__ import annotations

import functools
from typing import Any

import pytest
from flask.testing import FlaskClient
from openapi_core import OpenAPI
from openapi_core.contrib.werkzeug import WerkzeugOpenAPIRequest, WerkzeugOpenAPIResponse
from werkzeug.test import TestResponse

from moderation.api.openapi import document

API_PREFIX = "/api/v1"
checked: list[str] = []


@functools.cache
def spec() -> OpenAPI:
    """The document, loaded once for the run."""
    return OpenAPI.from_dict(document())


class _SentRequest(WerkzeugOpenAPIRequest):
    """The request as openapi-core needs it to find the operation; its body was consumed."""

    @property
    def body(self) -> bytes | None:
        return None


def check_response(response: TestResponse) -> None:
    """Raise when an API response differs from what the document promises."""
    spec().validate_response(_SentRequest(response.request), WerkzeugOpenAPIResponse(response))


def pytest_configure(config: pytest.Config) -> None:
    """Wrap the test client's `open` for the whole run."""
    original = FlaskClient.open

    @functools.wraps(original)
    def open_and_check(self: FlaskClient, *args: Any, **kwargs: Any) -> TestResponse:
        response = original(self, *args, **kwargs)
        if response.request.path.startswith(API_PREFIX):
            try:
                check_response(response)
            except Exception as error:
                request = response.request
                raise AssertionError(
                    f"{request.method} {request.path} answered {response.status_code}, which "
                    f"does not match moderation/api/openapi.py: {error!r}"
                ) from error
            checked.append(f"{response.request.method} {response.status_code}")
        return response

    FlaskClient.open = open_and_check  # type: ignore[method-assign]


def pytest_sessionfinish(session: pytest.Session) -> None:
    """Under xdist, a worker hands what it checked to the controller, which reports."""
    if (output := getattr(session.config, "workeroutput", None)) is not None:
        output["openapi_checked"] = checked


@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node: Any, error: object) -> None:
    """Collect a finished xdist worker's checks (an xdist hook, absent from serial runs)."""
    checked.extend(getattr(node, "workeroutput", {}).get("openapi_checked", []))


def pytest_terminal_summary(terminalreporter: Any) -> None:
    """Say how many API responses were checked against the document."""
    if checked:
        terminalreporter.write_line(
            f"OpenAPI: {len(checked)} API responses matched the document "
            f"({len(set(checked))} distinct method/status pairs)"
        )
