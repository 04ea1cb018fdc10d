"""Fixtures for the staff pages: accounts, and test clients signed in with them."""

from __future__ import annotations

import pytest
from flask.testing import FlaskClient

from recovery.runtime import Runtime
from tests.support.staff_client import sign_in
from tests.support.staff_fixtures import ADMIN_EMAIL, NURSE_EMAIL, add_user


@pytest.fixture
def nurse(runtime: Runtime) -> int:
    """A nurse's account id."""
    return add_user(runtime, NURSE_EMAIL, "nurse")


@pytest.fixture
def admin(runtime: Runtime) -> int:
    """An administrator's account id."""
    return add_user(runtime, ADMIN_EMAIL, "admin")


@pytest.fixture
def nurse_client(client: FlaskClient, nurse: int) -> FlaskClient:
    """A client signed in as the nurse."""
    assert sign_in(client, NURSE_EMAIL).status_code == 302
    return client


@pytest.fixture
def admin_client(client: FlaskClient, admin: int) -> FlaskClient:
    """A client signed in as the administrator."""
    assert sign_in(client, ADMIN_EMAIL).status_code == 302
    return client
