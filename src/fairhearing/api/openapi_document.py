"""The API's OpenAPI document as the file checked into docs/, written the same way every time."""

from __future__ import annotations

import json
from pathlib import Path

CHECKED_IN = Path(__file__).resolve().parents[3] / "docs" / "openapi.json"


def document_text() -> str:
    from fairhearing.api.main import api

    schema = api.get_openapi_schema(path_prefix="/api/v1/")
    return json.dumps(schema, indent=2, ensure_ascii=False) + "\n"
