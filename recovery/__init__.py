"""Recovery Check-in: texts patients after a back procedure and flags who needs a nurse."""

from __future__ import annotations

from flask import Flask

from config.settings import Settings, load_settings
from recovery.runtime import Runtime

MAX_REQUEST_BYTES = 5 * 1024 * 1024


def create_app(settings: Settings | None = None) -> Flask:
    """Build the web app, its database engine and its commands (the composition root)."""
    settings = settings or load_settings()
    app = Flask(__name__, instance_relative_config=False)
    app.config.update(
        SECRET_KEY=settings.secret_key,
        MAX_CONTENT_LENGTH=MAX_REQUEST_BYTES,
        JSON_SORT_KEYS=False,
    )
    runtime = Runtime.from_settings(settings)
    app.extensions["recovery"] = runtime

    # The factory is the composition root: it alone wires the entry points together.
    import webhooks
    from jobs import cli as job_commands
    from recovery import api, cli, health, requests, web

    requests.init_app(app)
    app.register_blueprint(health.blueprint)
    app.register_blueprint(api.blueprint)
    webhooks.init_app(app)
    web.init_app(app)
    cli.init_app(app)
    job_commands.init_app(app)
    return app


def runtime_of(app: Flask) -> Runtime:
    """The runtime a Flask app was built with."""
    runtime = app.extensions["recovery"]
    assert isinstance(runtime, Runtime)
    return runtime
