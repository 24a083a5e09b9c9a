"""Fixtures for the LRS at /xapi: credentials per scope and a client that speaks xAPI."""

import base64
import json

import pytest
from django.test import Client

from learning.services.lrs import lrs_credential_issue

ALL_SCOPES = ["statements/write", "all/read", "state"]


class XapiClient:
    """A Django test client with basic credentials and the version header on every request."""

    def __init__(self, key: str | None, secret: str | None, version: str = "2.0.0"):
        self.client = Client()
        self.headers = {"X-Experience-API-Version": version} if version else {}
        if key is not None:
            token = base64.b64encode(f"{key}:{secret}".encode()).decode()
            self.headers["Authorization"] = f"Basic {token}"

    def request(self, method, path, *, params=None, body=None, content_type="application/json", headers=None):
        url = f"/xapi/{path}"
        if params:
            from urllib.parse import urlencode

            url += "?" + urlencode(params)
        data = body if isinstance(body, bytes | str) or body is None else json.dumps(body)
        merged = {**self.headers, **(headers or {})}
        call = getattr(self.client, method.lower())
        if method.upper() in {"GET", "HEAD"}:
            return call(url, headers=merged)
        return call(url, data=data if data is not None else b"", content_type=content_type, headers=merged)

    def post_statements(self, statements, **kwargs):
        return self.request("POST", "statements", body=statements, **kwargs)

    def get_statements(self, **params):
        return self.request("GET", "statements", params=params)


@pytest.fixture
def make_xapi():
    def make(*scopes: str, version: str = "2.0.0", name: str | None = None, authority=None) -> XapiClient:
        chosen = list(scopes) or ALL_SCOPES
        credential, secret = lrs_credential_issue(
            name=name or "client " + "+".join(chosen), scopes=chosen, authority=authority
        )
        client = XapiClient(credential.key, secret, version)
        client.credential = credential
        return client

    return make


@pytest.fixture
def xapi(make_xapi):
    return make_xapi()
