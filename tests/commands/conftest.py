"""Fixtures shared by the command tests."""

from __future__ import annotations

import pytest
from pytest_httpserver import HTTPServer

from tests.commands.test_check import (
    CLIENT_ID,
    CLIENT_SECRET,
    PASSWORD,
    TOKEN,
    USERNAME,
)


@pytest.fixture
def env(monkeypatch: pytest.MonkeyPatch, httpserver: HTTPServer):
    """Point SF_* at the local server; returns a function to change them."""
    import os

    for key in list(os.environ):
        if key.startswith(("SF_", "SALESFORCE_")):
            monkeypatch.delenv(key)

    def _set(**values: str | None) -> None:
        base = {
            "SF_LOGIN_URL": httpserver.url_for("").rstrip("/"),
            "SF_USERNAME": USERNAME,
            "SF_PASSWORD": PASSWORD,
            "SF_SECURITY_TOKEN": TOKEN,
            "SF_CLIENT_ID": CLIENT_ID,
            "SF_CLIENT_SECRET": CLIENT_SECRET,
        }
        base.update(values)
        for k, v in base.items():
            if v is None:
                monkeypatch.delenv(k, raising=False)
            else:
                monkeypatch.setenv(k, v)

    _set()
    return _set
