"""The staff web app: sign-in, the worklist, patients, administration, the simulator."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """Register the staff pages (and CSRF protection for their forms)."""
