"""Driving the staff pages with Flask's test client: forms posted with their CSRF token."""

from __future__ import annotations

import re
from typing import Any

from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from tests.support.staff_fixtures import PASSWORD

TOKEN_FIELD = re.compile(r'name="csrf_token" value="([^"]+)"')


def csrf_token(client: FlaskClient, page: str = "/login") -> str:
    """The CSRF token of the forms on a page, for this client's session."""
    match = TOKEN_FIELD.search(client.get(page).get_data(as_text=True))
    assert match is not None, f"no form with a CSRF token on {page}"
    return match[1]


def post(
    client: FlaskClient, path: str, data: dict[str, Any] | None = None, **options: Any
) -> TestResponse:
    """Post a form as the browser would, with the session's CSRF token."""
    page = "/login" if path == "/login" else "/patients"
    form = {**(data or {}), "csrf_token": csrf_token(client, page)}
    return client.post(path, data=form, **options)


def sign_in(client: FlaskClient, email: str, password: str = PASSWORD) -> TestResponse:
    """Sign in through the form."""
    return post(client, "/login", {"email": email, "password": password})


def text(response: TestResponse) -> str:
    """A response's body as text."""
    return response.get_data(as_text=True)
