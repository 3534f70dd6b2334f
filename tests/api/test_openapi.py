"""The OpenAPI document: valid 3.1, examples that match their schemas, every route described.

Every real API response of the suite is checked against it by `tests/openapi_contract.py`.
"""

from __future__ import annotations

import copy
from collections.abc import Iterator
from typing import Any

import pytest
from flask import Flask, Response
from flask.testing import FlaskClient
from openapi_core import OpenAPI
from openapi_core.contrib.werkzeug import WerkzeugOpenAPIResponse
from openapi_schema_validator import OAS31Validator
from openapi_spec_validator import validate
from referencing import Registry
from referencing.jsonschema import DRAFT202012
from werkzeug.test import EnvironBuilder

from moderation.api.openapi import document
from tests import openapi_contract
from tests.factories import Factory

_JSON = "application/json"


def test_the_document_is_valid_openapi_3_1() -> None:
    validate(document())
    assert document()["openapi"] == "3.1.0"


def _pointer(parts: list[str]) -> str:
    return "".join("/" + part.replace("~", "~0").replace("/", "~1") for part in parts)


def _examples(node: Any, parts: list[str]) -> Iterator[tuple[str, Any]]:
    """Every (JSON pointer of a schema, its example) pair in the document's media types."""
    if isinstance(node, dict):
        if "schema" in node and "example" in node:
            yield _pointer([*parts, "schema"]), node["example"]
        for key, value in node.items():
            yield from _examples(value, [*parts, str(key)])


def test_every_documented_example_matches_its_schema() -> None:
    spec = document()
    registry: Registry[Any] = Registry().with_resource("urn:api", DRAFT202012.create_resource(spec))
    found = list(_examples(spec["paths"], ["paths"]))
    assert len(found) >= 10
    for pointer, example in found:
        validator = OAS31Validator({"$ref": f"urn:api#{pointer}"}, registry=registry)
        errors = [error.message for error in validator.iter_errors(example)]
        assert errors == [], f"example at {pointer}: {errors}"


def test_a_wrong_example_would_be_caught() -> None:
    spec = document()
    registry: Registry[Any] = Registry().with_resource("urn:api", DRAFT202012.create_resource(spec))
    thread = OAS31Validator({"$ref": "urn:api#/components/schemas/Thread"}, registry=registry)
    assert not thread.is_valid({"article": {}, "comments": [{"id": "x"}], "total": -1})


def test_every_api_route_is_documented(app: Flask) -> None:
    served: set[tuple[str, str]] = set()
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith("/api/v1/"):
            path = rule.rule.removeprefix("/api/v1")
            for part in rule.arguments:
                path = path.replace(f"<{part}>", f"{{{part}}}")
            served.update(
                (path, method.lower()) for method in rule.methods or () if method != "HEAD"
            )
    documented = {(path, method) for path, item in document()["paths"].items() for method in item}
    assert served == documented


def test_the_document_is_served(client: FlaskClient) -> None:
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    assert response.json == document()


def test_the_contract_check_catches_a_response_that_leaks_a_field(
    app: Flask, factory: Factory
) -> None:
    """The suite-wide check is real: an email in a listed comment is refused."""
    factory.article(slug="contrato")
    request = EnvironBuilder(path="/api/v1/articles/contrato/comments", method="GET").get_request()
    leaked = {
        "article": {"slug": "contrato", "title": "T", "url": None},
        "comments": [
            {
                "id": 1,
                "parent_id": None,
                "author_name": "Ana",
                "author_email": "ana@example.org",
                "body": "Hola",
                "body_html": "<p>Hola</p>",
                "language": "es",
                "created_at": "2026-11-27T09:17:16Z",
            }
        ],
        "total": 1,
    }
    response = Response(app.json.dumps(leaked), mimetype="application/json")
    response.request = request  # type: ignore[attr-defined]
    with pytest.raises(Exception, match=r"author_email|additional"):
        openapi_contract.check_response(response)  # type: ignore[arg-type]
    undocumented = Response(app.json.dumps({"errors": {"x": "y"}}), status=418, mimetype=_JSON)
    undocumented.request = request  # type: ignore[attr-defined]
    with pytest.raises(Exception):  # noqa: B017  (openapi-core has several error types)
        openapi_contract.check_response(undocumented)  # type: ignore[arg-type]


def test_a_document_without_a_status_fails_the_real_answer(client: FlaskClient) -> None:
    """The contract check reads the document: drop the 404 and the real 404 no longer passes."""
    spec = copy.deepcopy(document())
    del spec["paths"]["/articles/{slug}/comments"]["get"]["responses"]["404"]
    response = client.get("/api/v1/articles/nope/comments")
    assert response.status_code == 404
    openapi_contract.check_response(response)
    with pytest.raises(Exception):  # noqa: B017
        OpenAPI.from_dict(spec).validate_response(
            openapi_contract._SentRequest(response.request),
            WerkzeugOpenAPIResponse(response),
        )
