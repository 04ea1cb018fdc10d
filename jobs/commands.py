"""Commands that run due work: ``tick`` once, ``scheduler`` for good, ``serve`` with the web app."""

from __future__ import annotations

import multiprocessing
import signal
from multiprocessing.process import BaseProcess
from types import FrameType

import click
from apscheduler.schedulers.blocking import BlockingScheduler
from flask import Flask, current_app
from flask.cli import with_appcontext
from sqlalchemy.exc import OperationalError

from config.settings import Settings
from jobs.catch_up import catch_up_inbound
from jobs.clock import schedule_jobs
from recovery.logs import configure_logging
from recovery.patients.validation import parse_instant
from recovery.runtime import Runtime, utc_now
from recovery.sending.due_work import run_due_work


def _runtime() -> Runtime:
    found: Runtime = current_app.extensions["recovery"]
    return found


@click.command("tick")
@click.option("--at", "at", default=None, help="Do the work as of this ISO 8601 instant.")
@with_appcontext
def tick_command(at: str | None) -> None:
    """Do all due work once, as of now or the given instant, then exit."""
    try:
        now = parse_instant(at) if at else utc_now()
    except ValueError as problem:
        raise click.ClickException(f"--at: {problem}") from None
    runtime = _runtime()
    try:
        counts = run_due_work(runtime, now=now)
    except OperationalError as problem:
        # The database itself failed (read-only, disk full, gone): say so in one line.
        database = runtime.engine.url.render_as_string(hide_password=True)
        reason = (str(problem.orig).strip().splitlines() or [type(problem.orig).__name__])[0]
        raise click.ClickException(
            f"the database {database} failed during due work: {reason} "
            "(is it reachable and writable, with free disk space?)"
        ) from None
    done = ", ".join(f"{name}={number}" for name, number in sorted(counts.items()) if number)
    click.echo(f"Due work as of {now.isoformat()}: {done or 'nothing was due'}")


@click.command("reconcile-inbound")
@click.option("--since", default=None, help="Look back to this ISO 8601 instant.")
@with_appcontext
def reconcile_inbound_command(since: str | None) -> None:
    """Fetch texts that reached Twilio but not the webhook, handle them, and say what was found."""
    try:
        start = parse_instant(since) if since else None
    except ValueError as problem:
        raise click.ClickException(f"--since: {problem}") from None
    counts = catch_up_inbound(_runtime(), now=utc_now(), since=start)
    found = ", ".join(f"{name}={number}" for name, number in sorted(counts.items()) if number)
    click.echo(f"Inbound texts fetched from Twilio: {found or 'none missed'}")


@click.command("scheduler")
@with_appcontext
def scheduler_command() -> None:
    """Run the scheduler in this process until SIGTERM or Ctrl-C (after the current pass)."""
    _log_to_console()
    run_scheduler(_runtime())


def run_scheduler(runtime: Runtime) -> None:
    """The scheduler, blocking, until SIGTERM or SIGINT (after the current pass)."""
    scheduler = schedule_jobs(BlockingScheduler(), runtime)

    def stop(signum: int, _frame: FrameType | None) -> None:
        click.echo(f"Signal {signum}: stopping after the current pass")
        scheduler.shutdown(wait=True)

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    click.echo("Scheduler running; due work every few seconds")
    scheduler.start()
    click.echo("Scheduler stopped")


def _scheduler_process(settings: Settings) -> None:
    """The entry point of ``serve``'s scheduler process."""
    configure_logging(settings.log_format)
    run_scheduler(Runtime.from_settings(settings))


SERVE_THREADS = 16
STOP_WAIT_SECONDS = 30.0


@click.command("serve")
@click.option("--port", default=5000, show_default=True)
@click.option("--host", default="127.0.0.1", show_default=True)
@with_appcontext
def serve_command(port: int, host: str) -> None:
    """Serve the web app, with the scheduler in a process of its own (the embedded default).

    The web app runs on waitress, a production WSGI server (multi-threaded, pure Python, no
    C build); Flask's development server is only for `flask run`. The scheduler sends the
    texts; in a process of its own it does not compete with the web app's threads for one
    interpreter while the morning wave's status callbacks arrive.
    """
    from waitress import create_server

    _log_to_console()
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    clock = multiprocessing.get_context("spawn").Process(
        target=_scheduler_process, args=(_runtime().settings,), name="recovery-scheduler"
    )

    def stop(signum: int, _frame: FrameType | None) -> None:
        click.echo(f"Signal {signum}: stopping after the current pass")
        raise KeyboardInterrupt  # the server's loop ends on it, as on Ctrl-C

    signal.signal(signal.SIGTERM, stop)
    server = create_server(app, host=host, port=port, threads=SERVE_THREADS, ident="recovery")
    clock.start()
    click.echo(f"Serving on http://{host}:{port} (waitress, {SERVE_THREADS} threads)")
    try:
        server.run()  # returns on SIGINT or SIGTERM
    finally:
        server.close()
        _stop_process(clock)
        click.echo("Stopped")


def _stop_process(process: BaseProcess) -> None:
    """SIGTERM (it stops after its current pass), then SIGKILL if it takes too long."""
    if process.is_alive():
        process.terminate()
        process.join(STOP_WAIT_SECONDS)
    if process.is_alive():
        process.kill()
        process.join()


def _log_to_console() -> None:
    configure_logging(_runtime().settings.log_format)


def init_app(app: Flask) -> None:
    """Register the commands."""
    for command in (tick_command, scheduler_command, serve_command, reconcile_inbound_command):
        app.cli.add_command(command)
