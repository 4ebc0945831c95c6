"""The OpenAPI document: checked into docs/, and true to the code.

docs/openapi.json is what integrators generate clients from; if the code changes and the file does not, this fails
and says how to regenerate it.
"""

from __future__ import annotations

import json

from django.test import Client

from fairhearing.api.openapi_document import CHECKED_IN, document_text

PUBLIC = {"get_audit_checkpoint", "get_audit_key", "get_audit_consistency"}


def _schema() -> dict:
    return json.loads(document_text())


def _operations(schema: dict):
    for path, item in schema["paths"].items():
        for method, operation in item.items():
            yield path, method, operation


def test_the_checked_in_document_matches_the_code():
    assert CHECKED_IN.exists(), "docs/openapi.json is missing: run `fairhearing openapi --output docs/openapi.json`"
    assert CHECKED_IN.read_text(encoding="utf-8") == document_text(), (
        "docs/openapi.json has drifted from the code: run `fairhearing openapi --output docs/openapi.json`"
    )


def test_the_served_document_is_openapi_3_1_and_the_same(db):
    response = Client().get("/api/v1/openapi.json")
    assert response.status_code == 200
    served = response.json()
    assert served["openapi"].startswith("3.1")
    assert served == _schema()


def test_the_interactive_docs_are_served_from_here_not_a_cdn(db):
    page = Client().get("/api/v1/docs").content.decode()
    assert "/static/ninja/swagger-ui-bundle.js" in page
    assert "cdn" not in page.lower()


def test_operation_ids_are_unique():
    ids = [operation["operationId"] for _, _, operation in _operations(_schema())]
    assert len(ids) == len(set(ids)), sorted(i for i in ids if ids.count(i) > 1)


def test_every_operation_needs_sign_in_but_the_public_proofs():
    # The 2FA middleware leaves /api/ to the API, so an operation without auth would be open to a password alone.
    for path, method, operation in _operations(_schema()):
        if operation["operationId"] in PUBLIC:
            assert not operation.get("security"), f"{method.upper()} {path} should be public"
        else:
            assert operation.get("security"), f"{method.upper()} {path} has no authentication"


def test_every_post_takes_an_idempotency_key_and_every_list_a_cursor():
    schema = _schema()
    for path, method, operation in _operations(schema):
        names = {p["name"] for p in operation.get("parameters", [])}
        if method == "post":
            assert "Idempotency-Key" in names, f"POST {path}"
        success = operation["responses"].get("200", {}).get("content", {}).get("application/json", {})
        ref = success.get("schema", {}).get("$ref", "")
        if ref:
            body = schema["components"]["schemas"][ref.rsplit("/", 1)[1]]
            if "next_cursor" in body.get("properties", {}):
                assert {"cursor", "limit"} <= names, f"{method.upper()} {path} lists without a cursor"


def test_errors_are_problem_documents():
    for path, method, operation in _operations(_schema()):
        statuses = ("404", "422") if operation["operationId"] in PUBLIC else ("401", "404", "422")
        for status in statuses:
            content = operation["responses"][status]["content"]
            assert "application/problem+json" in content, f"{method.upper()} {path} {status}"


def test_a_wrong_method_answers_with_a_problem(db):
    response = Client().delete("/api/v1/cases")
    assert response.status_code == 405
    assert response["Content-Type"] == "application/problem+json"
    assert set(response["Allow"].replace(" ", "").split(",")) == {"GET", "POST"}
    assert "DELETE is not allowed here" in response.json()["detail"]


def test_an_unknown_api_address_answers_with_a_problem(db):
    response = Client().get("/api/v1/no-such-thing")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/problem+json"
