"""Calling the API as a token holder would: a Bearer token in the header, JSON in and out."""

from __future__ import annotations

import json
from typing import Any

from django.test import Client

from fairhearing.accounts.models import User
from fairhearing.api.tokens import issue_token


def token_for(user: User, scope: str = "write", days: int = 30) -> str:
    return issue_token(user, name=f"test {scope}", scope=scope, days=days).secret


class Api:
    """A test client that sends a token with every call: `Api.of(user).get("/cases")` calls /api/v1/cases."""

    def __init__(self, secret: str | None, client: Client | None = None) -> None:
        self.client = client or Client()
        self.headers = {"Authorization": f"Bearer {secret}"} if secret else {}

    @classmethod
    def of(cls, user: User, scope: str = "write") -> Api:
        return cls(token_for(user, scope))

    def _url(self, path: str) -> str:
        return path if path.startswith("/api/") else "/api/v1" + path

    def get(self, path: str, **params: Any):
        return self.client.get(self._url(path), params, headers=self.headers)

    def post(self, path: str, body: Any = None, *, key: str | None = None, **extra: Any):
        headers = self.headers | ({"Idempotency-Key": key} if key else {})
        return self.client.post(
            self._url(path), json.dumps(body or {}), content_type="application/json", headers=headers, **extra
        )

    def patch(self, path: str, body: Any = None):
        return self.client.patch(
            self._url(path), json.dumps(body or {}), content_type="application/json", headers=self.headers
        )

    def upload(self, path: str, data: dict[str, Any], *, key: str | None = None):
        headers = self.headers | ({"Idempotency-Key": key} if key else {})
        return self.client.post(self._url(path), data, headers=headers)


def problem(response) -> dict[str, Any]:
    """The problem body of a refused call, checked to be one."""
    assert response["Content-Type"] == "application/problem+json", (response.status_code, response.content[:300])
    body = response.json()
    assert body["status"] == response.status_code
    return body
