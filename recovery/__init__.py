"""Recovery Check-in: texts patients after a back procedure and flags who needs a nurse."""

from __future__ import annotations

import click
from flask import Flask, request

from config.settings import Settings, SettingsError, load_settings
from recovery.logs import configure_logging
from recovery.runtime import Runtime

# Staff pages (the CSV upload among them) may post this much.
MAX_REQUEST_BYTES = 5 * 1024 * 1024
# Machines post small bodies: an enrollment, a note, one text or status callback.
MAX_MACHINE_REQUEST_BYTES = 64 * 1024
MACHINE_BLUEPRINTS = ("api", "webhooks")


class StartupRefused(click.ClickException):
    """The environment does not describe a service that may start (shown in one line)."""


def create_app(settings: Settings | None = None) -> Flask:
    """Build the web app, its database engine and its commands (the composition root)."""
    settings = settings or settings_from_environment()
    app = Flask(__name__, instance_relative_config=False)
    app.config.update(SECRET_KEY=settings.secret_key, MAX_CONTENT_LENGTH=MAX_REQUEST_BYTES)
    app.json.sort_keys = False  # type: ignore[attr-defined]  # documents read in SPEC order
    runtime = Runtime.from_settings(settings)
    app.extensions["recovery"] = runtime
    if settings.log_format == "json":  # web workers (gunicorn) log as the pipeline reads it
        configure_logging(settings.log_format)
    app.before_request(limit_machine_requests)

    # The factory is the composition root: it alone wires the entry points together.
    import webhooks
    from jobs import commands as job_commands
    from recovery import cli, requests, web
    from recovery.api import endpoints, fhir_export, fhir_views, health, metrics  # noqa: F401

    requests.init_app(app)
    app.register_blueprint(health.blueprint)
    app.register_blueprint(metrics.blueprint)
    app.register_blueprint(endpoints.blueprint)  # with fhir_views' route
    metrics.time_webhooks(app, webhooks.blueprint.name)
    webhooks.init_app(app)
    web.init_app(app)
    cli.init_app(app)
    job_commands.init_app(app)
    app.cli.add_command(fhir_export.export_fhir_command)
    return app


def settings_from_environment() -> Settings:
    """The settings of this process's environment; StartupRefused naming what is wrong."""
    try:
        return load_settings()
    except SettingsError as problem:
        raise StartupRefused(f"Recovery Check-in cannot start: {problem}") from None


def limit_machine_requests() -> None:
    """Hold the API and the webhooks to small bodies: a bigger one gets 413, nothing stored."""
    if request.blueprint in MACHINE_BLUEPRINTS:
        request.max_content_length = MAX_MACHINE_REQUEST_BYTES


def runtime_of(app: Flask) -> Runtime:
    """The runtime a Flask app was built with."""
    runtime = app.extensions["recovery"]
    assert isinstance(runtime, Runtime)
    return runtime
